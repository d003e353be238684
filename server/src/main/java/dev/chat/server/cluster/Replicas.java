package dev.chat.server.cluster;

import static dev.chat.server.cluster.Wire.EPOCH;
import static dev.chat.server.cluster.Wire.HISTORY;
import static dev.chat.server.cluster.Wire.K;
import static dev.chat.server.cluster.Wire.MEMBERS;
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

import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.Moderation;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.rooms.HistoryStore;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Recipient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * This node's copy of every room, and the one place where room events change it: applied in the
 * owner's order, buffered after a gap until a snapshot fills it, fanned out to this node's members
 * as one encoded frame per event loop. Touched only from the cluster hub's context.
 */
final class Replicas {
    /** {@link #onEvent}: the event is held here (the owner may count this node). */
    static final int HELD = 0;
    /** {@link #onEvent}: the event comes from a replaced owner. */
    static final int STALE = 1;
    /** {@link #onEvent}: the event comes from a newer owner than this node has caught up with. */
    static final int BEHIND = 2;

    private final String self;
    private final int lanes;
    private final int historyLimit;
    private final HistoryStore history;
    private final Outbox outbox;
    private final LongFunction<Recipient> locals;
    private final Map<String, RoomReplica> rooms = new HashMap<>();
    private Consumer<RoomReplica> resync = r -> { };
    private BiConsumer<Long, String> dropped = (session, room) -> { };
    private BiConsumer<Long, String> kicked = (session, room) -> { };
    /** Counts uses of rooms (see {@link RoomReplica#used}). */
    private long useClock;
    /** Where committed events are kept on disk; null: in memory only. */
    private RoomStore durable;

    Replicas(String self, int lanes, int historyLimit, HistoryStore history, Outbox outbox,
             LongFunction<Recipient> locals) {
        this.self = self;
        this.lanes = lanes;
        this.historyLimit = historyLimit;
        this.history = history;
        this.outbox = outbox;
        this.locals = locals;
    }

    /** Called when a room has a gap that only a snapshot from its owner can fill. */
    void onGap(Consumer<RoomReplica> resync) {
        this.resync = resync;
    }

    /**
     * Called with a session of this node and a room when the room's owner dropped the session
     * without the session asking (a {@code quit} event for it, or a snapshot without it). If the
     * session is still connected, the cluster counted this node dead (it hung, or was cut off).
     */
    void onDropped(BiConsumer<Long, String> dropped) {
        this.dropped = dropped;
    }

    /** Called with a session of this node and a room when an operator kicked the session out of the room. */
    void onKicked(BiConsumer<Long, String> kicked) {
        this.kicked = kicked;
    }

    /** Committed events go to {@code store} from now on (null: nowhere). */
    void persistTo(RoomStore store) {
        this.durable = store;
    }

    /** An event of the room is committed here: kept on this node's disk, if it has one. */
    void committed(RoomReplica room, JsonObject ev) {
        if (durable != null) {
            durable.committed(room, ev);
        }
    }

    RoomReplica get(String name) {
        return rooms.get(name);
    }

    RoomReplica getOrCreate(String name, String owner, long epoch) {
        return rooms.computeIfAbsent(name, n -> new RoomReplica(n, owner, epoch));
    }

    /** Marks the room as used now (a request or an event for it). */
    void used(RoomReplica room) {
        room.used = ++useClock;
    }

    /**
     * The room to drop when a new one would go beyond {@code --max-rooms}: the least recently
     * used one without members that is not being repaired; null if there is none.
     */
    RoomReplica leastRecentlyUsedEmpty() {
        RoomReplica best = null;
        for (RoomReplica r : rooms.values()) {
            if (r.members.isEmpty() && r.early == null && !r.resyncing && !r.contested
                    && (best == null || r.used < best.used)) {
                best = r;
            }
        }
        return best;
    }

    Collection<RoomReplica> all() {
        return rooms.values();
    }

    int size() {
        return rooms.size();
    }

    HistoryStore history() {
        return history;
    }

    /**
     * An event from a room's owner: held (and acknowledged) if it follows what this node holds,
     * dropped if a duplicate, buffered after a gap until a snapshot fills it. Events are shown to
     * this node's members only once the owner says they are committed: with the event's
     * {@link Wire#CV} or a {@link Wire#COMMIT}.
     *
     * @return {@link #HELD} (acknowledge it), {@link #STALE} (it comes from an owner this node
     *     knows was replaced: a lower ballot) or {@link #BEHIND} (from a newer owner this node has
     *     not caught up with yet: it asked for a snapshot)
     */
    int onEvent(JsonObject ev) {
        String name = ev.getString(ROOM);
        long epoch = ev.getLong(EPOCH);
        String owner = ev.getString(OWNER);
        RoomReplica room = rooms.get(name);
        if (room == null) {
            room = new RoomReplica(name, owner, epoch);
            rooms.put(name, room);
        }
        int c = Ballot.compare(epoch, owner, room.epoch, room.owner);
        if (c < 0 || room.own != null) {
            return STALE; // from a replaced owner, or one that thinks it owns this node's room
        }
        if (c > 0) {
            if (room.committed > 0 || room.version > 0) {
                // a newer owner whose sync this node missed: catch up from its snapshot first
                room.owner = owner;
                room.epoch = epoch;
                room.matched = room.committed;
                buffer(room, ev);
                return BEHIND;
            }
            room.owner = owner; // a new room, first heard of now
            room.epoch = epoch;
        }
        if (!place(room, ev)) {
            buffer(room, ev);
        }
        drainEarly(room);
        commit(room, ev.getLong(Wire.CV, 0L));
        return HELD;
    }

    /** {@code commit}: the owner says every event up to {@code cv} is held by a majority. */
    void onCommit(JsonObject body) {
        RoomReplica room = rooms.get(body.getString(ROOM));
        if (room != null && room.own == null
                && Ballot.compare(body.getLong(EPOCH), body.getString(OWNER), room.epoch, room.owner) == 0) {
            commit(room, body.getLong(Wire.CV));
        }
    }

    /**
     * Puts an event of the current owner in place: true if held now or already held, false if it
     * does not follow (a gap, or a previous event that is not the owner's).
     */
    private boolean place(RoomReplica room, JsonObject ev) {
        long ver = ev.getLong(VER);
        long epoch = ev.getLong(EPOCH);
        if (ver <= room.committed) {
            return true; // committed here already: every node's committed events are the same
        }
        if (ver <= room.version) {
            JsonObject mine = heldAt(room, ver);
            if (mine != null && mine.getLong(EPOCH) == epoch) {
                room.matched = Math.max(room.matched, ver);
                return true; // a duplicate
            }
            truncate(room, ver); // an older owner's event, never committed: the current owner's replaces it
        }
        if (ver != room.version + 1 || !previousMatches(room, ev)) {
            return false;
        }
        if (room.held == null) {
            room.held = new ArrayDeque<>();
        }
        room.held.add(ev);
        room.version = ver;
        room.lastEpoch = epoch;
        room.matched = ver;
        return true;
    }

    /** Whether the event before {@code ev} here is the one the owner has there (its {@link Wire#PE epoch}). */
    private static boolean previousMatches(RoomReplica room, JsonObject ev) {
        // called for ver == room.version + 1: the previous event is the last one held
        return ev.getLong(VER) - 1 <= room.committed || room.lastEpoch == ev.getLong(Wire.PE, -1L);
    }

    private static JsonObject heldAt(RoomReplica room, long ver) {
        if (room.held == null || ver <= room.committed || ver > room.version) {
            return null;
        }
        int i = 0;
        long index = ver - room.committed - 1;
        for (JsonObject e : room.held) {
            if (i++ == index) {
                return e;
            }
        }
        return null;
    }

    /** Drops held events from {@code ver} on. */
    private static void truncate(RoomReplica room, long ver) {
        while (room.held != null && !room.held.isEmpty() && room.held.peekLast().getLong(VER) >= ver) {
            room.held.pollLast();
        }
        JsonObject last = room.held == null ? null : room.held.peekLast();
        room.version = last == null ? room.committed : last.getLong(VER);
        room.lastEpoch = last == null ? room.committedEpoch : last.getLong(EPOCH);
        room.matched = Math.min(room.matched, room.version);
    }

    /** Applies held events up to {@code cv} (no further than the owner's log is known to match here). */
    void commit(RoomReplica room, long cv) {
        long upTo = Math.min(cv, room.matched);
        while (room.held != null && !room.held.isEmpty() && room.held.peekFirst().getLong(VER) <= upTo) {
            JsonObject ev = room.held.pollFirst();
            perform(room, mutate(room, ev));
            room.committed = ev.getLong(VER);
            room.committedEpoch = ev.getLong(EPOCH);
            committedRules(room, ev);
            committed(room, ev);
        }
        if (room.held != null && room.held.isEmpty()) {
            room.held = null;
        }
    }

    private void buffer(RoomReplica room, JsonObject ev) {
        if (room.early == null) {
            room.early = new TreeMap<>();
        }
        if (room.early.size() >= RoomReplica.MAX_EARLY) {
            room.early.clear(); // the snapshot will carry all of it
        }
        room.early.put(ev.getLong(VER), ev);
        requestResync(room);
    }

    private void requestResync(RoomReplica room) {
        if (!room.resyncing) {
            room.resyncing = true;
            resync.accept(room);
        }
    }

    /** Places buffered events that now follow; asks for a snapshot again if a gap remains. */
    void drainEarly(RoomReplica room) {
        if (room.early == null) {
            return;
        }
        while (!room.early.isEmpty()) {
            JsonObject ev = room.early.firstEntry().getValue();
            int c = Ballot.compare(ev.getLong(EPOCH), ev.getString(OWNER), room.epoch, room.owner);
            if (c < 0 || ev.getLong(VER) <= room.committed) {
                room.early.pollFirstEntry();
            } else if (c == 0 && place(room, ev)) {
                room.early.pollFirstEntry();
                commit(room, ev.getLong(Wire.CV, 0L));
            } else {
                break;
            }
        }
        if (room.early.isEmpty()) {
            room.early = null;
        } else if (!room.resyncing) {
            requestResync(room);
        }
    }

    /**
     * Changes the room's state for one event and says what to send to this node's members; the
     * caller performs it once the event is committed (a replica applies it only then; the owner
     * applies it when it sequences it, to check the next requests against it).
     */
    Fanout mutate(RoomReplica room, JsonObject ev) {
        long before = room.rules.changes();
        Fanout f = change(room, ev);
        if (ev.containsKey(Wire.RULES)) {
            room.rules = Moderation.fromState(room.name, ev.getJsonObject(Wire.RULES)); // the owner's, whole
        } else if (room.own != null && room.rules.changes() != before) {
            ev.put(Wire.RULES, room.rules.state()); // the owner tells every node (it sends the event after this)
        }
        return f;
    }

    /** A committed event's rules are the room's committed rules. */
    static void committedRules(RoomReplica room, JsonObject ev) {
        if (ev.containsKey(Wire.RULES)) {
            room.committedRules = ev.getJsonObject(Wire.RULES);
        }
    }

    private Fanout change(RoomReplica room, JsonObject ev) {
        used(room);
        room.restored = false;
        String node = ev.getString(NODE);
        long session = ev.getLong(SESSION);
        String nick = ev.getString(NICKNAME);
        String kind = ev.getString(K);
        switch (kind) {
            case Wire.MSG -> {
                long seq = ev.getLong(SEQ);
                room.lastSeq = Math.max(room.lastSeq, seq);
                String rid = ev.getString(Wire.RID);
                if (rid != null) {
                    room.recent.put(rid, seq);
                }
                ChatMessage m = ChatMessage.inRoom(room.name, nick, ev.getString(TEXT), ev.getBoolean(Wire.ACTION, false),
                        ev.getLong(TS), seq);
                return new Fanout(m, MessageCodec.encodeFrame(m), recipients(room), null, m);
            }
            case Wire.JOIN -> {
                Recipient[][] before = recipients(room); // the joiner does not get its own join
                RoomMember joiner = new RoomMember(node, session, nick, ev.getString(Wire.ACCOUNT));
                room.put(joiner);
                room.rules.joined(joiner);
                return memberEvent(room, before, null, new Member(room.name, nick, Member.JOIN, null));
            }
            case Wire.PART, Wire.QUIT -> {
                RoomMember gone = room.remove(node, session);
                if (gone != null) {
                    room.rules.left(gone);
                }
                if (kind.equals(Wire.QUIT) && node.equals(self)) {
                    dropped.accept(session, room.name);
                }
                String event = kind.equals(Wire.PART) ? Member.PART : Member.QUIT;
                return memberEvent(room, recipients(room), null, new Member(room.name, nick, event, null, ev.getString(Wire.REASON)));
            }
            case Wire.NICK -> {
                if (room.contains(node, session)) {
                    room.put(new RoomMember(node, session, nick, ev.getString(Wire.ACCOUNT)));
                }
                if (nick.equals(ev.getString(OLD))) {
                    return new Fanout(null, null, new Recipient[0][], null, null); // only its account changed
                }
                room.rules.renamed(ev.getString(OLD));
                Recipient except = node.equals(self) ? locals.apply(session) : null;
                return memberEvent(room, recipients(room), except,
                        new Member(room.name, nick, Member.NICK, ev.getString(OLD)));
            }
            case Wire.DROP -> {
                // the room is forgotten here, history and all; its directory entry stays (see CLUSTER.md)
                if (rooms.get(room.name) == room) {
                    rooms.remove(room.name);
                }
                history.drop(room.name);
                return new Fanout(null, null, new Recipient[0][], null, null);
            }
            case Wire.MOD -> {
                Recipient[][] to = recipients(room); // a kicked member gets its kick too
                String kn = ev.getString(Wire.KN);
                if (kn != null) {
                    long ks = ev.getLong(Wire.KS);
                    room.remove(kn, ks);
                    if (kn.equals(self)) {
                        kicked.accept(ks, room.name);
                    }
                }
                String out = ev.getString(Wire.OUT);
                if (out == null) {
                    return new Fanout(null, null, new Recipient[0][], null, null);
                }
                ServerMessage event = decodeEvent(out);
                return new Fanout(event, MessageCodec.encodeFrame(event), to, null, null);
            }
            default -> throw new IllegalArgumentException("unknown room event kind " + kind);
        }
    }

    /** A moderation event as the owner wrote it ({@link Wire#OUT}). */
    static ServerMessage decodeEvent(String json) {
        try {
            return MessageCodec.decodeServer(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (dev.chat.protocol.ProtocolException e) {
            throw new IllegalStateException("a room event that does not decode: " + json, e);
        }
    }

    private static Fanout memberEvent(RoomReplica room, Recipient[][] to, Recipient except, Member event) {
        return new Fanout(event, MessageCodec.encodeFrame(event), to, except, null);
    }

    private Recipient[][] recipients(RoomReplica room) {
        return room.localRecipients(self, lanes, locals);
    }

    /** Stores the message (if any) and sends the frame to this node's members. */
    void perform(RoomReplica room, Fanout f) {
        if (f.stored() != null && f.stored().seq() > room.storedSeq) {
            history.append(room.name, f.stored());
            room.storedSeq = f.stored().seq();
        }
        outbox.fanOut(f.event(), f.frame(), f.to(), f.except(), f.stored() != null);
    }

    /**
     * The room's committed state (members, numbers, history as of {@link RoomReplica#committed})
     * and, as {@link Wire#TAIL}, the events after it that this node holds but that are not
     * committed yet: on the owner those it has not released, elsewhere those it holds.
     */
    JsonObject snapshot(RoomReplica room) {
        LinkedHashMap<String, RoomMember> members = new LinkedHashMap<>(room.members);
        long seq = room.lastSeq;
        JsonArray tail = new JsonArray();
        if (room.own != null && !room.own.unreleased.isEmpty()) {
            List<JsonObject> events = new ArrayList<>();
            for (Ownership.Pending p : room.own.unreleased) {
                events.add(p.event);
            }
            for (int i = events.size() - 1; i >= 0; i--) {
                seq = undo(members, seq, events.get(i));
            }
            events.forEach(tail::add);
        } else if (room.held != null) {
            room.held.forEach(tail::add);
        }
        JsonArray list = new JsonArray();
        for (RoomMember m : members.values()) {
            list.add(new JsonObject().put(NODE, m.node()).put(SESSION, m.session()).put(NICKNAME, m.nick())
                    .put(Wire.ACCOUNT, m.account()));
        }
        JsonArray messages = new JsonArray();
        for (ChatMessage m : history.latest(room.name, historyLimit)) {
            messages.add(Wire.message(m));
        }
        JsonObject rids = new JsonObject();
        for (Map.Entry<String, Long> e : room.recent.entrySet()) {
            if (e.getValue() <= seq) {
                rids.put(e.getKey(), e.getValue());
            }
        }
        return new JsonObject().put(ROOM, room.name).put(OWNER, room.owner).put(EPOCH, room.epoch)
                .put(VER, room.committed).put(Wire.CE, room.committedEpoch).put(SEQ, seq).put(MEMBERS, list)
                .put(HISTORY, messages).put(Wire.RIDS, rids).put(Wire.TAIL, tail).put(Wire.RULES, room.committedRules);
    }

    /** Undoes one event's change of the members; returns the last {@code seq} before it. */
    private static long undo(Map<String, RoomMember> members, long seq, JsonObject ev) {
        String node = ev.getString(NODE);
        long session = ev.getLong(SESSION);
        String key = RoomMember.key(node, session);
        switch (ev.getString(K)) {
            case Wire.MSG -> {
                return Math.min(seq, ev.getLong(SEQ) - 1);
            }
            case Wire.JOIN -> members.remove(key);
            case Wire.PART, Wire.QUIT -> members.put(key, new RoomMember(node, session, ev.getString(NICKNAME),
                    ev.getString(Wire.ACCOUNT)));
            case Wire.NICK -> {
                RoomMember was = members.get(key);
                if (was != null) {
                    members.put(key, new RoomMember(node, session, ev.getString(OLD), was.account()));
                }
            }
            case Wire.MOD -> {
                String kn = ev.getString(Wire.KN);
                if (kn != null) {
                    members.put(RoomMember.key(kn, ev.getLong(Wire.KS)), new RoomMember(kn, ev.getLong(Wire.KS),
                            ev.getString(Wire.KNICK), ev.getString(Wire.KACCOUNT)));
                }
            }
            default -> {
            }
        }
        return seq;
    }

    /**
     * The owner stops sequencing under its ballot with events not committed (it lost its majority,
     * or a newer owner took the room): its state goes back to the committed one, and those events
     * become held ones, as on any other node, for whoever sequences next to keep or replace.
     */
    void rollBack(RoomReplica room, Ownership own) {
        List<JsonObject> events = new ArrayList<>();
        for (Ownership.Pending p : own.unreleased) {
            events.add(p.event);
        }
        own.unreleased.clear();
        if (events.isEmpty()) {
            return;
        }
        LinkedHashMap<String, RoomMember> members = new LinkedHashMap<>(room.members);
        long seq = room.lastSeq;
        for (int i = events.size() - 1; i >= 0; i--) {
            JsonObject ev = events.get(i);
            seq = undo(members, seq, ev);
            String rid = ev.getString(Wire.RID);
            if (rid != null) {
                room.recent.remove(rid); // not committed: a retry must not be answered ok from it
            }
            if (Wire.DROP.equals(ev.getString(K))) {
                rooms.putIfAbsent(room.name, room);
            }
        }
        room.replaceMembers(new ArrayList<>(members.values()));
        room.lastSeq = seq;
        room.rules = Moderation.fromState(room.name, room.committedRules);
        room.held = new ArrayDeque<>(events);
        room.matched = room.committed;
    }

    /** The held events, taken out (a new owner sequences them again under its ballot). */
    List<JsonObject> takeHeld(RoomReplica room) {
        List<JsonObject> out = room.held == null ? List.of() : new ArrayList<>(room.held);
        room.held = null;
        room.version = room.committed;
        room.lastEpoch = room.committedEpoch;
        room.matched = room.committed;
        return out;
    }

    /**
     * Installs a snapshot: its committed state if it is ahead of this node's (sending this node's
     * members the messages they missed), then its tail as held events. With {@code keepOwner} (a
     * new owner fetching the freshest copy) the ballot stays this node's; otherwise a snapshot of
     * a lower ballot is ignored.
     *
     * @return whether the snapshot was installed
     */
    boolean install(JsonObject snap, boolean keepOwner) {
        String name = snap.getString(ROOM);
        long epoch = snap.getLong(EPOCH);
        String owner = snap.getString(OWNER);
        long ver = snap.getLong(VER);
        RoomReplica room = getOrCreate(name, owner, epoch);
        if (!keepOwner) {
            int c = Ballot.compare(epoch, owner, room.epoch, room.owner);
            if (room.own != null || c < 0) {
                drainEarly(room);
                return false;
            }
            JsonArray tail = snap.getJsonArray(Wire.TAIL, new JsonArray());
            long end = tail.isEmpty() ? ver : tail.getJsonObject(tail.size() - 1).getLong(VER);
            if (c == 0 && ver <= room.committed && end <= room.matched) {
                drainEarly(room);
                return false; // nothing this node does not have
            }
            room.owner = owner;
            room.epoch = epoch;
            room.restored = false;
        }
        if (ver > room.committed) {
            installCommitted(room, snap);
            if (durable != null) {
                durable.changed(room);
            }
        }
        truncate(room, room.committed + 1);
        for (Object o : snap.getJsonArray(Wire.TAIL, new JsonArray())) {
            JsonObject ev = (JsonObject) o;
            if (ev.getLong(VER) > room.committed && !place(room, ev)) {
                break;
            }
        }
        drainEarly(room);
        return true;
    }

    private void installCommitted(RoomReplica room, JsonObject snap) {
        String name = room.name;
        room.restored = false;
        long delivered = room.lastSeq;
        room.held = null;
        room.committed = snap.getLong(VER);
        room.committedEpoch = snap.getLong(Wire.CE, 0L);
        room.version = room.committed;
        room.lastEpoch = room.committedEpoch;
        room.matched = room.committed;
        room.lastSeq = snap.getLong(SEQ);
        List<RoomMember> members = new ArrayList<>();
        for (Object o : snap.getJsonArray(MEMBERS)) {
            JsonObject m = (JsonObject) o;
            members.add(new RoomMember(m.getString(NODE), m.getLong(SESSION), m.getString(NICKNAME),
                    m.getString(Wire.ACCOUNT)));
        }
        room.committedRules = snap.getJsonObject(Wire.RULES);
        room.rules = Moderation.fromState(name, room.committedRules);
        List<Long> localBefore = new ArrayList<>();
        for (RoomMember m : room.members.values()) {
            if (m.node().equals(self)) {
                localBefore.add(m.session());
            }
        }
        room.replaceMembers(members);
        for (long session : localBefore) {
            if (!room.contains(self, session)) {
                dropped.accept(session, name);
            }
        }
        JsonObject rids = snap.getJsonObject(Wire.RIDS, new JsonObject());
        room.recent.clear();
        Map<Long, String> ridOf = durable == null ? Map.of() : new HashMap<>();
        for (String rid : rids.fieldNames()) {
            room.recent.put(rid, rids.getLong(rid));
            if (durable != null) {
                ridOf.put(rids.getLong(rid), rid);
            }
        }
        Recipient[][] to = recipients(room);
        for (Object o : snap.getJsonArray(HISTORY)) {
            ChatMessage m = Wire.message(name, (JsonObject) o);
            if (m.seq() > room.storedSeq) {
                history.append(name, m);
                room.storedSeq = m.seq();
                if (durable != null) {
                    durable.message(name, m, ridOf.get(m.seq()));
                }
            }
            if (m.seq() > delivered) {
                outbox.fanOut(m, MessageCodec.encodeFrame(m), to, null, true);
                delivered = m.seq();
            }
        }
    }
}
