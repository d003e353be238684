package dev.chat.server.cluster;

import static dev.chat.server.cluster.Wire.NICKNAME;
import static dev.chat.server.cluster.Wire.SEQ;
import static dev.chat.server.cluster.Wire.TEXT;
import static dev.chat.server.cluster.Wire.TS;

import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.core.Moderation;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.RoomInfo;
import dev.chat.server.store.StoreConfig;
import dev.chat.server.store.StoredMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node's copy of the rooms, on its disk: every committed room event goes to the node's
 * store ({@code --store}) through the store's own writer (grouped, off the event loops), and at
 * start the node brings its rooms back from it (history, numbering, moderation state, and the
 * committed version and epoch the takeover compares), without members. See docs/CLUSTER.md
 * ("Stopping the whole cluster").
 *
 * <p>Messages are appended when committed (insert-if-absent: the same committed message written
 * twice, or by several nodes sharing one PostgreSQL, is one row). A room's row ({@code topic},
 * {@code attrs}: what a single node stores, plus {@value #KEY} for the cluster) is written at most
 * {@link #ROW_EVERY_MS} after its committed state changed (a busy room writes its row a few
 * times a second, not once per message), after the messages committed before it, so that the row
 * never claims more than the messages before it in the writer's order. With a PostgreSQL shared by
 * every node only the room's owner writes its row.
 *
 * <p>Hub context only.
 */
final class RoomStore {
    private static final Logger LOG = LoggerFactory.getLogger(RoomStore.class);
    /** The key of the cluster's part of a room's {@code attrs}. */
    static final String KEY = "cluster";
    private static final long WARN_EVERY_MS = 10_000;
    /** How long a room's changed row waits, at most, to be written with the next changes. */
    static final long ROW_EVERY_MS = 100;

    private final MessageStore store;
    private final Context context;
    private final boolean shared;
    private final Map<String, RoomReplica> dirty = new LinkedHashMap<>();
    private Replicas replicas;
    private boolean scheduled;
    private boolean stopping;
    private long lastWarning;
    private long failures;

    private RoomStore(MessageStore store, Context context, boolean shared) {
        this.store = store;
        this.context = context;
        this.shared = shared;
    }

    /** The node's rooms on its store, or null when there is nothing to keep them on (no store, or {@code memory}). */
    static RoomStore of(MessageStore store, StoreConfig config, Context context) {
        if (store == null || config == null || config.kind() == StoreConfig.Kind.MEMORY) {
            return null;
        }
        return new RoomStore(store, context, config.kind() == StoreConfig.Kind.POSTGRESQL);
    }

    /** An event of the room was committed here (the owner released it, or a replica applied it). */
    void committed(RoomReplica room, JsonObject ev) {
        switch (ev.getString(Wire.K)) {
            case Wire.MSG -> append(new StoredMessage(room.name, ev.getLong(SEQ), ev.getString(NICKNAME),
                    ev.getString(TEXT), ev.getLong(TS), ev.getBoolean(Wire.ACTION, false), ev.getString(Wire.RID)));
            case Wire.DROP -> {
                dirty.remove(room.name);
                store.deleteRoom(room.name).onFailure(e -> failed("forgetting room " + room.name, e));
                return;
            }
            default -> {
            }
        }
        changed(room);
    }

    /** A committed message the node got from a snapshot. */
    void message(String room, ChatMessage m, String rid) {
        append(new StoredMessage(room, m.seq(), m.from(), m.text(), m.ts(), m.action(), rid));
    }

    /** The room's committed state changed: its row is written within {@link #ROW_EVERY_MS}. */
    void changed(RoomReplica room) {
        if (shared && room.own == null) {
            return; // one database for every node: the owner writes the row
        }
        dirty.put(room.name, room);
        if (!scheduled) {
            scheduled = true;
            context.owner().setTimer(ROW_EVERY_MS, t -> flush());
        }
    }

    /** Writes the rows of the rooms that changed (also when the node stops, before the store closes). */
    void flush() {
        scheduled = false;
        if (dirty.isEmpty()) {
            return;
        }
        List<RoomReplica> rooms = new ArrayList<>(dirty.values());
        dirty.clear();
        for (RoomReplica r : rooms) {
            if (replicas != null && replicas.get(r.name) != r) {
                continue; // dropped meanwhile
            }
            Moderation rules = Moderation.fromState(r.name, r.committedRules);
            JsonObject cluster = new JsonObject().put("version", r.committed).put("version_epoch", r.committedEpoch)
                    .put("epoch", r.epoch).put("owner", r.owner);
            if (r.committedRules != null) {
                cluster.put("rules", r.committedRules);
            }
            store.saveRoom(r.name, rules.storedTopic(), rules.attrs().put(KEY, cluster))
                    .onFailure(e -> {
                        failed("saving room " + r.name, e);
                        // written again (with the state of then) until it goes through: the store
                        // does not retry a failed write, and with a PostgreSQL shared by every node
                        // no other node writes this row, so a whole-cluster restart would bring the
                        // room back with its older topic and bans
                        context.runOnContext(v -> {
                            if (!stopping) {
                                changed(r);
                            }
                        });
                    });
        }
    }

    /** The node stops: writes the rooms that changed one last time (the store closes after this). */
    void stop() {
        stopping = true;
        flush();
    }

    private void append(StoredMessage m) {
        store.append(m).onFailure(e -> failed("storing message " + m.seq() + " of " + m.room(), e));
    }

    private void failed(String what, Throwable e) {
        failures++;
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARN_EVERY_MS) {
            lastWarning = now;
            LOG.warn("store {}: {} failed ({} failure(s) so far); the cluster holds it in memory: {}",
                    store.describe(), what, failures, e.getMessage());
        }
    }

    /**
     * Brings the rooms back from the store (up to {@code maxRooms}, with their latest
     * {@code historyLimit} messages): committed state, no members, owned by nobody alive. Rooms
     * this node already knows are left as they are.
     */
    Future<Integer> restore(Replicas replicas, int maxRooms, int historyLimit) {
        this.replicas = replicas;
        return store.lastSeqs().compose(seqs -> {
            List<Future<Boolean>> loads = new ArrayList<>();
            for (String name : seqs.keySet()) {
                if (loads.size() >= maxRooms) {
                    LOG.warn("store {}: more than --max-rooms {} rooms stored; the others are not loaded",
                            store.describe(), maxRooms);
                    break;
                }
                loads.add(store.room(name).compose(info -> store.latest(name, historyLimit)
                        .map(history -> load(replicas, name, info, history))));
            }
            return Future.all(loads).map(all -> {
                int n = 0;
                for (int i = 0; i < all.size(); i++) {
                    if (Boolean.TRUE.equals(all.resultAt(i))) {
                        n++;
                    }
                }
                return n;
            });
        });
    }

    private static boolean load(Replicas replicas, String name, Optional<RoomInfo> found, List<StoredMessage> history) {
        if (found.isEmpty() || replicas.get(name) != null) {
            return false;
        }
        RoomInfo info = found.get();
        JsonObject c = info.attrs().getJsonObject(KEY);
        RoomReplica r = replicas.getOrCreate(name, c == null ? "" : c.getString("owner", ""),
                c == null ? 0 : c.getLong("epoch", 0L));
        if (c != null) {
            r.committed = c.getLong("version", 0L);
            r.committedEpoch = c.getLong("version_epoch", 0L);
            r.committedRules = c.getJsonObject("rules");
        } else {
            // a room a single node stored: its moderation state, and a cluster history starting now
            r.committedRules = Moderation.load(name, info.topic(), info.attrs()).state();
        }
        r.restored = true;
        r.version = r.committed;
        r.matched = r.committed;
        r.lastEpoch = r.committedEpoch;
        r.rules = Moderation.fromState(name, r.committedRules);
        // the numbering is the store's own (the highest seq appended: committed messages only; an
        // owner's lastSeq may be ahead of what is committed, so it is not what the row keeps)
        long seq = info.lastSeq();
        for (StoredMessage m : history) {
            replicas.history().append(name, m.toChatMessage());
            if (m.requestId() != null) {
                r.recent.put(m.requestId(), m.seq());
            }
        }
        r.lastSeq = seq;
        r.storedSeq = seq;
        return true;
    }
}
