package dev.chat.server.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rooms and history in memory only, as before the durable stores: the last
 * {@code historyMaxPerRoom} messages of each room in a ring, gone when the process ends. For
 * tests and demos. Futures complete at once, on the caller's thread. Thread-safe (one lock).
 */
final class MemoryStore implements MessageStore {
    private final StoreConfig config;
    private final HealthTracker health;
    private final Map<String, RoomData> rooms = new HashMap<>();

    MemoryStore(StoreConfig config) {
        this.config = config;
        this.health = new HealthTracker(config.describe());
    }

    @Override
    public synchronized Future<Void> append(StoredMessage m) {
        RoomData r = rooms.computeIfAbsent(m.room(), n -> new RoomData(config.historyMaxPerRoom()));
        if (r.ring.size == 0 || m.seq() > r.ring.get(r.ring.size - 1).seq()) {
            r.ring.add(m); // an older seq is a retried append of a message kept already, or pruned
        }
        r.lastSeq = Math.max(r.lastSeq, m.seq());
        pruneByAge(r);
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<List<StoredMessage>> latest(String room, int limit) {
        int n = SqliteStore.cap(limit);
        RoomData r = rooms.get(room);
        if (r == null) {
            return Future.succeededFuture(List.of());
        }
        pruneByAge(r);
        int k = Math.min(n, r.ring.size);
        return Future.succeededFuture(r.ring.slice(r.ring.size - k, k));
    }

    @Override
    public synchronized Future<List<StoredMessage>> after(String room, long afterSeq, int limit) {
        int n = SqliteStore.cap(limit);
        RoomData r = rooms.get(room);
        if (r == null) {
            return Future.succeededFuture(List.of());
        }
        pruneByAge(r);
        int from = r.ring.firstAbove(afterSeq);
        return Future.succeededFuture(r.ring.slice(from, Math.min(n, r.ring.size - from)));
    }

    @Override
    public synchronized Future<Map<String, Long>> lastSeqs() {
        Map<String, Long> out = new HashMap<>();
        rooms.forEach((name, r) -> out.put(name, r.lastSeq));
        return Future.succeededFuture(out);
    }

    @Override
    public synchronized Future<Long> lastSeq(String room) {
        RoomData r = rooms.get(room);
        return Future.succeededFuture(r == null ? 0L : r.lastSeq);
    }

    @Override
    public synchronized Future<Optional<StoredMessage>> byRequestId(String room, String requestId) {
        RoomData r = rooms.get(room);
        if (r != null) {
            for (int i = r.ring.size - 1; i >= 0; i--) {
                if (requestId.equals(r.ring.get(i).requestId())) {
                    return Future.succeededFuture(Optional.of(r.ring.get(i)));
                }
            }
        }
        return Future.succeededFuture(Optional.empty());
    }

    @Override
    public synchronized Future<Optional<RoomInfo>> room(String room) {
        RoomData r = rooms.get(room);
        return Future.succeededFuture(r == null ? Optional.empty()
                : Optional.of(new RoomInfo(room, r.lastSeq, r.created, r.topic, r.attrs)));
    }

    @Override
    public synchronized Future<Void> saveRoom(String room, String topic, JsonObject attrs) {
        RoomData r = rooms.computeIfAbsent(room, n -> new RoomData(config.historyMaxPerRoom()));
        r.topic = topic;
        r.attrs = attrs == null ? new JsonObject() : attrs.copy();
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> deleteRoom(String room) {
        rooms.remove(room);
        return Future.succeededFuture();
    }

    @Override
    public StoreHealth health() {
        return health.get();
    }

    @Override
    public int queueDepth() {
        return 0;
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public synchronized Future<Void> close() {
        rooms.clear();
        return Future.succeededFuture();
    }

    private void pruneByAge(RoomData r) {
        if (config.pruneByAge()) {
            long cutoff = System.currentTimeMillis() - config.historyMaxAge().toMillis();
            while (r.ring.size > 0 && r.ring.get(0).ts() < cutoff) {
                r.ring.dropOldest();
            }
        }
    }

    private static final class RoomData {
        final Ring ring;
        final long created = System.currentTimeMillis();
        long lastSeq;
        String topic;
        JsonObject attrs = new JsonObject();

        RoomData(int max) {
            ring = new Ring(Math.min(max, 64), max);
        }
    }

    /** A growable ring: starts small so that quiet rooms cost little, never exceeds {@code max}. */
    private static final class Ring {
        private StoredMessage[] items;
        private final int max;
        private int head; // index of the oldest
        int size;

        Ring(int initial, int max) {
            this.items = new StoredMessage[initial];
            this.max = max;
        }

        void add(StoredMessage m) {
            if (size == items.length && items.length < max) {
                StoredMessage[] bigger = new StoredMessage[Math.min(max, items.length * 2)];
                for (int i = 0; i < size; i++) {
                    bigger[i] = get(i);
                }
                items = bigger;
                head = 0;
            }
            if (size == items.length) {
                items[head] = m; // full at max: overwrite the oldest
                head = (head + 1) % items.length;
            } else {
                items[(head + size) % items.length] = m;
                size++;
            }
        }

        void dropOldest() {
            items[head] = null;
            head = (head + 1) % items.length;
            size--;
        }

        StoredMessage get(int i) {
            return items[(head + i) % items.length];
        }

        /** Index of the first message with a seq above {@code seq} (seqs increase along the ring). */
        int firstAbove(long seq) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (get(mid).seq() <= seq) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        List<StoredMessage> slice(int from, int n) {
            List<StoredMessage> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(get(from + i));
            }
            return out;
        }
    }
}
