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
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.rooms.HistoryStore;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Recipient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of every room, and the one place where room events change it: applied in the
 * owner's order, buffered after a gap until a snapshot fills it, fanned out to this node's members
 * as one encoded frame per event loop. Touched only from the cluster hub's context.
 */
final class Replicas {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);

    private final String self;
    private final int lanes;
    private final int historyLimit;
    private final HistoryStore history;
    private final Outbox outbox;
    private final LongFunction<Recipient> locals;
    private final Map<String, RoomReplica> rooms = new HashMap<>();
    private Consumer<RoomReplica> resync = r -> { };
    private BiConsumer<Long, String> dropped = (session, room) -> { };
    /** Counts uses of rooms (see {@link RoomReplica#used}). */
    private long useClock;

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
     * An event from a room's owner: applied if it is the next one, dropped if a duplicate, else
     * buffered until a snapshot fills the gap.
     *
     * @return false if it comes from an owner this node knows was replaced (an older epoch)
     */
    boolean onEvent(JsonObject ev) {
        String name = ev.getString(ROOM);
        long epoch = ev.getLong(EPOCH);
        long ver = ev.getLong(VER);
        RoomReplica room = rooms.get(name);
        if (room == null) {
            room = new RoomReplica(name, ev.getString(OWNER), epoch);
            rooms.put(name, room);
        }
        if (epoch < room.epoch || (room.own != null && epoch == room.epoch)) {
            return false; // from a replaced owner, or one that thinks it owns this node's room
        }
        if (epoch == room.epoch && ver <= room.version) {
            return true; // a duplicate
        }
        if (epoch == room.epoch && ver == room.version + 1) {
            perform(room, mutate(room, ev));
            drainEarly(room);
        } else if (room.version == 0 && ver == 1) {
            room.owner = ev.getString(OWNER); // a new room, first heard of now
            room.epoch = epoch;
            perform(room, mutate(room, ev));
            drainEarly(room);
        } else {
            buffer(room, ev);
        }
        return true;
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

    /** Applies buffered events that now follow; asks for a snapshot again if a gap remains. */
    void drainEarly(RoomReplica room) {
        if (room.early == null) {
            return;
        }
        while (!room.early.isEmpty()) {
            Map.Entry<Long, JsonObject> first = room.early.firstEntry();
            JsonObject ev = first.getValue();
            long epoch = ev.getLong(EPOCH);
            if (epoch < room.epoch || (epoch == room.epoch && first.getKey() <= room.version)) {
                room.early.pollFirstEntry();
            } else if (epoch == room.epoch && first.getKey() == room.version + 1) {
                room.early.pollFirstEntry();
                perform(room, mutate(room, ev));
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
     * caller performs it now (a replica) or once every node has the event (the owner).
     */
    Fanout mutate(RoomReplica room, JsonObject ev) {
        room.version = ev.getLong(VER);
        used(room);
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
                ChatMessage m = ChatMessage.inRoom(room.name, nick, ev.getString(TEXT), ev.getLong(TS), seq);
                return new Fanout(m, MessageCodec.encodeFrame(m), recipients(room), null, m);
            }
            case Wire.JOIN -> {
                Recipient[][] before = recipients(room); // the joiner does not get its own join
                room.put(new RoomMember(node, session, nick));
                return memberEvent(room, before, null, new Member(room.name, nick, Member.JOIN, null));
            }
            case Wire.PART, Wire.QUIT -> {
                room.remove(node, session);
                if (kind.equals(Wire.QUIT) && node.equals(self)) {
                    dropped.accept(session, room.name);
                }
                String event = kind.equals(Wire.PART) ? Member.PART : Member.QUIT;
                return memberEvent(room, recipients(room), null, new Member(room.name, nick, event, null));
            }
            case Wire.NICK -> {
                if (room.contains(node, session)) {
                    room.put(new RoomMember(node, session, nick));
                }
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
            default -> throw new IllegalArgumentException("unknown room event kind " + kind);
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
     * The room's state as of its last applied event: members, numbers and history (on the owner,
     * with the messages not yet acknowledged by every node).
     */
    JsonObject snapshot(RoomReplica room) {
        JsonArray members = new JsonArray();
        for (RoomMember m : room.members.values()) {
            members.add(new JsonObject().put(NODE, m.node()).put(SESSION, m.session()).put(NICKNAME, m.nick()));
        }
        JsonArray messages = new JsonArray();
        for (ChatMessage m : history.latest(room.name, historyLimit)) {
            messages.add(Wire.message(m));
        }
        if (room.own != null) {
            for (Ownership.Pending p : room.own.unreleased) {
                if (p.fanout.stored() != null) {
                    messages.add(Wire.message(p.fanout.stored()));
                }
            }
        }
        JsonObject rids = new JsonObject();
        for (Map.Entry<String, Long> e : room.recent.entrySet()) {
            rids.put(e.getKey(), e.getValue());
        }
        return new JsonObject().put(ROOM, room.name).put(OWNER, room.owner).put(EPOCH, room.epoch)
                .put(VER, room.version).put(SEQ, room.lastSeq).put(MEMBERS, members).put(HISTORY, messages)
                .put(Wire.RIDS, rids);
    }

    /**
     * Replaces a room's state with a newer snapshot and sends this node's members the messages
     * they missed. With {@code keepOwner} (a takeover fetching the freshest copy) the owner and
     * epoch stay this node's; otherwise a snapshot that is not newer is ignored.
     *
     * @return whether the snapshot was installed
     */
    boolean install(JsonObject snap, boolean keepOwner) {
        String name = snap.getString(ROOM);
        long epoch = snap.getLong(EPOCH);
        long ver = snap.getLong(VER);
        RoomReplica room = getOrCreate(name, snap.getString(OWNER), epoch);
        boolean replace = false;
        if (!keepOwner) {
            if (room.own != null || epoch < room.epoch || (epoch == room.epoch && ver <= room.version)) {
                drainEarly(room);
                return false;
            }
            // a later owner's state that this copy did not follow event by event: it may have
            // kept messages the owner never had (a partition, a missed takeover), so start over
            replace = epoch > room.epoch && room.version > 0;
            room.owner = snap.getString(OWNER);
            room.epoch = epoch;
        }
        long delivered = room.lastSeq;
        room.version = ver;
        room.lastSeq = snap.getLong(SEQ);
        if (replace) {
            LOG.info("room {}: replacing this node's copy with the state of {} (epoch {})", name, room.owner, epoch);
            history.drop(name);
            room.storedSeq = 0;
        }
        List<RoomMember> members = new ArrayList<>();
        for (Object o : snap.getJsonArray(MEMBERS)) {
            JsonObject m = (JsonObject) o;
            members.add(new RoomMember(m.getString(NODE), m.getLong(SESSION), m.getString(NICKNAME)));
        }
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
        for (String rid : rids.fieldNames()) {
            room.recent.put(rid, rids.getLong(rid));
        }
        Recipient[][] to = recipients(room);
        for (Object o : snap.getJsonArray(HISTORY)) {
            ChatMessage m = Wire.message(name, (JsonObject) o);
            if (m.seq() > room.storedSeq) {
                history.append(name, m);
                room.storedSeq = m.seq();
            }
            if (m.seq() > delivered) {
                outbox.fanOut(m, MessageCodec.encodeFrame(m), to, null, true);
                delivered = m.seq();
            }
        }
        drainEarly(room);
        return true;
    }
}
