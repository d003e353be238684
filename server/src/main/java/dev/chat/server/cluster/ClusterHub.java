package dev.chat.server.cluster;

import static dev.chat.server.cluster.Wire.FROM;
import static dev.chat.server.cluster.Wire.K;
import static dev.chat.server.cluster.Wire.NICKNAME;
import static dev.chat.server.cluster.Wire.NODE;
import static dev.chat.server.cluster.Wire.OWN;
import static dev.chat.server.cluster.Wire.ROOM;
import static dev.chat.server.cluster.Wire.SEQ;
import static dev.chat.server.cluster.Wire.SESSION;
import static dev.chat.server.cluster.Wire.TEXT;
import static dev.chat.server.cluster.Wire.TS;

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
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.rooms.ChatHub;
import dev.chat.server.rooms.Delivery;
import dev.chat.server.rooms.Recipient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The session side of a cluster node: the same requests as the single-node
 * {@link dev.chat.server.rooms.ChatHub}, answered for the whole cluster. Local sessions and their
 * nicks live here; nicks are claimed cluster-wide in the {@link Directory}; room requests go to
 * the room's owner ({@link RoomSequencer}, here or on another node) and read requests
 * ({@code who}, {@code rooms}, {@code history}) are answered from this node's {@link Replicas}.
 *
 * <p>Each session's requests run in order: one that changes membership or nicks (and {@code dm})
 * completes before the session's next request starts; a {@code say} only has to be sent to the
 * owner, and says to one room travel in order to it. Touched only from the hub's context.
 */
final class ClusterHub {
    /** How long a request to a room's owner may take before the client gets {@code unavailable}. */
    static final long OWNER_TIMEOUT_MS = 15_000;
    private static final long RETRY_DELAY_MS = 200;
    private static final int MAX_ATTEMPTS = 50;
    private static final int MAX_QUEUED_PER_SESSION = 1_000;
    private static final long HOLDS_TIMEOUT_MS = 3_000;

    /** A registered local session. */
    static final class Participant {
        final Recipient recipient;
        String nick;
        /** Rooms joined or being joined: where {@code quit} and {@code nick} events must go. */
        final Set<String> rooms = new LinkedHashSet<>(4);
        /** Numbers this session's says: with node and session, the request id a retry is known by. */
        long says;

        Participant(Recipient recipient, String nick) {
            this.recipient = recipient;
            this.nick = nick;
        }
    }

    /** A session's requests, run one after the other. */
    private static final class SessionQueue {
        final ArrayDeque<Supplier<Future<?>>> tasks = new ArrayDeque<>();
        boolean running;
        boolean closed;
    }

    private final Vertx vertx;
    private final ServerConfig config;
    private final String self;
    private final Peers peers;
    private final Directory directory;
    private final Replicas replicas;
    private final RoomSequencer sequencer;
    private final ChatHub.Outbox outbox;
    private final LongSupplier clock;
    private final Map<Long, Participant> bySession = new HashMap<>();
    private final Map<String, Participant> byNick = new HashMap<>();
    /** Nick keys being claimed in the directory by a local session right now, to the session. */
    private final Map<String, Long> claiming = new HashMap<>();
    private final Map<Long, SessionQueue> queues = new HashMap<>();
    private long highestSession;

    ClusterHub(Vertx vertx, ServerConfig config, Peers peers, Directory directory, Replicas replicas,
               RoomSequencer sequencer, ChatHub.Outbox outbox, LongSupplier clock) {
        this.vertx = vertx;
        this.config = config;
        this.self = peers.self();
        this.peers = peers;
        this.directory = directory;
        this.replicas = replicas;
        this.sequencer = sequencer;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The local session with this id, or null. */
    Recipient recipient(long session) {
        Participant p = bySession.get(session);
        return p == null ? null : p.recipient;
    }

    /** Every registered local session. */
    List<Recipient> localSessions() {
        List<Recipient> out = new ArrayList<>(bySession.size());
        for (Participant p : bySession.values()) {
            out.add(p.recipient);
        }
        return out;
    }

    /**
     * A room's owner dropped this node's session from the room: if the session is still here and
     * still in the room as far as it knows, the cluster gave it up; returns it (to be closed), else null.
     */
    Recipient droppedFrom(long session, String room) {
        Participant p = bySession.get(session);
        return p != null && p.rooms.contains(room) ? p.recipient : null;
    }

    /** Handles one request of a session, after the session's earlier ones. */
    Future<ServerMessage> handle(Recipient from, ClientMessage m) {
        SessionQueue q = queues.computeIfAbsent(from.sessionId(), s -> new SessionQueue());
        if (q.tasks.size() >= MAX_QUEUED_PER_SESSION) {
            return Future.succeededFuture(error(m, ErrorCode.UNAVAILABLE, "too many requests waiting; slow down"));
        }
        Promise<ServerMessage> reply = Promise.promise();
        submit(from.sessionId(), q, () -> dispatch(from, m, reply));
        return reply.future();
    }

    /** The session's connection closed: after its pending requests, it quits its rooms and frees its nick. */
    void disconnected(Recipient who) {
        SessionQueue q = queues.computeIfAbsent(who.sessionId(), s -> new SessionQueue());
        submit(who.sessionId(), q, () -> {
            q.closed = true;
            leave(who.sessionId());
            return Future.succeededFuture();
        });
    }

    /**
     * The cluster gave the session up (this node was counted dead): after its pending requests it
     * leaves its rooms and frees its nick. Completes once the nick is free, so that the client,
     * told to reconnect only then, can have it again.
     */
    Future<Void> evict(Recipient who) {
        SessionQueue q = queues.computeIfAbsent(who.sessionId(), s -> new SessionQueue());
        Promise<Void> done = Promise.promise();
        submit(who.sessionId(), q, () -> leave(who.sessionId()).onComplete(ar -> done.complete()));
        return done.future();
    }

    /** Removes a session: quits its rooms, frees its nick (the returned future: once freed). */
    private Future<Void> leave(long session) {
        Participant me = bySession.remove(session);
        if (me == null) {
            return Future.succeededFuture();
        }
        String key = Names.nickKey(me.nick);
        byNick.remove(key);
        for (String room : me.rooms) {
            callOwner(room, request(Wire.QUIT, room, me), true);
        }
        return directory.releaseNick(key, Directory.holder(self, session)).mapEmpty();
    }

    /** The highest id of a session that registered here so far (ids only grow). */
    long highestSession() {
        return highestSession;
    }

    private void submit(long session, SessionQueue q, Supplier<Future<?>> task) {
        q.tasks.add(task);
        if (!q.running) {
            q.running = true;
            drain(session, q);
        }
    }

    private void drain(long session, SessionQueue q) {
        Supplier<Future<?>> task;
        while ((task = q.tasks.poll()) != null) {
            Future<?> barrier = task.get();
            if (!barrier.isComplete()) {
                barrier.onComplete(ar -> drain(session, q));
                return;
            }
        }
        q.running = false;
        if (q.closed) {
            queues.remove(session);
        }
    }

    /** Runs one request; the returned future completes when the session's next request may start. */
    private Future<?> dispatch(Recipient from, ClientMessage m, Promise<ServerMessage> reply) {
        if (m instanceof Hello h) {
            return hello(from, h).onComplete(reply);
        }
        Participant me = bySession.get(from.sessionId());
        if (me == null) {
            reply.complete(error(m, ErrorCode.NOT_REGISTERED, "send hello first"));
            return Future.succeededFuture();
        }
        if (m instanceof Say s) {
            say(me, s, reply);
            return Future.succeededFuture(); // sent to the owner: the next say may follow it
        }
        Future<ServerMessage> done;
        if (m instanceof Join j) {
            done = join(me, j);
        } else if (m instanceof Part p) {
            done = part(me, p);
        } else if (m instanceof Dm d) {
            done = dm(me, d);
        } else if (m instanceof Nick n) {
            done = nick(me, n);
        } else if (m instanceof Who w) {
            RoomReplica room = replicas.get(w.room());
            done = Future.succeededFuture(new ServerMessage.WhoReply(w.id(), w.room(),
                    room == null ? List.of() : room.nicks()));
        } else if (m instanceof ListRooms l) {
            done = Future.succeededFuture(listRooms(l));
        } else if (m instanceof History h) {
            List<ChatMessage> found = h.afterSeq() == null
                    ? replicas.history().latest(h.room(), h.limit())
                    : replicas.history().after(h.room(), h.afterSeq(), h.limit());
            done = Future.succeededFuture(new ServerMessage.HistoryReply(h.id(), h.room(), found));
        } else {
            throw new IllegalArgumentException("the hub does not handle " + m.type());
        }
        return done.onComplete(reply);
    }

    private Future<ServerMessage> hello(Recipient from, Hello h) {
        if (bySession.containsKey(from.sessionId())) {
            return Future.succeededFuture(error(h, ErrorCode.ALREADY_REGISTERED, "this connection already said hello"));
        }
        String key = Names.nickKey(h.nick());
        if (byNick.containsKey(key) || claiming.containsKey(key)) {
            return Future.succeededFuture(nickTaken(h, h.nick()));
        }
        claiming.put(key, from.sessionId());
        return directory.claimNick(key, Directory.holder(self, from.sessionId()), this::isGone).transform(ar -> {
            claiming.remove(key);
            if (ar.failed()) {
                return Future.succeededFuture(error(h, ErrorCode.UNAVAILABLE, "the nick directory is not available"));
            }
            if (!ar.result()) {
                return Future.succeededFuture(nickTaken(h, h.nick()));
            }
            Participant me = new Participant(from, h.nick());
            highestSession = Math.max(highestSession, from.sessionId());
            bySession.put(from.sessionId(), me);
            byNick.put(key, me);
            return Future.succeededFuture(new ServerMessage.Welcome(h.id(), h.nick(), config.name(), self,
                    Frames.PROTOCOL_VERSION, config.heartbeat().toMillis(), config.maxFrame()));
        });
    }

    /**
     * Whether the holder of {@code key} in the directory is gone, asking its node if need be: an
     * entry can outlive its session (its node left, or a merge after a partition brought it back).
     */
    private Future<Boolean> isGone(String key, String holder) {
        String node = Directory.nodeOf(holder);
        if (node.equals(self) || !peers.isLive(node)) {
            return Future.succeededFuture(isStale(holder));
        }
        JsonObject ask = Wire.op(Wire.HOLDS).put(SESSION, Directory.numberOf(holder)).put(NICKNAME, key);
        return peers.request(node, ask, HOLDS_TIMEOUT_MS)
                .map(r -> !r.getBoolean(Wire.HELD, true))
                .otherwise(e -> false); // no answer: it counts as taken
    }

    /** {@code holds}: whether a session of this node holds (or is claiming) the nick key. */
    boolean holds(long session, String key) {
        Participant p = bySession.get(session);
        Long claimer = claiming.get(key);
        return (p != null && Names.nickKey(p.nick).equals(key)) || (claimer != null && claimer == session);
    }

    /** A nick holder that is gone: its node left, or it was a session of this node that is no more. */
    boolean isStale(String holder) {
        String node = Directory.nodeOf(holder);
        if (node.equals(self)) {
            return !bySession.containsKey(Directory.numberOf(holder));
        }
        return !peers.isLive(node);
    }

    /** A nick holder on a node that left the cluster (what the leader sweeps). */
    boolean isDead(String holder) {
        return !peers.isLive(Directory.nodeOf(holder));
    }

    private void say(Participant me, Say s, Promise<ServerMessage> reply) {
        if (!me.rooms.contains(s.room())) {
            reply.complete(error(s, ErrorCode.NOT_IN_ROOM, "join '" + s.room() + "' before saying something there"));
            return;
        }
        String rid = self + "/" + me.recipient.sessionId() + "/" + (++me.says);
        callOwner(s.room(), request(Wire.SAY, s.room(), me).put(TEXT, s.text()).put(Wire.RID, rid), true)
                .onComplete(ar -> reply.complete(answer(s, ar.result(), () -> new ServerMessage.Ok(s.id()))));
    }

    private Future<ServerMessage> join(Participant me, Join j) {
        String room = j.room();
        boolean had = me.rooms.contains(room);
        if (!had) {
            if (me.rooms.size() >= config.maxRoomsPerSession()) {
                return Future.succeededFuture(error(j, ErrorCode.TOO_MANY_ROOMS,
                        "already in " + me.rooms.size() + " rooms, the limit"));
            }
            if (replicas.get(room) == null && replicas.size() >= config.maxRooms()) {
                return Future.succeededFuture(error(j, ErrorCode.UNAVAILABLE, "the cluster holds as many rooms as it may"));
            }
            me.rooms.add(room);
        }
        return callOwner(room, request(Wire.JOIN, room, me), true).map(r -> {
            if (Wire.JOINED.equals(r.getString(Wire.R))) {
                return new ServerMessage.Joined(j.id(), room, Wire.strings(r.getJsonArray(Wire.MEMBERS)), r.getLong(SEQ));
            }
            if (!had) {
                me.rooms.remove(room);
            }
            return answer(j, r, null);
        });
    }

    private Future<ServerMessage> part(Participant me, Part p) {
        String room = p.room();
        if (!me.rooms.remove(room)) {
            return Future.succeededFuture(error(p, ErrorCode.NOT_IN_ROOM, "not in room '" + room + "'"));
        }
        return callOwner(room, request(Wire.PART, room, me), true)
                .map(r -> answer(p, r, () -> new ServerMessage.Parted(p.id(), room)));
    }

    private Future<ServerMessage> nick(Participant me, Nick n) {
        String newKey = Names.nickKey(n.nick());
        String oldKey = Names.nickKey(me.nick);
        if (newKey.equals(oldKey)) {
            renamed(me, n.nick(), oldKey, newKey);
            return Future.succeededFuture(new ServerMessage.Ok(n.id()));
        }
        if (byNick.containsKey(newKey) || claiming.containsKey(newKey)) {
            return Future.succeededFuture(nickTaken(n, n.nick()));
        }
        claiming.put(newKey, me.recipient.sessionId());
        String holder = Directory.holder(self, me.recipient.sessionId());
        return directory.claimNick(newKey, holder, this::isGone).transform(ar -> {
            claiming.remove(newKey);
            if (ar.failed()) {
                return Future.succeededFuture(error(n, ErrorCode.UNAVAILABLE, "the nick directory is not available"));
            }
            if (!ar.result()) {
                return Future.succeededFuture(nickTaken(n, n.nick()));
            }
            if (bySession.get(me.recipient.sessionId()) != me) {
                directory.releaseNick(newKey, holder); // gone meanwhile
                return Future.succeededFuture(new ServerMessage.Ok(n.id()));
            }
            renamed(me, n.nick(), oldKey, newKey);
            directory.releaseNick(oldKey, holder);
            return Future.succeededFuture(new ServerMessage.Ok(n.id()));
        });
    }

    private void renamed(Participant me, String nick, String oldKey, String newKey) {
        byNick.remove(oldKey);
        byNick.put(newKey, me);
        me.nick = nick;
        for (String room : me.rooms) {
            callOwner(room, request(Wire.NICK, room, me), true);
        }
    }

    private Future<ServerMessage> dm(Participant me, Dm d) {
        String key = Names.nickKey(d.to());
        Participant to = byNick.get(key);
        if (to != null) {
            deliverDirect(to, me.nick, d.text(), clock.getAsLong());
            return Future.succeededFuture(new ServerMessage.Ok(d.id()));
        }
        return directory.nickHolder(key).transform(ar -> {
            if (ar.failed()) {
                return Future.succeededFuture(error(d, ErrorCode.UNAVAILABLE, "the nick directory is not available"));
            }
            String holder = ar.result();
            if (holder == null || isStale(holder) || Directory.nodeOf(holder).equals(self)) {
                return Future.succeededFuture(noSuchUser(d));
            }
            JsonObject body = Wire.op(Wire.DM).put(SESSION, Directory.numberOf(holder)).put(NICKNAME, key)
                    .put(FROM, me.nick).put(TEXT, d.text()).put(TS, clock.getAsLong());
            return peers.request(Directory.nodeOf(holder), body, OWNER_TIMEOUT_MS).transform(sent -> {
                if (sent.failed()) {
                    return Future.succeededFuture(noSuchUser(d));
                }
                return Future.succeededFuture(answer(d, sent.result(), () -> new ServerMessage.Ok(d.id())));
            });
        });
    }

    /** {@code dm} from another node for a session of this one. */
    JsonObject onDirect(JsonObject body) {
        Participant to = bySession.get(body.getLong(SESSION));
        if (to == null || !Names.nickKey(to.nick).equals(body.getString(NICKNAME))) {
            return Wire.error(ErrorCode.NO_SUCH_USER, "nobody is called '" + body.getString(NICKNAME) + "'");
        }
        deliverDirect(to, body.getString(FROM), body.getString(TEXT), body.getLong(TS));
        return Wire.ok();
    }

    private void deliverDirect(Participant to, String from, String text, long ts) {
        byte[] frame = MessageCodec.encodeFrame(ChatMessage.direct(to.nick, from, text, ts));
        outbox.send(to.recipient.loop(), new Delivery(frame, new Recipient[] {to.recipient}, true));
    }

    private ServerMessage listRooms(ListRooms l) {
        List<ServerMessage.RoomInfo> out = new ArrayList<>();
        for (RoomReplica r : replicas.all()) {
            if (!r.members.isEmpty()) {
                out.add(new ServerMessage.RoomInfo(r.name, r.members.size()));
            }
        }
        out.sort((a, b) -> a.room().compareTo(b.room()));
        return new ServerMessage.RoomList(l.id(), out);
    }

    // ---- requests to room owners ----

    private JsonObject request(String kind, String room, Participant me) {
        return Wire.op(OWN).put(ROOM, room).put(K, kind).put(NODE, self)
                .put(SESSION, me.recipient.sessionId()).put(NICKNAME, me.nick);
    }

    /**
     * Sends a request to the room's owner and follows redirects; {@code retryOnLoss} resends it
     * when the owner died or did not answer: membership changes are idempotent, and a {@code say}
     * carries a request id by which the (new) owner recognises one it has sequenced already.
     */
    private Future<JsonObject> callOwner(String room, JsonObject req, boolean retryOnLoss) {
        Promise<JsonObject> p = Promise.promise();
        attempt(room, req, retryOnLoss, null, 0, p);
        return p.future();
    }

    private void attempt(String room, JsonObject req, boolean retryOnLoss, String target, int n, Promise<JsonObject> p) {
        String to = target != null ? target : route(room);
        Future<JsonObject> sent = to.equals(self) ? sequencer.onRequest(req) : peers.request(to, req, OWNER_TIMEOUT_MS);
        sent.onComplete(ar -> {
            if (ar.succeeded()) {
                JsonObject r = ar.result();
                String kind = r.getString(Wire.R);
                boolean redirect = Wire.REDIRECT.equals(kind);
                if (!redirect && !Wire.RETRY.equals(kind)) {
                    p.complete(r);
                } else if (n >= MAX_ATTEMPTS) {
                    p.complete(Wire.error(ErrorCode.UNAVAILABLE, "the room's owner cannot be reached; try again"));
                } else if (redirect && n < 3) {
                    attempt(room, req, retryOnLoss, r.getString(Wire.OWNER), n + 1, p);
                } else {
                    String next = redirect ? r.getString(Wire.OWNER) : null;
                    vertx.setTimer(RETRY_DELAY_MS, t -> attempt(room, req, retryOnLoss, next, n + 1, p));
                }
            } else if (retryOnLoss && n < MAX_ATTEMPTS) {
                vertx.setTimer(RETRY_DELAY_MS, t -> attempt(room, req, true, null, n + 1, p));
            } else {
                p.complete(Wire.error(ErrorCode.UNAVAILABLE, "the room's node went away before answering; try again"));
            }
        });
    }

    /** Where a room's requests go: its owner, the survivor that takes it over, or here to look it up. */
    private String route(String room) {
        RoomReplica r = replicas.get(room);
        if (r == null || r.own != null) {
            return self;
        }
        if (peers.isLive(r.owner)) {
            return r.owner;
        }
        String heir = Rendezvous.pick(room, peers.candidates());
        return heir == null ? self : heir;
    }

    /** The client's reply for an owner's answer: {@code success} for ok, else the error it carries. */
    private static ServerMessage answer(ClientMessage m, JsonObject r, Supplier<ServerMessage> success) {
        if (Wire.ERR.equals(r.getString(Wire.R)) || success == null) {
            return error(m, r.getString(Wire.CODE, ErrorCode.UNAVAILABLE), r.getString(Wire.MESSAGE, "failed"));
        }
        return success.get();
    }

    private static ServerMessage nickTaken(ClientMessage m, String nick) {
        return error(m, ErrorCode.NICK_TAKEN, "nick '" + nick + "' is taken");
    }

    private static ServerMessage noSuchUser(Dm d) {
        return error(d, ErrorCode.NO_SUCH_USER, "nobody is called '" + d.to() + "'");
    }

    private static ServerMessage.Error error(ClientMessage m, String code, String message) {
        return new ServerMessage.Error(m.id(), code, message);
    }
}
