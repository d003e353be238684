package dev.chat.server.cluster;

import static dev.chat.server.cluster.Wire.EPOCH;
import static dev.chat.server.cluster.Wire.K;
import static dev.chat.server.cluster.Wire.NICKNAME;
import static dev.chat.server.cluster.Wire.NODE;
import static dev.chat.server.cluster.Wire.OLD;
import static dev.chat.server.cluster.Wire.OWNER;
import static dev.chat.server.cluster.Wire.ROOM;
import static dev.chat.server.cluster.Wire.SEQ;
import static dev.chat.server.cluster.Wire.SESSION;
import static dev.chat.server.cluster.Wire.TEXT;
import static dev.chat.server.cluster.Wire.TS;
import static dev.chat.server.cluster.Wire.VER;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.Moderation;
import dev.chat.server.core.Refused;
import java.nio.charset.StandardCharsets;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.Deadlines;
import dev.chat.server.core.Refusal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of the cluster: sequences the rooms this node owns and takes over rooms whose
 * owner died; also repairs this node's replicas when they miss events.
 *
 * <p>Sequencing a request: check it against the room's state, give the event the next version
 * (and a message the next {@code seq}), apply it here, send it to every peer, and only when a
 * <em>majority</em> of the cluster's configured nodes (this one included) holds it, fan it out to
 * this node's members, store it in history, answer the requester and tell the peers it is
 * committed (they show it to their members only then). So an {@code ok} means a majority holds
 * the message, and nobody has seen a message that could still be taken back. A node that sees
 * fewer than a majority of nodes sequences nothing: it answers {@code unavailable}.
 *
 * <p>Taking over (when the owner died and rendezvous hashing over the live nodes picks this one):
 * compare-and-set the room's directory entry to this node and the next epoch (its ballot, see
 * {@link Ballot}), ask every peer to follow it and say how far its copy goes ({@code sync}; a
 * node that promises refuses events of lower ballots from then on), and continue only once a
 * majority has promised: then take the freshest copy among them (the log whose last event has
 * the highest epoch, then the longest), push the committed state to those behind, sequence the
 * freshest copy's uncommitted events again under the new ballot, emit {@code quit} for members
 * of dead nodes, then serve queued requests. Every event a majority held is in the freshest copy
 * of any majority, so nothing acknowledged is lost.
 */
final class RoomSequencer {
    private static final Logger LOG = LoggerFactory.getLogger(RoomSequencer.class);
    /** Failure code of an event refused because the peer follows a later owner of the room. */
    static final int STALE_OWNER = 409;
    static final long SYNC_TIMEOUT_MS = 5_000;
    private static final long RESYNC_RETRY_MS = 500;

    /** A request waiting for its room's owner to be settled. */
    /**
     * A request and its deadline on this node's clock (none for the owner's own work and for
     * {@code quit} and {@code nick}, which carry no time limit).
     */
    private record Queued(JsonObject req, long deadline, Promise<JsonObject> reply) {
    }

    private final Vertx vertx;
    private final ServerConfig config;
    /** How long the owner waits for a peer to store an event before releasing it anyway. */
    private final long ackTimeoutMs;
    private final Replicas replicas;
    private final Peers peers;
    private final Directory directory;
    private final LongSupplier clock;
    private final String self;
    /** Nodes, this one included, that must hold an event before it is committed. */
    private final int majority;
    /**
     * Whether rooms live on the nodes' disks too ({@link RoomStore}): then even a room the
     * directory does not know (the whole cluster was restarted) may have copies on other nodes,
     * and whoever creates its entry takes it over first, as after its owner died.
     */
    private boolean durableRooms;
    /** Rooms whose owner is being looked up (or created, or taken over) in the directory. */
    private final Map<String, List<Queued>> resolving = new HashMap<>();

    RoomSequencer(Vertx vertx, ServerConfig config, Replicas replicas, Peers peers, Directory directory,
                  LongSupplier clock, int majority) {
        this.vertx = vertx;
        this.config = config;
        this.ackTimeoutMs = new Deadlines(config.requestTimeout()).ackTimeoutMillis();
        this.replicas = replicas;
        this.peers = peers;
        this.directory = directory;
        this.clock = clock;
        this.self = peers.self();
        this.majority = majority;
        replicas.onGap(this::resync);
    }

    /** See {@link #durableRooms}. */
    void durableRooms(boolean on) {
        this.durableRooms = on;
    }

    /** Whether this node reaches a majority of the cluster's configured nodes (itself included). */
    boolean hasMajority() {
        return peers.peers().size() + 1 >= majority;
    }

    /** Why there is no majority, for the {@code unavailable} answer. */
    String majorityText() {
        return "it reaches " + (peers.peers().size() + 1) + " node(s), a majority is " + majority;
    }

    private JsonObject noMajority() {
        return Wire.error(Refusal.NO_MAJORITY, majorityText());
    }

    /** A request to the owner of its room (from this node or another); answers with a {@link Wire} reply. */
    Future<JsonObject> onRequest(JsonObject req) {
        Promise<JsonObject> p = Promise.promise();
        submit(new Queued(req, Deadlines.fromMillisLeft(req.getLong(Wire.TTL, -1L), System.nanoTime()), p));
        return p.future();
    }

    private void submit(Queued q) {
        String name = q.req.getString(ROOM);
        List<Queued> waiting = resolving.get(name);
        if (waiting != null) {
            enqueue(waiting, q);
            return;
        }
        RoomReplica room = replicas.get(name);
        if (room != null && room.own != null) {
            if (room.own.ready) {
                process(room, q);
            } else if (!room.own.syncing) {
                // the takeover failed (no majority then): with a majority now, claim the room again at
                // once (not at the next reconcile) and have the asking node try again shortly, within
                // the request's deadline, instead of refusing a request that can be served in a moment
                if (hasMajority()) {
                    contest(room, room.epoch);
                    q.reply.complete(Wire.retry());
                } else {
                    q.reply.complete(noMajority());
                }
            } else if (room.own.waiting.size() >= Ownership.MAX_QUEUED) {
                q.reply.complete(busy());
            } else {
                room.own.waiting.add(() -> submit(q));
            }
            return;
        }
        if (room != null && !room.owner.equals(self) && peers.isLive(room.owner)
                && !q.req.getBoolean(Wire.REDIRECTED, false)) {
            q.reply.complete(Wire.redirect(room.owner));
            return;
        }
        // a request another node redirected here although this node does not sequence the room: the
        // two disagree on the owner (after a partition healed), so the directory decides, and if it
        // names this node, this node claims the room
        List<Queued> queue = new ArrayList<>();
        queue.add(q);
        resolve(name, queue);
    }

    private static void enqueue(List<Queued> queue, Queued q) {
        if (queue.size() >= Ownership.MAX_QUEUED) {
            q.reply.complete(busy());
        } else {
            queue.add(q);
        }
    }

    private static JsonObject busy() {
        return Wire.error(Refusal.ROOM_BUSY, null);
    }

    // ---- who owns the room: the directory decides ----

    /** Looks the room's owner up; {@code queue} (possibly empty) waits until that is settled. */
    private void resolve(String name, List<Queued> queue) {
        if (resolving.containsKey(name)) {
            resolving.get(name).addAll(queue);
            return;
        }
        resolving.put(name, queue);
        directory.roomOwner(name).onComplete(ar -> decide(name, ar));
    }

    private void decide(String name, AsyncResult<String> ar) {
        if (ar.failed()) {
            LOG.warn("room {}: directory lookup failed: {}", name, ar.cause().toString());
            finish(name, Wire.error(Refusal.ROOMS_UNAVAILABLE, null));
            return;
        }
        String entry = ar.result();
        if (entry != null) {
            decideWith(name, entry);
            return;
        }
        boolean create = false;
        for (Queued q : resolving.get(name)) {
            create |= Wire.JOIN.equals(q.req.getString(K));
        }
        if (!create) {
            finishNoRoom(name);
            return;
        }
        RoomReplica known = replicas.get(name);
        long epoch = (known == null ? 0 : known.epoch) + 1;
        directory.createRoom(name, Directory.owner(self, epoch)).onComplete(created -> {
            if (created.failed()) {
                decide(name, created);
            } else if (created.result() == null) {
                own(name, epoch, durableRooms || (known != null && known.version > 0));
            } else {
                decideWith(name, created.result());
            }
        });
    }

    private void decideWith(String name, String entry) {
        String node = Directory.nodeOf(entry);
        long epoch = Directory.numberOf(entry);
        if (node.equals(self)) {
            own(name, epoch, true); // not sequencing it here although the directory says so: catch up first
        } else if (peers.isLive(node)) {
            RoomReplica room = replicas.get(name);
            if (room != null && room.own == null) {
                room.owner = node;
            }
            finish(name, Wire.redirect(node));
        } else if (!self.equals(Rendezvous.pick(name, peers.candidates()))) {
            // the owner is dead and another survivor is the one to take the room over
            finish(name, Wire.redirect(Rendezvous.pick(name, peers.candidates())));
        } else {
            RoomReplica room = replicas.get(name);
            long next = Math.max(epoch, room == null ? 0 : room.epoch) + 1;
            directory.takeRoom(name, entry, Directory.owner(self, next)).onComplete(ar -> {
                if (ar.succeeded() && ar.result()) {
                    LOG.info("room {}: taking over from dead node {} (epoch {})", name, node, next);
                    own(name, next, true);
                } else if (ar.succeeded()) {
                    directory.roomOwner(name).onComplete(again -> decide(name, again)); // someone else moved it
                } else {
                    decide(name, Future.failedFuture(ar.cause()));
                }
            });
        }
    }

    /** Answers every queued request of a room with the same reply. */
    private void finish(String name, JsonObject reply) {
        List<Queued> queue = resolving.remove(name);
        if (queue != null) {
            for (Queued q : queue) {
                q.reply.complete(reply);
            }
        }
    }

    /** The cluster has no such room: nothing to part from or say to. */
    private void finishNoRoom(String name) {
        List<Queued> queue = resolving.remove(name);
        for (Queued q : queue) {
            String kind = q.req.getString(K);
            if (kind.equals(Wire.SAY)) {
                q.reply.complete(Wire.error(Refusal.NOT_IN_ROOM_TO_SAY, name));
            } else if (kind.equals(Wire.PART) || kind.equals(Wire.MOD)) {
                q.reply.complete(Wire.error(Refusal.NOT_IN_ROOM, name));
            } else {
                q.reply.complete(Wire.ok());
            }
        }
    }

    /** This node owns the room (from now on, or still); with {@code sync}, take it over first. */
    private void own(String name, long epoch, boolean sync) {
        List<Queued> queue = resolving.remove(name);
        RoomReplica room = replicas.getOrCreate(name, self, epoch);
        room.restored = false;
        room.owner = self;
        room.epoch = Math.max(room.epoch, epoch);
        Ownership own = room.own;
        if (own == null) {
            own = new Ownership(!sync);
            own.syncing = sync;
            room.own = own;
        } else {
            sync = false;
        }
        if (queue != null) {
            for (Queued q : queue) {
                submit(q);
            }
        }
        if (sync) {
            takeOver(room, own);
        }
    }

    // ---- sequencing ----

    private void process(RoomReplica room, Queued q) {
        JsonObject req = q.req;
        Promise<JsonObject> reply = q.reply;
        if (q.deadline != Deadlines.none() && Deadlines.passed(q.deadline - ackTimeoutMs * 1_000_000, System.nanoTime())) {
            // too late to sequence it and hear every peer's acknowledgement before the requester gives up
            reply.complete(Wire.error(Refusal.EXPIRED, null));
            return;
        }
        String node = req.getString(NODE);
        long session = req.getLong(SESSION);
        String nick = req.getString(NICKNAME);
        RoomMember member = room.member(node, session);
        switch (req.getString(K)) {
            case Wire.JOIN -> {
                String account = req.getString(Wire.ACCOUNT);
                Refused refused = member != null ? null
                        : room.rules.joinRefusal(new RoomMember(node, session, nick, account));
                if (member != null) {
                    reply.complete(joined(room));
                } else if (room.members.size() >= config.maxRoomMembers()) {
                    reply.complete(Wire.error(Refusal.ROOM_FULL, room.name));
                } else if (refused != null) {
                    reply.complete(Wire.error(refused.code(), refused.getMessage()));
                } else {
                    RoomMember joiner = new RoomMember(node, session, nick, account);
                    ServerMessage.Member role = room.rules.roleOnJoin(joiner);
                    sequence(room, event(Wire.JOIN, node, session, nick).put(Wire.ACCOUNT, account), () -> joined(room),
                            reply);
                    if (role != null) { // an operator back: every member sees its role, in the room's order
                        sequence(room, event(Wire.MOD, node, session, nick) // no rules: it changes none
                                .put(Wire.OUT, new String(MessageCodec.encode(role), StandardCharsets.UTF_8)),
                                Wire::ok, Promise.promise());
                    }
                }
            }
            case Wire.MOD -> moderate(room, member, req, reply);
            case Wire.PART -> {
                if (member == null) {
                    reply.complete(Wire.error(Refusal.NOT_IN_ROOM, room.name));
                } else {
                    sequence(room, event(Wire.PART, node, session, member.nick()).put(Wire.REASON, req.getString(Wire.REASON))
                                    .put(Wire.ACCOUNT, member.account()),
                            () -> new JsonObject().put(Wire.R, Wire.PARTED), reply);
                }
            }
            case Wire.QUIT -> {
                if (member == null) {
                    reply.complete(Wire.ok());
                } else {
                    sequence(room, event(Wire.QUIT, node, session, member.nick()).put(Wire.REASON, req.getString(Wire.REASON))
                                    .put(Wire.ACCOUNT, member.account()), Wire::ok, reply);
                }
            }
            case Wire.NICK -> {
                String account = req.getString(Wire.ACCOUNT);
                if (member == null || (member.nick().equals(nick) && java.util.Objects.equals(member.account(), account))) {
                    reply.complete(Wire.ok());
                } else {
                    sequence(room, event(Wire.NICK, node, session, nick).put(OLD, member.nick()).put(Wire.ACCOUNT, account),
                            Wire::ok, reply);
                }
            }
            case Wire.SAY -> {
                String rid = req.getString(Wire.RID);
                Long done = rid == null ? null : room.recent.get(rid);
                if (done != null) {
                    answerRetried(room, done, reply); // sequenced before the owner changed or the reply was lost
                } else if (member == null) {
                    reply.complete(Wire.error(Refusal.NOT_IN_ROOM_TO_SAY, room.name));
                } else if (room.rules.sayRefusal(member) != null) {
                    Refused muted = room.rules.sayRefusal(member);
                    reply.complete(Wire.error(muted.code(), muted.getMessage()));
                } else if (room.own.unreleased.size() >= Ownership.MAX_QUEUED) {
                    reply.complete(busy());
                } else {
                    JsonObject ev = event(Wire.MSG, node, session, nick).put(TEXT, req.getString(TEXT))
                            .put(TS, clock.getAsLong()).put(SEQ, room.lastSeq + 1).put(Wire.RID, rid);
                    if (req.getBoolean(Wire.ACTION, false)) {
                        ev.put(Wire.ACTION, true);
                    }
                    sequence(room, ev, Wire::ok, reply);
                }
            }
            case Wire.DROP -> {
                if (!room.members.isEmpty()) {
                    reply.complete(Wire.ok()); // someone joined meanwhile: it stays (the asker finds the rooms still full)
                } else {
                    sequence(room, event(Wire.DROP, node, session, nick), Wire::ok, reply);
                }
            }
            default -> reply.complete(Wire.error(ErrorCode.INVALID, "unknown request " + req.getString(K)));
        }
    }

    /**
     * A moderation request ({@link Wire#MOD}): the room's rules ({@link Moderation}) decide here, at
     * the owner, which knows every member's account; the change goes out as one {@code mod} event
     * per event the members get (each with the rules, whole), answered once the last is committed.
     */
    private void moderate(RoomReplica room, RoomMember member, JsonObject req, Promise<JsonObject> reply) {
        ClientMessage m;
        try {
            m = MessageCodec.decodeClient(req.getString(Wire.REQ).getBytes(StandardCharsets.UTF_8));
        } catch (ProtocolException | RuntimeException e) {
            reply.complete(Wire.error(ErrorCode.INVALID, "a moderation request that does not decode"));
            return;
        }
        if (!hasMajority()) {
            reply.complete(noMajority()); // nothing applied: a cut-off node changes nothing
            return;
        }
        RoomMember me = member != null ? member : new RoomMember(req.getString(NODE), req.getLong(SESSION),
                req.getString(NICKNAME), req.getString(Wire.ACCOUNT));
        long before = room.rules.changes();
        Moderation.Change c;
        try {
            c = room.rules.apply(me, m, room.members.values(), clock.getAsLong());
        } catch (Refused r) {
            reply.complete(Wire.error(r.code(), r.getMessage()));
            return;
        }
        JsonObject answer = Wire.ok();
        if (!(c.reply() instanceof ServerMessage.Ok)) {
            answer.put(Wire.REPLY, new String(MessageCodec.encode(c.reply()), StandardCharsets.UTF_8));
        }
        if (c.events().isEmpty() && room.rules.changes() == before) {
            reply.complete(answer);
            return;
        }
        JsonObject rules = room.rules.state();
        List<ServerMessage> outs = c.events().isEmpty() ? java.util.Collections.singletonList(null) : c.events();
        for (int i = 0; i < outs.size(); i++) {
            JsonObject ev = event(Wire.MOD, me.node(), me.session(), me.nick()).put(Wire.RULES, rules);
            if (outs.get(i) != null) {
                ev.put(Wire.OUT, new String(MessageCodec.encode(outs.get(i)), StandardCharsets.UTF_8));
            }
            if (i == 0 && c.kicked() instanceof RoomMember k) {
                ev.put(Wire.KN, k.node()).put(Wire.KS, k.session()).put(Wire.KNICK, k.nick()).put(Wire.KACCOUNT, k.account());
            }
            sequence(room, ev, () -> answer, i == outs.size() - 1 ? reply : Promise.promise());
        }
    }

    /** A say that was sequenced already: the same answer as the first time, once it is released. */
    private static void answerRetried(RoomReplica room, long seq, Promise<JsonObject> reply) {
        for (Ownership.Pending p : room.own.unreleased) {
            if (p.fanout.stored() != null && p.fanout.stored().seq() == seq) {
                p.done.future().onComplete(ar -> reply.complete(ar.succeeded() ? ar.result() : Wire.retry()));
                return;
            }
        }
        reply.complete(Wire.ok());
    }

    private static JsonObject event(String kind, String node, long session, String nick) {
        return new JsonObject().put(K, kind).put(NODE, node).put(SESSION, session).put(NICKNAME, nick);
    }

    private static JsonObject joined(RoomReplica room) {
        return new JsonObject().put(Wire.R, Wire.JOINED).put(Wire.MEMBERS, new JsonArray(new ArrayList<>(room.nicks())))
                .put(SEQ, room.lastSeq).put(Wire.TOPIC, room.rules.topicOrNull())
                .put(Wire.OPERATORS, new JsonArray(room.rules.operatorNicks(room.members.values())))
                .put(Wire.VOICED, new JsonArray(room.rules.voicedNicks(room.members.values())));
    }

    /** Numbers the event, applies it here, sends it to every peer; released once a majority has it. */
    private void sequence(RoomReplica room, JsonObject ev, Supplier<JsonObject> replyAfter, Promise<JsonObject> done) {
        if (!hasMajority()) {
            done.complete(noMajority()); // nothing applied: a cut-off node refuses rather than promise
            return;
        }
        long ver = room.version + 1;
        ev.put(Wire.OP, Wire.EVENT).put(ROOM, room.name).put(OWNER, self).put(EPOCH, room.epoch)
                .put(VER, ver).put(Wire.PE, room.lastEpoch).put(Wire.CV, room.committed);
        room.version = ver;
        room.lastEpoch = room.epoch;
        Fanout fanout = replicas.mutate(room, ev);
        Ownership own = room.own;
        Ownership.Pending pending = new Ownership.Pending(ev, fanout, replyAfter.get(), done);
        own.unreleased.add(pending);
        pending.waitingFor.addAll(peers.peers());
        for (String peer : new ArrayList<>(pending.waitingFor)) {
            peers.request(peer, ev, ackTimeoutMs).onComplete(ar -> {
                if (ar.succeeded()) {
                    pending.acks++;
                } else if (ar.cause() instanceof ReplyException r && r.failureCode() == STALE_OWNER) {
                    // the peer follows another owner (this node was cut off, or the peer was): the directory decides
                    contest(room, Directory.numberOf(r.getMessage()));
                } else {
                    LOG.debug("room {}: {} did not hold version {}: {}", room.name, peer, ver, ar.cause().toString());
                }
                pending.waitingFor.remove(peer);
                release(room, own);
            });
        }
        release(room, own);
    }

    /**
     * Commits, in order, every event at the head that a majority holds: fans it out here, answers
     * it and tells the peers. An event at the head that can no longer reach a majority (peers
     * refused it, left or did not answer in time) stops this ballot: see {@link #stall}.
     */
    private void release(RoomReplica room, Ownership own) {
        if (room.own != own) {
            return; // relinquished meanwhile
        }
        Ownership.Pending head;
        List<Ownership.Pending> committed = null;
        boolean stalled = false;
        while ((head = own.unreleased.peek()) != null) {
            if (head.acks + 1 >= majority) {
                own.unreleased.poll();
                replicas.perform(room, head.fanout);
                room.committed = head.event.getLong(VER);
                room.committedEpoch = head.event.getLong(EPOCH);
                room.matched = room.committed;
                Replicas.committedRules(room, head.event);
                replicas.committed(room, head.event);
                if (committed == null) {
                    committed = new ArrayList<>();
                }
                committed.add(head);
            } else {
                stalled = head.acks + 1 + head.waitingFor.size() < majority;
                break;
            }
        }
        if (committed != null) {
            // the commit goes out before the answers: a requester's node applies the event before its ok arrives
            JsonObject commit = Wire.op(Wire.COMMIT).put(ROOM, room.name).put(OWNER, self).put(EPOCH, room.epoch)
                    .put(Wire.CV, room.committed);
            for (String peer : peers.peers()) {
                peers.send(peer, commit);
            }
            for (Ownership.Pending p : committed) {
                p.done.tryComplete(p.reply);
            }
        }
        if (stalled) {
            stall(room, own);
        }
    }

    /**
     * An event this node sequenced cannot be committed under its ballot. Nothing after it can be
     * either: the room goes back to its committed state, and this node claims the room again under
     * a new ballot (or hands it over, if the directory names another owner). Requests waiting for
     * those events are answered when the next takeover commits them again, or "not replicated"
     * (outcome unknown: a later owner may still commit them) if it cannot.
     */
    private void stall(RoomReplica room, Ownership own) {
        LOG.warn("room {}: version {} is not held by a majority ({}); not acknowledged, taking the room over again",
                room.name, own.unreleased.peek().event.getLong(VER), majorityText());
        own.ready = false;
        carry(room, own);
        contest(room, room.epoch);
    }

    // ---- takeover ----

    /** Rolls uncommitted events back to held ones, keeping their requesters for the next takeover. */
    private void carry(RoomReplica room, Ownership own) {
        for (Ownership.Pending p : own.unreleased) {
            own.carried.put(p.event.getLong(VER), p);
        }
        replicas.rollBack(room, own);
    }

    /** Answers the requesters of events the takeover did not commit again. */
    private static void dropCarried(Ownership own, JsonObject answer) {
        for (Ownership.Pending p : own.carried.values()) {
            p.done.tryComplete(answer);
        }
        own.carried.clear();
    }

    private void takeOver(RoomReplica room, Ownership own) {
        if (!own.unreleased.isEmpty()) {
            carry(room, own);
        }
        own.syncing = true;
        if (!hasMajority()) {
            failTakeover(room, own, "no majority");
            return;
        }
        long ballot = room.epoch;
        JsonObject query = Wire.op(Wire.SYNC).put(ROOM, room.name).put(OWNER, self).put(EPOCH, ballot);
        Map<String, JsonObject> promised = new HashMap<>();
        long[] higher = {0};
        List<Future<JsonObject>> asked = new ArrayList<>();
        for (String peer : new ArrayList<>(peers.peers())) {
            asked.add(peers.request(peer, query, SYNC_TIMEOUT_MS).onSuccess(r -> {
                if (r.getBoolean(Wire.PROMISED, false)) {
                    promised.put(peer, r);
                } else {
                    higher[0] = Math.max(higher[0], r.getLong(EPOCH, 0L));
                }
            }));
        }
        Future.join(asked).onComplete(x -> {
            if (room.own != own || room.epoch != ballot) {
                return; // handed over or claimed again meanwhile
            }
            if (promised.size() + 1 < majority) {
                failTakeover(room, own, promised.size() + 1 + " of " + majority + " needed promised");
                if (higher[0] > 0) {
                    contest(room, higher[0]);
                }
                return;
            }
            String best = null;
            long bestEpoch = room.lastEpoch;
            long bestVer = room.version;
            for (Map.Entry<String, JsonObject> e : promised.entrySet()) {
                long le = e.getValue().getLong(Wire.LE, 0L);
                long ver = e.getValue().getLong(VER, 0L);
                if (le > bestEpoch || (le == bestEpoch && ver > bestVer)) {
                    best = e.getKey();
                    bestEpoch = le;
                    bestVer = ver;
                }
            }
            Future<Void> fetched = best == null ? Future.succeededFuture()
                    : peers.request(best, Wire.op(Wire.SNAP).put(ROOM, room.name), SYNC_TIMEOUT_MS).map(snap -> {
                        if (!snap.isEmpty()) {
                            replicas.install(snap, true);
                        }
                        return null;
                    });
            fetched.onComplete(y -> {
                if (room.own != own || room.epoch != ballot) {
                    return;
                }
                if (y.failed()) {
                    failTakeover(room, own, "the freshest copy could not be fetched: " + y.cause().getMessage());
                    return;
                }
                serve(room, own, promised);
            });
        });
    }

    /**
     * A majority follows this node's ballot and it holds the freshest copy: the peers behind get
     * the committed state, the uncommitted events are sequenced again under this ballot, and the
     * room is served.
     */
    private void serve(RoomReplica room, Ownership own, Map<String, JsonObject> promised) {
        long highestSeq = 0;
        for (JsonObject p : promised.values()) {
            highestSeq = Math.max(highestSeq, p.getLong(SEQ, 0L));
        }
        boolean heldSays = false;
        if (room.held != null) {
            for (JsonObject ev : room.held) {
                heldSays |= Wire.MSG.equals(ev.getString(K));
            }
        }
        if (!heldSays && highestSeq > room.lastSeq) {
            // a node brought back from its disk has numbered further than the freshest copy (its
            // store had messages the others had not written yet when the whole cluster stopped):
            // those numbers are never given to other messages
            LOG.info("room {}: numbering continues after seq {} (a copy restored from disk went that far)",
                    room.name, highestSeq);
            room.lastSeq = highestSeq;
        }
        JsonObject install = null;
        for (Map.Entry<String, JsonObject> e : promised.entrySet()) {
            if (e.getValue().getLong(Wire.CV, 0L) < room.committed && peers.isLive(e.getKey())) {
                if (install == null) {
                    install = Wire.op(Wire.INSTALL).put(Wire.SNAP, replicas.snapshot(room).put(Wire.TAIL, new JsonArray()));
                }
                peers.request(e.getKey(), install, SYNC_TIMEOUT_MS); // events sent after it arrive after it
            }
        }
        List<JsonObject> tail = replicas.takeHeld(room);
        own.syncing = false;
        own.ready = true;
        LOG.info("room {}: now sequenced here (epoch {}, version {}, seq {}; {} uncommitted event(s) carried on)",
                room.name, room.epoch, room.committed, room.lastSeq, tail.size());
        for (JsonObject ev : tail) {
            Ownership.Pending was = own.carried.get(ev.getLong(VER));
            JsonObject again = ev.copy();
            if (was != null && was.event == ev) {
                own.carried.remove(ev.getLong(VER));
                sequence(room, again, () -> was.reply, was.done);
            } else {
                sequence(room, again, Wire::ok, Promise.promise());
            }
        }
        dropCarried(own, Wire.error(Refusal.NOT_REPLICATED, null));
        quitDeadMembers(room);
        Runnable next;
        while (own.ready && (next = own.waiting.poll()) != null) {
            next.run();
        }
    }

    /** The takeover cannot go on now: requests are answered, and reconcile tries again. */
    private void failTakeover(RoomReplica room, Ownership own, String why) {
        LOG.warn("room {}: cannot take it over now ({}); answering unavailable until a majority follows", room.name, why);
        own.syncing = false;
        own.ready = false;
        dropCarried(own, Wire.error(Refusal.NOT_REPLICATED, null));
        List<Runnable> waiting = new ArrayList<>(own.waiting);
        own.waiting.clear();
        for (Runnable r : waiting) {
            r.run(); // answered by submit: not syncing any more
        }
    }

    /** Members whose node is gone leave the room with a {@code quit} event. */
    private void quitDeadMembers(RoomReplica room) {
        for (RoomMember m : new ArrayList<>(room.members.values())) {
            if (!peers.isLive(m.node())) {
                sequence(room, event(Wire.QUIT, m.node(), m.session(), m.nick()).put(Wire.ACCOUNT, m.account()), Wire::ok,
                        Promise.promise());
            }
        }
    }

    /**
     * After a node left, and periodically: quit members of dead nodes from the rooms this node
     * owns, take over rooms whose owner is dead when this node is the one to, and repair gaps.
     */
    void reconcile() {
        for (RoomReplica room : new ArrayList<>(replicas.all())) {
            if (room.own != null) {
                if (room.own.ready) {
                    quitDeadMembers(room);
                } else if (!room.own.syncing && hasMajority()) {
                    contest(room, room.epoch); // a takeover that failed: claim the room again
                }
            } else if (room.restored && room.members.isEmpty() && room.held == null) {
                continue; // brought back from disk and not used yet: its first join takes it over
            } else if (!peers.isLive(room.owner) || room.owner.equals(self)) {
                if (!resolving.containsKey(room.name) && self.equals(Rendezvous.pick(room.name, peers.candidates()))) {
                    resolve(room.name, new ArrayList<>());
                }
            } else if (room.early != null && !room.resyncing) {
                room.resyncing = true;
                resync(room);
            }
        }
    }

    // ---- answers to other nodes ----

    /**
     * {@code sync}: a new owner takes the room. If its ballot is not lower than the one this node
     * follows, promise it (refuse lower ballots from now on) and say how far this node's copy
     * goes; else refuse, naming the ballot this node follows.
     */
    JsonObject onSync(JsonObject req) {
        String name = req.getString(ROOM);
        long epoch = req.getLong(EPOCH);
        String owner = req.getString(OWNER);
        RoomReplica room = replicas.getOrCreate(name, owner, epoch);
        int c = Ballot.compare(epoch, owner, room.epoch, room.owner);
        if (c < 0) {
            return new JsonObject().put(Wire.PROMISED, false).put(EPOCH, room.epoch).put(OWNER, room.owner);
        }
        if (room.own != null) {
            relinquish(room, owner, epoch);
        } else if (c > 0) {
            room.epoch = epoch;
            room.owner = owner;
            room.matched = Math.min(room.matched, room.committed);
        }
        return new JsonObject().put(Wire.PROMISED, true).put(VER, room.version).put(Wire.LE, room.lastEpoch)
                .put(Wire.CV, room.committed).put(SEQ, room.lastSeq).put(EPOCH, room.epoch);
    }

    /**
     * Another node owns the room, under {@code epoch}, while this one sequences it too (it was
     * thought dead, or cut off). Stop: events not yet stored everywhere are not answered
     * {@code ok} (their senders retry at the new owner, which knows them by request id if it has
     * them); this node's copy, history included, is replaced by the new owner's.
     */
    private void relinquish(RoomReplica room, String newOwner, long epoch) {
        Ownership own = room.own;
        if (own == null || newOwner.equals(self)) {
            return;
        }
        LOG.warn("room {}: {} owns it (epoch {}); this node stops sequencing it", room.name, newOwner, epoch);
        List<Ownership.Pending> unanswered = new ArrayList<>(own.unreleased);
        unanswered.addAll(own.carried.values());
        own.carried.clear();
        replicas.rollBack(room, own);
        room.own = null;
        room.owner = newOwner;
        room.epoch = epoch;
        room.matched = room.committed;
        for (Ownership.Pending p : unanswered) {
            p.done.tryComplete(Wire.retry()); // the requester's node asks the new owner, which knows the say by its rid
        }
        Runnable next;
        while ((next = own.waiting.poll()) != null) {
            next.run(); // now redirected to the new owner
        }
        if (peers.isLive(newOwner)) {
            room.resyncing = true;
            resync(room);
        }
    }

    /**
     * Evidence that another node sequences a room this node owns (its events, or a peer refusing
     * ours): the directory decides. If it names another node, hand the room over; if it names this
     * one, claim the room again under an epoch above every one seen, so that the others follow.
     */
    void contest(RoomReplica room, long seenEpoch) {
        Ownership own = room.own;
        if (own == null || room.contested) {
            return;
        }
        room.contested = true;
        directory.roomOwner(room.name).onComplete(ar -> {
            room.contested = false;
            if (ar.failed() || ar.result() == null || room.own != own) {
                return;
            }
            String entry = ar.result();
            if (!Directory.nodeOf(entry).equals(self) && Directory.numberOf(entry) > room.epoch) {
                relinquish(room, Directory.nodeOf(entry), Directory.numberOf(entry));
                return;
            }
            // the directory names this node, or another under an epoch no higher than this node's
            // ballot (two sides of a partition claimed the same epoch, and the merge kept the
            // other's entry): claim the room under a higher epoch, so that one ballot wins
            if (own.ready && seenEpoch < room.epoch && Directory.nodeOf(entry).equals(self)) {
                return; // this node's ballot is the highest: whoever follows an older one is refused, nothing to claim
            }
            long next = Math.max(Math.max(seenEpoch, room.epoch), Directory.numberOf(entry)) + 1;
            directory.takeRoom(room.name, entry, Directory.owner(self, next)).onSuccess(taken -> {
                if (taken && room.own == own && !own.syncing) {
                    LOG.warn("room {}: claimed again under epoch {}", room.name, next);
                    room.epoch = next;
                    own.ready = false;
                    takeOver(room, own);
                }
            });
        });
    }

    /**
     * After the cluster changed shape (a node came back after being counted dead): each room this
     * node sequences is checked against the directory.
     */
    void verifyOwnership() {
        for (RoomReplica room : new ArrayList<>(replicas.all())) {
            contest(room, 0);
        }
    }

    /** {@code snap}: this node's copy of the room, or {} if it has none. */
    JsonObject onSnap(JsonObject req) {
        RoomReplica room = replicas.get(req.getString(ROOM));
        return room == null ? new JsonObject() : replicas.snapshot(room);
    }

    /** {@code owned}: the rooms this node sequences. */
    JsonObject onOwned() {
        JsonArray names = new JsonArray();
        for (RoomReplica room : replicas.all()) {
            if (room.own != null && room.own.ready) {
                names.add(room.name);
            }
        }
        return new JsonObject().put(Wire.ROOMS, names);
    }

    // ---- replica repair ----

    /** A replica missed events: fetch the owner's snapshot (retrying until the gap is closed). */
    private void resync(RoomReplica room) {
        String owner = room.owner;
        if (owner.equals(self) || !peers.isLive(owner)) {
            room.resyncing = false; // the takeover will push the state; reconcile retries otherwise
            return;
        }
        peers.request(owner, Wire.op(Wire.SNAP).put(ROOM, room.name), SYNC_TIMEOUT_MS).onComplete(ar -> {
            room.resyncing = false;
            if (ar.succeeded() && !ar.result().isEmpty()) {
                replicas.install(ar.result(), false);
            } else if (room.early != null) {
                vertx.setTimer(RESYNC_RETRY_MS, t -> {
                    if (room.early != null && !room.resyncing) {
                        room.resyncing = true;
                        resync(room);
                    }
                });
            }
        });
    }

    /** Fetches the rooms another node owns (a node that just joined copies everything it can). */
    Future<Void> copyRoomsOf(String peer) {
        return peers.request(peer, Wire.op(Wire.OWNED), SYNC_TIMEOUT_MS).compose(r -> {
            List<Future<JsonObject>> snaps = new ArrayList<>();
            for (String name : Wire.strings(r.getJsonArray(Wire.ROOMS))) {
                snaps.add(peers.request(peer, Wire.op(Wire.SNAP).put(ROOM, name), SYNC_TIMEOUT_MS)
                        .onSuccess(snap -> {
                            if (!snap.isEmpty()) {
                                replicas.install(snap, false);
                            }
                        }));
            }
            return Future.join(snaps).mapEmpty();
        });
    }
}
