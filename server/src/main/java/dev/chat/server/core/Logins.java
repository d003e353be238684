package dev.chat.server.core;

import dev.chat.protocol.Names;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Which sessions of this node are logged in, and to which account: nick key
 * ({@link Names#nickKey}) to account (the account's nick key). The {@link Hub} writes it as
 * sessions log in, log out ({@code unregister}), change nick and leave, and tells every change to
 * the members of the session's rooms ({@link Change}, on {@link Addresses#ACCOUNT_CHANGES});
 * transports that show accounts read it from any loop (IRC's {@code account-tag},
 * {@code extended-join}, {@code WHOIS}, {@code account-notify}).
 *
 * <p>This node's sessions only: a cluster's other nodes keep their own, and a user of another
 * node has no account here (docs/IRC.md). Thread-safe: written on the hub's context, read on any.
 * Bounded by the sessions registered on the node.
 */
public final class Logins implements Shareable {
    private static final String MAP = "chat.accounts";
    private static final String KEY = "logins";

    /**
     * A session logged in to {@code account}, or out of it ({@code null}), as {@code nick}, a member
     * of {@code rooms} (canonical names): for the transports that tell room members.
     */
    public record Change(String nick, String account, List<String> rooms) {
    }

    private final ConcurrentHashMap<String, String> byNick = new ConcurrentHashMap<>();
    private final Consumer<Change> changes;

    /** A table that hands each change to {@code changes} (on the hub's context). */
    public Logins(Consumer<Change> changes) {
        this.changes = changes;
    }

    /** This node's table (one per Vert.x instance); changes are published, local only, to {@link Addresses#ACCOUNT_CHANGES}. */
    public static Logins of(Vertx vertx) {
        return vertx.sharedData().<String, Logins>getLocalMap(MAP).computeIfAbsent(KEY,
                k -> new Logins(c -> vertx.eventBus().publish(Addresses.ACCOUNT_CHANGES, c, LocalCodec.LOCAL)));
    }

    /** The account of the session of this node holding {@code nick}, or null (a guest, or not here). */
    public String account(String nick) {
        return nick == null ? null : byNick.get(Names.nickKey(nick));
    }

    /** The session holding {@code nickKey} is logged in to {@code account} (null: it is a guest). */
    void put(String nickKey, String account) {
        if (account == null) {
            byNick.remove(nickKey);
        } else {
            byNick.put(nickKey, account);
        }
    }

    /** Tells the members of {@code me}'s rooms that its account changed (it logged in or out). */
    void changed(Participant me) {
        if (!me.rooms().isEmpty()) {
            changes.accept(new Change(me.nick(), me.account(), List.copyOf(me.rooms())));
        }
    }
}
