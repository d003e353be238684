package dev.chat.server.ircnet;

import dev.chat.protocol.Names;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What IRC knows about its users and the chat protocol does not carry: each registered IRC
 * user's real name (from {@code USER}) and away message ({@code AWAY}), by nick, for this node
 * ({@link #of}: one table for both IRC ports and every loop). {@code WHOIS}, {@code WHO},
 * {@code USERHOST}, {@code 301} after a {@code PRIVMSG} and {@code extended-join} read it. Users of
 * other transports, or of other nodes, are not in it: they have no real name and are never away.
 *
 * <p>Written by each connection for itself only, on its own loop, read by every loop: a
 * concurrent map, bounded by the node's connections (one entry per registered IRC connection,
 * removed when it closes). An entry names its owner, so that a connection never removes or
 * changes an entry that a later holder of the same nick made.
 */
final class IrcUsers implements Shareable {
    private static final String MAP = "chat.irc";
    private static final String KEY = "irc-users";

    /** One registered IRC user: {@code owner} is its connection (compared by identity). */
    record User(Object owner, String nick, String realname, String away) {
    }

    /** An IRC user went away ({@code away} its message) or came back ({@code null}): for the members of {@code rooms}. */
    record AwayChange(String nick, String away, List<String> rooms) {
    }

    private final ConcurrentHashMap<String, User> byNick = new ConcurrentHashMap<>();

    /** This node's table. */
    static IrcUsers of(Vertx vertx) {
        return vertx.sharedData().<String, IrcUsers>getLocalMap(MAP).computeIfAbsent(KEY, k -> new IrcUsers());
    }

    /**
     * {@code owner} is registered as {@code nick} now (after the welcome or a nick change): its entry
     * under the old nick, if any, moves, with its away message.
     */
    void identity(Object owner, String oldNick, String nick, String realname) {
        String away = null;
        if (oldNick != null) {
            User old = byNick.get(Names.nickKey(oldNick));
            if (old != null && old.owner() == owner) {
                away = old.away();
                byNick.remove(Names.nickKey(oldNick), old);
            }
        }
        byNick.put(Names.nickKey(nick), new User(owner, nick, realname, away));
    }

    /** Sets or clears ({@code null}) the away message of {@code owner}'s nick. */
    void away(Object owner, String nick, String message) {
        byNick.computeIfPresent(Names.nickKey(nick),
                (k, u) -> u.owner() == owner ? new User(owner, u.nick(), u.realname(), message) : u);
    }

    /** The connection closed: its entry goes. */
    void remove(Object owner, String nick) {
        if (nick != null) {
            byNick.computeIfPresent(Names.nickKey(nick), (k, u) -> u.owner() == owner ? null : u);
        }
    }

    /** The IRC user holding {@code nick} on this node, or null. */
    User get(String nick) {
        return nick == null ? null : byNick.get(Names.nickKey(nick));
    }
}
