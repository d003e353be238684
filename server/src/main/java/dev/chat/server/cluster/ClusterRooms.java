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
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.Deadlines;
import dev.chat.server.core.HubBackend;
import dev.chat.server.core.Moderation;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Participant;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Refusal;
import dev.chat.server.core.Refused;
import dev.chat.server.core.RoomView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The cluster backend: the same contract as a single node ({@link HubBackend}), answered for the
 * whole cluster. Nicks are claimed cluster-wide in the {@link Directory}; room requests go to the
 * room's owner ({@link RoomSequencer}, here or on another node), and read requests
 * ({@code who}, {@code rooms}, {@code history}) are answered from this node's {@link Replicas}.
 * Requests to other nodes carry their deadline ({@link Wire#TTL}); retries stop at it. Hub context
 * only.
 */
final class ClusterRooms implements HubBackend {
    /** The longest a single request to another node may wait for its answer (within the deadline). */
    static final long NODE_TIMEOUT_MS = 15_000;
    private static final long RETRY_DELAY_MS = 200;
    private static final int MAX_ATTEMPTS = 50;
    private static final long HOLDS_TIMEOUT_MS = 3_000;

    private final Vertx vertx;
    private final ServerConfig config;
    private final Deadlines deadlines;
    private final String self;
    private final Peers peers;
    private final Directory directory;
    private final Replicas replicas;
    private final RoomSequencer sequencer;
    private final Outbox outbox;
    /** The registered sessions of this node, by id (what other nodes name them by). */
    private final Map<Long, Participant> locals = new HashMap<>();
    /** Nick keys being claimed in the directory by a session of this node right now, to the session. */
    private final Map<String, Long> claiming = new HashMap<>();
    /** Numbers the says of this node: with node and session, the request id a retry is known by. */
    private long says;
    private long highestSession;

    ClusterRooms(Vertx vertx, ServerConfig config, Peers peers, Directory directory, Replicas replicas,
                 RoomSequencer sequencer, Outbox outbox) {
        this.vertx = vertx;
        this.config = config;
        this.deadlines = new Deadlines(config.requestTimeout());
        this.self = peers.self();
        this.peers = peers;
        this.directory = directory;
        this.replicas = replicas;
        this.sequencer = sequencer;
        this.outbox = outbox;
    }

    /** The local session with this id, or null. */
    Recipient recipient(long session) {
        Participant p = locals.get(session);
        return p == null ? null : p.who();
    }

    /** Every registered local session. */
    List<Recipient> localSessions() {
        List<Recipient> out = new ArrayList<>(locals.size());
        for (Participant p : locals.values()) {
            out.add(p.who());
        }
        return out;
    }

    /**
     * A room's owner dropped this node's session from the room: if the session is still here and
     * still in the room as far as it knows, the cluster gave it up; returns it (to be closed), else null.
     */
    Recipient droppedFrom(long session, String room) {
        Participant p = locals.get(session);
        return p != null && p.in(room) ? p.who() : null;
    }

    /** The highest id of a session that registered here so far (ids only grow). */
    long highestSession() {
        return highestSession;
    }

    // ---- nicks ----

    @Override
    public Future<Boolean> claimNick(Recipient who, String key, long deadline) {
        if (!sequencer.hasMajority()) {
            // a node cut off from the majority takes no nick: the other side may be giving it to someone else
            return Future.failedFuture(Refusal.NO_MAJORITY.refused(sequencer.majorityText()));
        }
        claiming.put(key, who.sessionId());
        return within(directory.claimNick(key, Directory.holder(self, who.sessionId()), this::isGone), deadline)
                .transform(ar -> {
                    claiming.remove(key);
                    if (ar.failed()) {
                        return Future.failedFuture(Refusal.NICKS_UNAVAILABLE.refused());
                    }
                    return Future.succeededFuture(ar.result());
                });
    }

    @Override
    public void releaseNick(Recipient who, String key) {
        directory.releaseNick(key, Directory.holder(self, who.sessionId()));
    }

    @Override
    public void registered(Participant p) {
        locals.put(p.who().sessionId(), p);
        highestSession = Math.max(highestSession, p.who().sessionId());
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
        Participant p = locals.get(session);
        Long claimer = claiming.get(key);
        return (p != null && Names.nickKey(p.nick()).equals(key)) || (claimer != null && claimer == session);
    }

    /** A nick holder that is gone: its node left, or it was a session of this node that is no more. */
    boolean isStale(String holder) {
        String node = Directory.nodeOf(holder);
        if (node.equals(self)) {
            return !locals.containsKey(Directory.numberOf(holder));
        }
        return !peers.isLive(node);
    }

    /** A nick holder on a node that left the cluster (what the leader sweeps). */
    boolean isDead(String holder) {
        return !peers.isLive(Directory.nodeOf(holder));
    }

    // ---- rooms ----

    @Override
    public Future<RoomView> join(Participant me, String room, long deadline) {
        RoomReplica known = replicas.get(room);
        if (known != null) {
            replicas.used(known);
        } else if (replicas.size() >= config.maxRooms()) {
            // as on a single node: the least recently used empty room makes way, or the join is refused
            RoomReplica victim = replicas.leastRecentlyUsedEmpty();
            if (victim == null) {
                return Future.failedFuture(Refusal.ROOMS_EXHAUSTED.refused());
            }
            return callOwner(victim.name, request(Wire.DROP, victim.name, me), deadline).compose(r -> {
                if (replicas.get(room) == null && replicas.size() >= config.maxRooms()) {
                    return Future.failedFuture(Refusal.ROOMS_EXHAUSTED.refused());
                }
                return joinRoom(me, room, deadline);
            });
        }
        return joinRoom(me, room, deadline);
    }

    private Future<RoomView> joinRoom(Participant me, String room, long deadline) {
        return callOwner(room, request(Wire.JOIN, room, me), deadline).compose(r -> {
            if (Wire.JOINED.equals(r.getString(Wire.R))) {
                return Future.succeededFuture(new RoomView(Wire.strings(r.getJsonArray(Wire.MEMBERS)), r.getLong(SEQ),
                        r.getString(Wire.TOPIC), Wire.strings(r.getJsonArray(Wire.OPERATORS, new JsonArray())),
                        Wire.strings(r.getJsonArray(Wire.VOICED, new JsonArray()))));
            }
            return Future.failedFuture(refusal(r));
        });
    }

    @Override
    public Future<Void> part(Participant me, String room, long deadline) {
        return part(me, room, null, deadline);
    }

    /** The reason travels in the request ({@link Wire#REASON}) for the owner to put in the event. */
    @Override
    public Future<Void> part(Participant me, String room, String reason, long deadline) {
        return callOwner(room, withReason(request(Wire.PART, room, me), reason), deadline).compose(ClusterRooms::success);
    }

    @Override
    public Future<Void> say(Participant me, String room, String text, long deadline) {
        return say(me, room, text, false, deadline);
    }

    /** An action ({@code /me}) travels as {@link Wire#ACTION} in the request and in its event. */
    @Override
    public Future<Void> say(Participant me, String room, String text, boolean action, long deadline) {
        String rid = self + "/" + me.who().sessionId() + "/" + (++says);
        JsonObject req = request(Wire.SAY, room, me).put(TEXT, text).put(Wire.RID, rid);
        if (action) {
            req.put(Wire.ACTION, true);
        }
        return callOwner(room, req, deadline).compose(ClusterRooms::success);
    }

    @Override
    public void renamed(Participant me, String oldNick) {
        for (String room : me.rooms()) {
            callOwner(room, request(Wire.NICK, room, me), Deadlines.none());
        }
    }

    /** Each room's owner learns the member's account with a {@code nick} event (its old nick the same: no one is told). */
    @Override
    public Future<Void> accountChanged(Participant me) {
        long deadline = deadlines.forHub(deadlines.forLoop(System.nanoTime()));
        List<Future<JsonObject>> told = new ArrayList<>();
        for (String room : me.rooms()) {
            told.add(callOwner(room, request(Wire.NICK, room, me), deadline));
        }
        return Future.join(told).transform(ar -> Future.succeededFuture());
    }

    @Override
    public List<String> who(String room) {
        RoomReplica r = replicas.get(room);
        if (r == null) {
            return List.of();
        }
        replicas.used(r);
        return r.nicks();
    }

    @Override
    public RoomView view(String room) {
        RoomReplica r = replicas.get(room);
        if (r == null) {
            return new RoomView(List.of(), 0);
        }
        replicas.used(r);
        return new RoomView(r.nicks(), r.lastSeq, r.rules.topicOrNull(), r.rules.operatorNicks(r.members.values()),
                r.rules.voicedNicks(r.members.values()));
    }

    @Override
    public boolean secret(String room) {
        RoomReplica r = replicas.get(room);
        return r != null && r.rules.secret();
    }

    /**
     * A moderation request goes to the room's owner, which decides with the room's rules and
     * sequences the change like any other event; answered once a majority holds it.
     */
    @Override
    public Future<ServerMessage> moderate(Participant me, ClientMessage request, long deadline) {
        String room = Moderation.roomOf(request);
        if (replicas.get(room) == null) {
            return Future.failedFuture(Refusal.NOT_IN_ROOM.refused(room)); // no such room anywhere (or not yet here)
        }
        JsonObject req = request(Wire.MOD, room, me)
                .put(Wire.REQ, new String(MessageCodec.encode(request), StandardCharsets.UTF_8));
        return callOwner(room, req, deadline).compose(r -> {
            if (Wire.ERR.equals(r.getString(Wire.R))) {
                return Future.failedFuture(refusal(r));
            }
            String reply = r.getString(Wire.REPLY);
            return Future.succeededFuture(reply == null ? new ServerMessage.Ok(request.id()) : Replicas.decodeEvent(reply));
        });
    }

    @Override
    public void invitedElsewhere(String key, ServerMessage.Invited event) {
        directory.nickHolder(key).onSuccess(holder -> {
            if (holder != null && !isStale(holder) && !Directory.nodeOf(holder).equals(self)) {
                peers.send(Directory.nodeOf(holder), Wire.op(Wire.INVITED).put(SESSION, Directory.numberOf(holder))
                        .put(NICKNAME, key).put(ROOM, event.room()).put(FROM, event.by()));
            }
        });
    }

    /** {@code invited} from another node for a session of this one (if it still holds the nick). */
    void onInvited(JsonObject body) {
        Participant to = locals.get(body.getLong(SESSION));
        if (to != null && Names.nickKey(to.nick()).equals(body.getString(NICKNAME))) {
            outbox.sendTo(to.who(), new ServerMessage.Invited(body.getString(ROOM), body.getString(FROM)), false);
        }
    }

    /** An operator kicked a session of this node out of a room (applied here): it is no longer in it. */
    void kicked(long session, String room) {
        Participant p = locals.get(session);
        if (p != null) {
            p.kickedFrom(room);
        }
    }

    @Override
    public List<ServerMessage.RoomInfo> rooms() {
        List<ServerMessage.RoomInfo> out = new ArrayList<>();
        for (RoomReplica r : replicas.all()) {
            if (!r.members.isEmpty()) {
                out.add(new ServerMessage.RoomInfo(r.name, r.members.size()));
            }
        }
        return out;
    }

    @Override
    public List<dev.chat.server.core.NetworkView.Room> roomsWithOwners() {
        List<dev.chat.server.core.NetworkView.Room> out = new ArrayList<>();
        for (RoomReplica r : replicas.all()) {
            if (!r.members.isEmpty()) {
                out.add(new dev.chat.server.core.NetworkView.Room(r.name, r.members.size(), r.lastSeq, r.owner));
            }
        }
        return out;
    }

    @Override
    public List<String> otherNodes() {
        return new ArrayList<>(peers.peers());
    }

    @Override
    public Future<List<ChatMessage>> history(String room, Long afterSeq, int limit) {
        return Future.succeededFuture(afterSeq == null ? replicas.history().latest(room, limit)
                : replicas.history().after(room, afterSeq, limit));
    }

    @Override
    public Future<Void> leave(Participant me) {
        return leave(me, null);
    }

    /** The reason travels in each room's {@code quit} request ({@link Wire#REASON}) for the owner to put in the event. */
    @Override
    public Future<Void> leave(Participant me, String reason) {
        locals.remove(me.who().sessionId());
        for (String room : me.rooms()) {
            callOwner(room, withReason(request(Wire.QUIT, room, me), reason), Deadlines.none());
        }
        return directory.releaseNick(Names.nickKey(me.nick()), Directory.holder(self, me.who().sessionId())).mapEmpty();
    }

    /** The node of the session that holds the nick, from the cluster's directory (null: nobody, or a stale entry). */
    @Override
    public Future<String> nickNode(String key) {
        return directory.nickHolder(key).map(holder -> holder == null || isStale(holder) ? null : Directory.nodeOf(holder));
    }

    // ---- direct messages ----

    @Override
    public Future<Void> dmElsewhere(Participant me, String key, String toNick, String text, long deadline) {
        return within(directory.nickHolder(key), deadline).transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(Refusal.NICKS_UNAVAILABLE.refused());
            }
            String holder = ar.result();
            if (holder == null || isStale(holder) || Directory.nodeOf(holder).equals(self)) {
                return Future.failedFuture(Refusal.NO_SUCH_USER.refused(toNick));
            }
            JsonObject body = Wire.op(Wire.DM).put(SESSION, Directory.numberOf(holder)).put(NICKNAME, key)
                    .put(FROM, me.nick()).put(TEXT, text).put(TS, System.currentTimeMillis());
            return peers.request(Directory.nodeOf(holder), body, timeoutWithin(deadline)).transform(sent -> {
                if (sent.failed()) {
                    return Future.failedFuture(Refusal.NO_SUCH_USER.refused(toNick));
                }
                return success(sent.result());
            });
        });
    }

    /** {@code dm} from another node for a session of this one. */
    JsonObject onDirect(JsonObject body) {
        Participant to = locals.get(body.getLong(SESSION));
        if (to == null || !Names.nickKey(to.nick()).equals(body.getString(NICKNAME))) {
            return Wire.error(Refusal.NO_SUCH_USER, body.getString(NICKNAME));
        }
        outbox.sendTo(to.who(), ChatMessage.direct(to.nick(), body.getString(FROM), body.getString(TEXT), body.getLong(TS)), true);
        return Wire.ok();
    }

    // ---- requests to room owners ----

    private static JsonObject withReason(JsonObject request, String reason) {
        return reason == null || reason.isEmpty() ? request : request.put(Wire.REASON, reason);
    }

    private JsonObject request(String kind, String room, Participant me) {
        return Wire.op(OWN).put(ROOM, room).put(K, kind).put(NODE, self)
                .put(SESSION, me.who().sessionId()).put(NICKNAME, me.nick()).put(Wire.ACCOUNT, me.account());
    }

    /**
     * Sends a request to the room's owner and follows redirects; resends it when the owner died
     * or did not answer (membership changes are idempotent, and a {@code say} carries a request id
     * by which the new owner recognises one it has sequenced already), until the deadline: each
     * attempt tells the owner how long it has ({@link Wire#TTL}), so that nothing is sequenced that
     * the client will have been told is {@code unavailable}.
     */
    private Future<JsonObject> callOwner(String room, JsonObject req, long deadline) {
        Promise<JsonObject> p = Promise.promise();
        attempt(room, req, deadline, null, 0, p);
        return p.future();
    }

    private void attempt(String room, JsonObject req, long deadline, String target, int n, Promise<JsonObject> p) {
        long now = System.nanoTime();
        long ownerDeadline = deadlines.forOwner(deadline);
        if (Deadlines.passed(ownerDeadline, now)) {
            p.complete(Wire.error(Refusal.OWNER_UNREACHABLE, null));
            return;
        }
        if (ownerDeadline != Deadlines.none()) {
            req.put(Wire.TTL, Deadlines.millisLeft(ownerDeadline, now));
        }
        String to = target != null ? target : route(room);
        Future<JsonObject> sent = to.equals(self) ? sequencer.onRequest(req)
                : peers.request(to, req, timeoutWithin(deadline));
        sent.onComplete(ar -> {
            if (ar.succeeded()) {
                JsonObject r = ar.result();
                String kind = r.getString(Wire.R);
                boolean redirect = Wire.REDIRECT.equals(kind);
                if (!redirect && !Wire.RETRY.equals(kind)) {
                    p.complete(r);
                } else if (n >= MAX_ATTEMPTS) {
                    p.complete(Wire.error(Refusal.OWNER_UNREACHABLE, null));
                } else if (redirect && n < 3) {
                    req.put(Wire.REDIRECTED, true); // the next node asks the directory rather than redirect again
                    attempt(room, req, deadline, r.getString(Wire.OWNER), n + 1, p);
                } else {
                    String next = redirect ? r.getString(Wire.OWNER) : null;
                    vertx.setTimer(RETRY_DELAY_MS, t -> attempt(room, req, deadline, next, n + 1, p));
                }
            } else if (n < MAX_ATTEMPTS) {
                vertx.setTimer(RETRY_DELAY_MS, t -> attempt(room, req, deadline, null, n + 1, p));
            } else {
                p.complete(Wire.error(Refusal.OWNER_UNREACHABLE, null));
            }
        });
    }

    /** A request's timeout: {@link #NODE_TIMEOUT_MS}, or less if its deadline comes first. */
    private static long timeoutWithin(long deadline) {
        long left = Deadlines.millisLeft(deadline, System.nanoTime());
        return left < 0 ? NODE_TIMEOUT_MS : Math.min(NODE_TIMEOUT_MS, left);
    }

    /** Fails the future at the deadline if it has not completed by then. */
    private static <T> Future<T> within(Future<T> f, long deadline) {
        long left = Deadlines.millisLeft(deadline, System.nanoTime());
        return left < 0 ? f : f.timeout(left, TimeUnit.MILLISECONDS);
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

    private static Future<Void> success(JsonObject r) {
        return Wire.ERR.equals(r.getString(Wire.R)) ? Future.failedFuture(refusal(r)) : Future.succeededFuture();
    }

    /** The refusal an owner's error reply carries. */
    private static Refused refusal(JsonObject r) {
        return new Refused(r.getString(Wire.CODE, ErrorCode.UNAVAILABLE), r.getString(Wire.MESSAGE, "failed"));
    }
}
