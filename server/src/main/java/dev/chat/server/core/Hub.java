package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.ListRooms;
import dev.chat.protocol.ClientMessage.Nick;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.Frames;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.presence.BeaconKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's rules on the hub's side, the same for every transport and both backends: who is
 * registered here and under which nick, the per-session limits, the order of a session's
 * requests, the deadline, and the reply (or {@code error}) to each request. The shared state is
 * the {@link HubBackend}'s.
 *
 * <ul>
 *   <li>{@code hello}: refused if the session is registered ({@code already_registered}) or the
 *       nick is held or being claimed by a session here ({@code nick_taken}); otherwise the backend
 *       claims it (cluster-wide, in a cluster).
 *   <li>Every other request needs a registered session ({@code not_registered}).
 *   <li>{@code join} beyond {@code --max-rooms-per-session}: {@code too_many_rooms}; {@code say}
 *       or {@code part} of a room not joined: {@code not_in_room}.
 *   <li>{@code dm} to a nick of this node is delivered here; otherwise the backend looks for it.
 * </ul>
 *
 * <p>A session's requests run in order: one that changes membership or nicks (and {@code dm})
 * completes before the session's next request starts; a {@code say} only has to be handed to the
 * backend (says to one room keep their order there). A request whose deadline has passed when its
 * turn comes is refused ({@code unavailable}, not applied). A handler that throws, or fails in a
 * way that is not a {@link Refused}, is answered {@code internal} and logged once with its stack.
 * Hub context only.
 */
public final class Hub {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** Requests one session may have queued behind an unfinished one. */
    static final int MAX_QUEUED_PER_SESSION = 1_000;

    private final ServerConfig config;
    private final String nodeId;
    private final HubBackend backend;
    private final Outbox outbox;
    private final LongSupplier clock;
    private final AccountService accounts;
    /** Keyed by the session's handle itself (compared by identity): no boxed id, no entry object per session. */
    private final Map<Recipient, Participant> bySession = new IdentityHashMap<>();
    private final Map<String, Participant> byNick = new HashMap<>();
    /** Nick keys being claimed by a session of this node right now. */
    private final Map<String, Recipient> claiming = new HashMap<>();
    /** Sessions with an unfinished request, and what waits behind it. */
    private final Map<Recipient, ArrayDeque<Supplier<Future<?>>>> waiting = new IdentityHashMap<>();

    private final BeaconKeys beaconKeys;
    /** Who of this node is logged in to which account, for the transports that show it. */
    private final Logins logins;

    /** A hub without accounts ({@link AccountService#NONE}). */
    public Hub(ServerConfig config, String nodeId, HubBackend backend, Outbox outbox, LongSupplier clock) {
        this(config, nodeId, backend, outbox, clock, AccountService.NONE, new BeaconKeys());
    }

    public Hub(ServerConfig config, String nodeId, HubBackend backend, Outbox outbox, LongSupplier clock,
               AccountService accounts) {
        this(config, nodeId, backend, outbox, clock, accounts, new BeaconKeys());
    }

    /**
     * @param accounts the accounts sessions log in to ({@link AccountService#NONE}: none)
     * @param beaconKeys where each registered session's beacon key goes ({@code welcome}'s {@code beacon_key})
     */
    public Hub(ServerConfig config, String nodeId, HubBackend backend, Outbox outbox, LongSupplier clock,
               AccountService accounts, BeaconKeys beaconKeys) {
        this(config, nodeId, backend, outbox, clock, accounts, beaconKeys, new Logins(change -> { }));
    }

    /**
     * @param logins where each session's account goes (IRC's {@code account-tag}), and who is told
     *               of logins and logouts
     */
    public Hub(ServerConfig config, String nodeId, HubBackend backend, Outbox outbox, LongSupplier clock,
               AccountService accounts, BeaconKeys beaconKeys, Logins logins) {
        this.logins = logins;
        this.accounts = accounts;
        this.beaconKeys = beaconKeys;
        this.config = config;
        this.nodeId = nodeId;
        this.backend = backend;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The rooms with their {@code last_seq} and owner, and the cluster's nodes: {@code GET /api/network}. */
    public NetworkView network() {
        List<NetworkView.Room> rooms = new ArrayList<>();
        for (NetworkView.Room r : backend.roomsWithOwners()) {
            rooms.add(r.owner() == null ? new NetworkView.Room(r.room(), r.members(), r.lastSeq(), nodeId) : r);
        }
        List<String> nodes = new ArrayList<>();
        nodes.add(nodeId);
        nodes.addAll(backend.otherNodes());
        return new NetworkView(rooms, nodes);
    }

    /**
     * Handles one request, after the session's earlier ones; completes with the reply ({@code ok}
     * even without an id: the loop drops it). Never fails.
     *
     * @param deadline the hub's deadline for it ({@link Deadlines#forHub})
     */
    public Future<ServerMessage> handle(Recipient from, ClientMessage m, long deadline) {
        Promise<ServerMessage> reply = Promise.promise();
        ArrayDeque<Supplier<Future<?>>> queue = waiting.get(from);
        if (queue != null && queue.size() >= MAX_QUEUED_PER_SESSION) {
            reply.complete(Refusal.TOO_MANY_WAITING.to(m));
            return reply.future();
        }
        submit(from, () -> run(from, m, deadline, reply));
        return reply.future();
    }

    /** The session's connection closed: after its pending requests, it quits its rooms and frees its nick. */
    public void disconnected(Recipient who) {
        disconnected(who, null);
    }

    /**
     * As {@link #disconnected(Recipient)}; the members of its rooms get {@code quit} events with
     * {@code quitReason}, the reason of the session's {@code quit} (null: none).
     */
    public void disconnected(Recipient who, String quitReason) {
        submit(who, () -> leave(who, quitReason));
    }

    /**
     * The cluster gave the session up: after its pending requests it leaves its rooms and frees
     * its nick; completes once the nick is free.
     */
    public Future<Void> evict(Recipient who) {
        Promise<Void> done = Promise.promise();
        submit(who, () -> leave(who, null).onComplete(ar -> done.complete()));
        return done.future();
    }

    /** The registered session of this node with that handle, or null. */
    public Participant participant(Recipient who) {
        return bySession.get(who);
    }

    /** Every registered session of this node. */
    public List<Participant> participants() {
        return new ArrayList<>(bySession.values());
    }

    /**
     * Who holds {@code nick}: a session of this node (with its rooms), one of another node (as the
     * backend's directory knows it), or nobody ({@link UserLookup#NOT_FOUND}). Never fails.
     */
    public Future<UserLookup.Found> lookup(String nick) {
        String key = Names.nickKey(nick);
        Participant p = byNick.get(key);
        if (p != null) {
            return Future.succeededFuture(new UserLookup.Found(p.nick(), nodeId, true, List.copyOf(p.rooms())));
        }
        return safely(() -> backend.nickNode(key)).map(node -> node == null || node.equals(nodeId)
                ? UserLookup.NOT_FOUND : new UserLookup.Found(nick, node, false, null))
                .otherwise(UserLookup.NOT_FOUND);
    }

    /**
     * Hands {@code /metrics} the rooms with at least one member (in a cluster: the cluster's, as
     * this node's copy has them), their memberships together, and this node's registered sessions.
     * Hub context only; {@link HubEndpoint} calls it every {@link HubEndpoint#COUNT_EVERY_MS} ms.
     */
    public void countInto(ServerMetrics metrics) {
        int rooms = 0;
        int members = 0;
        for (ServerMessage.RoomInfo r : backend.rooms()) {
            rooms++;
            members += r.members();
        }
        metrics.hubCounts(rooms, members, bySession.size());
    }

    /** Whether a session of this node holds, or is claiming, the nick key. */
    public boolean holdsOrClaims(Recipient who, String key) {
        Participant p = byNick.get(key);
        return (p != null && p.who() == who) || claiming.get(key) == who;
    }

    // ---- ordering ----

    private void submit(Recipient who, Supplier<Future<?>> task) {
        ArrayDeque<Supplier<Future<?>>> queue = waiting.get(who);
        if (queue != null) {
            queue.add(task);
            return;
        }
        Future<?> barrier = task.get();
        if (!barrier.isComplete()) {
            waiting.put(who, new ArrayDeque<>());
            barrier.onComplete(ar -> drain(who));
        }
    }

    private void drain(Recipient who) {
        ArrayDeque<Supplier<Future<?>>> queue = waiting.get(who);
        Supplier<Future<?>> task;
        while ((task = queue.poll()) != null) {
            Future<?> barrier = task.get();
            if (!barrier.isComplete()) {
                barrier.onComplete(ar -> drain(who));
                return;
            }
        }
        waiting.remove(who);
    }

    /** Runs one request; the returned future completes when the session's next request may start. */
    private Future<?> run(Recipient from, ClientMessage m, long deadline, Promise<ServerMessage> reply) {
        if (Deadlines.passed(deadline, System.nanoTime())) {
            reply.complete(Refusal.EXPIRED.to(m));
            return Future.succeededFuture();
        }
        Future<ServerMessage> done;
        boolean pipelined = false;
        try {
            if (m instanceof Hello h) {
                done = hello(from, h, deadline);
            } else if (m instanceof ClientMessage.Register r && !bySession.containsKey(from)) {
                done = enter(from, r, r.nick(), null, r.password(), deadline);
            } else if (m instanceof ClientMessage.Login l && !bySession.containsKey(from)) {
                done = enter(from, l, l.nick(), l.password(), null, deadline);
            } else {
                Participant me = bySession.get(from);
                if (me == null) {
                    done = Future.succeededFuture(Refusal.NOT_REGISTERED.to(m));
                } else if (m instanceof Say s) {
                    done = say(me, s, deadline);
                    pipelined = true;
                } else {
                    done = dispatch(me, m, deadline);
                }
            }
        } catch (RuntimeException e) {
            done = Future.failedFuture(e);
        }
        Future<ServerMessage> answered = done.recover(e -> Future.succeededFuture(failure(from, m, e)));
        answered.onComplete(ar -> reply.complete(ar.result()));
        return pipelined ? Future.succeededFuture() : answered;
    }

    private Future<ServerMessage> dispatch(Participant me, ClientMessage m, long deadline) {
        if (m instanceof Join j) {
            return join(me, j, deadline);
        } else if (m instanceof Part p) {
            return part(me, p, deadline);
        } else if (m instanceof Dm d) {
            return dm(me, d, deadline);
        } else if (m instanceof Nick n) {
            return nick(me, n, deadline);
        } else if (m instanceof Who w) {
            if (!visible(me, w.room())) {
                return Future.succeededFuture(Refusal.NOT_MEMBER.to(w, w.room()));
            }
            RoomView v = backend.view(w.room());
            return Future.succeededFuture(new ServerMessage.WhoReply(w.id(), w.room(), v.members(), v.operators(),
                    v.voiced()));
        } else if (m instanceof ListRooms l) {
            List<ServerMessage.RoomInfo> rooms = new ArrayList<>(backend.rooms());
            rooms.removeIf(r -> !visible(me, r.room()));
            rooms.sort((a, b) -> a.room().compareTo(b.room()));
            return Future.succeededFuture(new ServerMessage.RoomList(l.id(), rooms));
        } else if (m instanceof History h) {
            if (!me.in(h.room())) { // a room's history is its members' only
                return Future.succeededFuture(Refusal.NOT_MEMBER.to(h, h.room()));
            }
            return backend.history(h.room(), h.afterSeq(), h.limit())
                    .map(found -> new ServerMessage.HistoryReply(h.id(), h.room(), found));
        } else if (Moderation.handles(m)) {
            return moderate(me, m, deadline);
        } else if (m instanceof ClientMessage.Login l) {
            return login(me, l, deadline);
        } else if (m instanceof ClientMessage.Register r) {
            return register(me, r);
        } else if (m instanceof ClientMessage.Password p) {
            if (me.account() == null) {
                return Future.succeededFuture(Refusal.NOT_LOGGED_IN.to(p));
            }
            return accounts.changePassword(address(me.who()), me.account(), p.oldPassword(), p.newPassword(), deadline)
                    .map(v -> new ServerMessage.Ok(p.id()));
        } else if (m instanceof ClientMessage.Unregister u) {
            if (me.account() == null) {
                return Future.succeededFuture(Refusal.NOT_LOGGED_IN.to(u));
            }
            String account = me.account();
            return accounts.unregister(address(me.who()), account, u.password(), deadline).compose(v -> {
                ServerMessage ok = new ServerMessage.Ok(u.id());
                return account.equals(me.account())
                        ? account(me, null, true).map(x -> ok) // a guest now, under the same nick
                        : Future.succeededFuture(ok);
            });
        }
        throw new IllegalArgumentException("the hub does not handle " + m.type());
    }

    /**
     * A room moderation request ({@link Moderation}): the backend applies it (a member it kicks
     * leaves its session's rooms there), and an invited nick of this node gets {@code invited}.
     */
    private Future<ServerMessage> moderate(Participant me, ClientMessage m, long deadline) {
        String room = Moderation.roomOf(m);
        return backend.moderate(me, m, deadline).map(reply -> {
            if (m instanceof ClientMessage.Invite i && reply instanceof ServerMessage.Ok) {
                String key = Names.nickKey(i.nick());
                Participant to = byNick.get(key);
                ServerMessage.Invited event = new ServerMessage.Invited(room, me.nick());
                if (to != null) {
                    outbox.sendTo(to.who(), event, false);
                } else {
                    backend.invitedElsewhere(key, event);
                }
            }
            return reply;
        });
    }

    /**
     * Whether the session may see the room in {@code rooms} and ask {@code who}: a public room, or
     * one it is in ({@link HubBackend#secret}).
     */
    private boolean visible(Participant me, String room) {
        return me.in(room) || !backend.secret(room);
    }

    /** The peer's IP address, for the login throttle; null when unknown. */
    private static String address(Recipient who) {
        return who instanceof Session s ? s.address() : null;
    }

    /** The answer to a failed request: its refusal, or {@code internal} (logged with its stack). */
    private static ServerMessage failure(Recipient from, ClientMessage m, Throwable e) {
        if (e instanceof Refused r) {
            return r.to(m);
        }
        LOG.error("{} of session #{} failed; answered internal", m.type(), from.sessionId(), e);
        return Refusal.INTERNAL.to(m);
    }

    // ---- the requests ----

    private Future<ServerMessage> hello(Recipient from, Hello h, long deadline) {
        if (bySession.containsKey(from)) {
            return Future.succeededFuture(Refusal.ALREADY_REGISTERED.to(h));
        }
        if (h.password() == null) {
            String key = Names.nickKey(h.nick());
            if (accounts.exists(key)) {
                return Future.succeededFuture(Refusal.NICK_REGISTERED.to(h, h.nick()));
            }
            if (config.requireAccount()) {
                return Future.succeededFuture(Refusal.ACCOUNT_REQUIRED.to(h));
            }
        }
        return enter(from, h, h.nick(), h.password(), null, deadline);
    }

    /**
     * Registers a session under a nick: a guest's {@code hello} (both passwords null), a login
     * ({@code login} or {@code hello} with a password: checked before the nick is claimed), or a
     * {@code register} ({@code newPassword}: the account is created once the nick is claimed, and
     * the nick is released again if that fails).
     */
    private Future<ServerMessage> enter(Recipient from, ClientMessage m, String nick, String password,
                                        String newPassword, long deadline) {
        String key = Names.nickKey(nick);
        if (byNick.containsKey(key) || claiming.containsKey(key)) {
            return Future.succeededFuture(Refusal.NICK_TAKEN.to(m, nick));
        }
        if (newPassword != null && accounts.exists(key)) {
            return Future.succeededFuture(Refusal.ACCOUNT_EXISTS.to(m, nick));
        }
        claiming.put(key, from);
        Future<Void> checked = password == null ? Future.succeededFuture()
                : safely(() -> accounts.login(address(from), key, password, deadline));
        return checked.compose(v -> safely(() -> backend.claimNick(from, key, deadline)).compose(claimed -> {
            if (!claimed || newPassword == null) {
                return Future.succeededFuture(claimed);
            }
            return safely(() -> accounts.register(address(from), key, nick, newPassword)).transform(ar -> {
                if (ar.failed()) {
                    backend.releaseNick(from, key);
                    return Future.failedFuture(ar.cause());
                }
                return Future.succeededFuture(true);
            });
        })).transform(ar -> {
            claiming.remove(key);
            if (ar.failed()) {
                return Future.failedFuture(ar.cause());
            }
            if (!ar.result()) {
                return Future.succeededFuture(Refusal.NICK_TAKEN.to(m, nick));
            }
            Participant me = new Participant(from, nick);
            if (password != null || newPassword != null) {
                account(me, key, false); // in no room yet: nobody to tell
            }
            bySession.put(from, me);
            byNick.put(key, me);
            me.beaconKey(beaconKeys.issue(key));
            backend.registered(me);
            return Future.succeededFuture(new ServerMessage.Welcome(m.id(), nick, config.name(), nodeId,
                    Frames.PROTOCOL_VERSION, config.heartbeat().toMillis(), config.maxFrame(), config.udpPort())
                    .withBeaconKey(me.beaconKey().encoded()));
        });
    }

    /** {@code login} by a registered session: it is logged in, and takes the account's nick. */
    private Future<ServerMessage> login(Participant me, ClientMessage.Login l, long deadline) {
        if (me.account() != null) {
            return Future.succeededFuture(Refusal.ALREADY_LOGGED_IN.to(l));
        }
        String key = Names.nickKey(l.nick());
        boolean own = key.equals(Names.nickKey(me.nick()));
        if (!own && (byNick.containsKey(key) || claiming.containsKey(key))) {
            return Future.succeededFuture(Refusal.NICK_TAKEN.to(l, l.nick()));
        }
        return accounts.login(address(me.who()), key, l.password(), deadline).compose(v -> {
            if (bySession.get(me.who()) != me) {
                return Future.succeededFuture(new ServerMessage.Ok(l.id())); // gone meanwhile
            }
            Future<ServerMessage> renamed = own && l.nick().equals(me.nick())
                    ? Future.succeededFuture(new ServerMessage.Ok(l.id()))
                    : changeNick(me, l, l.nick(), deadline);
            return renamed.compose(reply -> reply instanceof ServerMessage.Ok
                    ? account(me, key, true).map(x -> reply) : Future.succeededFuture(reply));
        });
    }

    /** {@code register} by a registered session: of the nick it holds; it is logged in to it. */
    private Future<ServerMessage> register(Participant me, ClientMessage.Register r) {
        String key = Names.nickKey(r.nick());
        if (accounts.exists(key)) {
            return Future.succeededFuture(Refusal.ACCOUNT_EXISTS.to(r, r.nick()));
        }
        if (!key.equals(Names.nickKey(me.nick()))) {
            return Future.succeededFuture(Refusal.REGISTER_OTHER_NICK.to(r, me.nick()));
        }
        return accounts.register(address(me.who()), key, me.nick(), r.password()).compose(v -> {
            ServerMessage ok = new ServerMessage.Ok(r.id());
            return key.equals(Names.nickKey(me.nick())) ? account(me, key, true).map(x -> ok)
                    : Future.succeededFuture(ok);
        });
    }

    private Future<ServerMessage> say(Participant me, Say s, long deadline) {
        if (!me.in(s.room())) {
            return Future.succeededFuture(Refusal.NOT_IN_ROOM_TO_SAY.to(s, s.room()));
        }
        return backend.say(me, s.room(), s.text(), s.action(), deadline).map(v -> new ServerMessage.Ok(s.id()));
    }

    private Future<ServerMessage> join(Participant me, Join j, long deadline) {
        String room = j.room();
        boolean had = me.in(room);
        if (!had) {
            if (me.rooms().size() >= config.maxRoomsPerSession()) {
                return Future.succeededFuture(Refusal.TOO_MANY_ROOMS.to(j, me.rooms().size()));
            }
            me.joining(room);
        }
        return safely(() -> backend.join(me, room, deadline)).transform(ar -> {
            if (ar.failed()) {
                if (!had) {
                    me.leaving(room);
                }
                return Future.failedFuture(ar.cause());
            }
            RoomView v = ar.result();
            return Future.succeededFuture(new ServerMessage.Joined(j.id(), room, v.members(), v.lastSeq(), v.topic(),
                    v.operators(), v.voiced()));
        });
    }

    private Future<ServerMessage> part(Participant me, Part p, long deadline) {
        if (!me.leaving(p.room())) {
            return Future.succeededFuture(Refusal.NOT_IN_ROOM.to(p, p.room()));
        }
        return backend.part(me, p.room(), p.reason(), deadline).map(v -> new ServerMessage.Parted(p.id(), p.room()));
    }

    private Future<ServerMessage> dm(Participant me, Dm d, long deadline) {
        String key = Names.nickKey(d.to());
        Participant to = byNick.get(key);
        if (to != null) {
            outbox.sendTo(to.who(), ChatMessage.direct(to.nick(), me.nick(), d.text(), d.action(), clock.getAsLong()),
                    true);
            return Future.succeededFuture(new ServerMessage.Ok(d.id()));
        }
        return backend.dmElsewhere(me, key, d.to(), d.text(), d.action(), deadline).map(v -> new ServerMessage.Ok(d.id()));
    }

    private Future<ServerMessage> nick(Participant me, Nick n, long deadline) {
        String newKey = Names.nickKey(n.nick());
        if (accounts.exists(newKey) && !newKey.equals(me.account())) {
            return Future.succeededFuture(Refusal.NICK_REGISTERED.to(n, n.nick()));
        }
        return changeNick(me, n, n.nick(), deadline);
    }

    /** Gives the session {@code nick} (claimed cluster-wide first); answers {@code m} with ok or a refusal. */
    private Future<ServerMessage> changeNick(Participant me, ClientMessage m, String nick, long deadline) {
        String newKey = Names.nickKey(nick);
        String oldKey = Names.nickKey(me.nick());
        if (nick.equals(me.nick())) {
            return Future.succeededFuture(new ServerMessage.Ok(m.id())); // nothing changes
        }
        if (newKey.equals(oldKey)) {
            rename(me, nick, oldKey, newKey); // only the case changes: the nick is this session's already
            return Future.succeededFuture(new ServerMessage.Ok(m.id()));
        }
        if (byNick.containsKey(newKey) || claiming.containsKey(newKey)) {
            return Future.succeededFuture(Refusal.NICK_TAKEN.to(m, nick));
        }
        claiming.put(newKey, me.who());
        return safely(() -> backend.claimNick(me.who(), newKey, deadline)).transform(ar -> {
            claiming.remove(newKey);
            if (ar.failed()) {
                return Future.failedFuture(ar.cause());
            }
            if (!ar.result()) {
                return Future.succeededFuture(Refusal.NICK_TAKEN.to(m, nick));
            }
            if (bySession.get(me.who()) != me) {
                backend.releaseNick(me.who(), newKey); // gone meanwhile
            } else {
                rename(me, nick, oldKey, newKey);
                backend.releaseNick(me.who(), oldKey);
            }
            return Future.succeededFuture(new ServerMessage.Ok(m.id()));
        });
    }

    /**
     * The session is logged in to {@code key} (null: logged out); with {@code tell}, the members of
     * its rooms hear it and the rooms' rules learn it: completes (never fails) once they did.
     */
    private Future<Void> account(Participant me, String key, boolean tell) {
        me.account(key);
        logins.put(Names.nickKey(me.nick()), key);
        if (!tell) {
            return Future.succeededFuture();
        }
        logins.changed(me);
        // the rooms' owners learn it (who may be an operator) before the login is answered
        return safely(() -> backend.accountChanged(me)).recover(e -> Future.succeededFuture());
    }

    private void rename(Participant me, String nick, String oldKey, String newKey) {
        String old = me.nick();
        byNick.remove(oldKey);
        byNick.put(newKey, me);
        if (me.account() != null) {
            logins.put(oldKey, null);
            logins.put(newKey, me.account());
        }
        me.nick(nick);
        beaconKeys.moved(oldKey, newKey, me.beaconKey());
        backend.renamed(me, old);
    }

    /** A backend call whose exception, if it throws, becomes its failed future (so that what was begun is undone). */
    private static <T> Future<T> safely(Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private Future<Void> leave(Recipient who, String quitReason) {
        Participant me = bySession.remove(who);
        if (me == null) {
            return Future.succeededFuture();
        }
        byNick.remove(Names.nickKey(me.nick()));
        if (me.account() != null) {
            logins.put(Names.nickKey(me.nick()), null);
        }
        beaconKeys.released(Names.nickKey(me.nick()), me.beaconKey());
        return backend.leave(me, quitReason);
    }
}
