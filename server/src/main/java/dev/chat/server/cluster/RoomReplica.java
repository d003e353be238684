package dev.chat.server.cluster;

import dev.chat.server.core.Recipient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * This node's copy of one room: every node keeps one of every room, changed only by the room's
 * events, which its owner numbers ({@code version}) and sends to every node in order. Touched only
 * from the cluster hub's context.
 */
final class RoomReplica {
    /** Events buffered after a gap, while a snapshot is on its way; beyond this, start over. */
    static final int MAX_EARLY = 10_000;
    /** Request ids remembered per room, to recognise a {@code say} retried after a failover. */
    static final int MAX_RECENT = 4_096;

    final String name;
    /**
     * The node that sequences the room, and its term: the <em>ballot</em> this node follows (see
     * {@link Ballot}). A takeover raises the epoch; this node refuses events of a lower ballot.
     */
    String owner;
    long epoch;
    /**
     * Number of the last event this node holds: applied ({@link #committed}) or received and held
     * ({@link #held}); on the owner, the last event it sequenced.
     */
    long version;
    /** Epoch of the event at {@link #version}: the log that ends in a later epoch is the fresher. */
    long lastEpoch;
    /**
     * Number of the last event applied: everything up to it is committed (a majority of the
     * cluster holds it) and has been shown to this node's members.
     */
    long committed;
    /** Epoch of the event at {@link #committed}. */
    long committedEpoch;
    /** The last version known to be in the current owner's log (commits apply up to it, no further). */
    long matched;
    /** Events received from the owner but not committed yet, in version order: {@link #committed}+1 .. {@link #version}. */
    java.util.ArrayDeque<JsonObject> held;
    /** {@code seq} of the last message sequenced (on the owner) or applied (elsewhere). */
    long lastSeq;
    /** {@code seq} of the last message in this node's history store. */
    long storedSeq;
    /** Cluster-wide members in join order, by {@link RoomMember#key}. */
    final LinkedHashMap<String, RoomMember> members = new LinkedHashMap<>();
    /** Request ids of the latest messages, to their {@code seq}: a retried say is not stored twice. */
    final LinkedHashMap<String, Long> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_RECENT;
        }
    };
    /** Events that arrived after a gap, by version. */
    TreeMap<Long, JsonObject> early;
    /** A snapshot has been requested to fill a gap. */
    boolean resyncing;
    /** The owner is checking the directory after seeing another owner's events. */
    boolean contested;
    /**
     * Brought back from this node's store at start and not touched since: nobody owns it until a
     * member joins (then its directory entry is created and the freshest copy taken over).
     */
    boolean restored;
    /** Non-null while this node is the owner. */
    Ownership own;
    /** When the room was last used, on {@link Replicas}' use clock: the least recently used empty room makes way. */
    long used;
    private Recipient[][] byLane; // local members per lane; null after a membership change
    /** Its topic, operators, bans and modes, as of {@link #version} (on the owner, ahead of {@link #committed}). */
    dev.chat.server.core.Moderation rules;
    /**
     * {@link #rules} as of {@link #committed} ({@link dev.chat.server.core.Moderation#state}; null:
     * a new room): what a snapshot carries and a roll-back returns to.
     */
    JsonObject committedRules;

    RoomReplica(String name, String owner, long epoch) {
        this.name = name;
        this.owner = owner;
        this.epoch = epoch;
        this.rules = dev.chat.server.core.Moderation.fresh(name);
    }

    boolean contains(String node, long session) {
        return members.containsKey(RoomMember.key(node, session));
    }

    RoomMember member(String node, long session) {
        return members.get(RoomMember.key(node, session));
    }

    void put(RoomMember m) {
        members.put(m.key(), m);
        byLane = null;
    }

    RoomMember remove(String node, long session) {
        RoomMember m = members.remove(RoomMember.key(node, session));
        byLane = null;
        return m;
    }

    void replaceMembers(List<RoomMember> all) {
        members.clear();
        for (RoomMember m : all) {
            members.put(m.key(), m);
        }
        byLane = null;
    }

    /** Nicks in join order, as {@code who} and {@code joined} report them. */
    List<String> nicks() {
        List<String> out = new ArrayList<>(members.size());
        for (RoomMember m : members.values()) {
            out.add(m.nick());
        }
        return out;
    }

    /**
     * This node's members grouped by lane. The arrays are built once per membership change
     * and never modified, so a fan-out may keep them.
     */
    Recipient[][] localRecipients(String self, int lanes, LongFunction<Recipient> locals) {
        if (byLane == null) {
            List<List<Recipient>> lists = new ArrayList<>(lanes);
            for (int i = 0; i < lanes; i++) {
                lists.add(new ArrayList<>());
            }
            for (RoomMember m : members.values()) {
                if (m.node().equals(self)) {
                    Recipient r = locals.apply(m.session());
                    if (r != null) {
                        lists.get(r.lane()).add(r);
                    }
                }
            }
            Recipient[][] out = new Recipient[lanes][];
            for (int i = 0; i < lanes; i++) {
                out[i] = lists.get(i).toArray(new Recipient[0]);
            }
            byLane = out;
        }
        return byLane;
    }
}
