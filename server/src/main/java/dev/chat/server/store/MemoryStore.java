package dev.chat.server.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rooms and history in memory only, as before the durable stores, gone when the process ends:
 * the last {@code historyMaxPerRoom} messages of each room, and no more than
 * {@link StoreConfig#memoryBound()} bytes in all (a {@link BoundedHistory}: beyond it the oldest
 * messages of the least recently used rooms are dropped for good). What it keeps about a room
 * besides its messages (numbering, topic) counts too; when that alone outgrows the budget, the
 * least recently used rooms without messages are forgotten, numbering and all. For tests and
 * demos. Futures complete at once, on the caller's thread. Thread-safe (one lock).
 */
final class MemoryStore implements MessageStore {
    /** Bytes counted for what is kept about a room besides its messages, plus its name's characters. */
    static final int ROOM_BYTES = 160;

    private final StoreConfig config;
    private final HealthTracker health;
    private final long bound;
    private final BoundedHistory history;
    /** Access-ordered: the eldest is the least recently used room. */
    private final AccountStore accounts = AccountStore.inMemory();
    private final LinkedHashMap<String, RoomData> rooms = new LinkedHashMap<>(64, 0.75f, true);
    private long roomBytes;

    MemoryStore(StoreConfig config) {
        this.config = config;
        this.health = new HealthTracker(config.describe());
        this.bound = config.memoryBound();
        this.history = new BoundedHistory(config.historyMaxPerRoom(), bound);
    }

    @Override
    public synchronized Future<Void> append(StoredMessage m) {
        RoomData r = roomData(m.room());
        r.lastSeq = Math.max(r.lastSeq, m.seq());
        history.add(m); // an older seq is a retried append of a message kept already, or dropped
        pruneByAge(m.room());
        bound();
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<List<StoredMessage>> latest(String room, int limit) {
        int n = SqliteStore.cap(limit);
        pruneByAge(room);
        touch(room);
        return Future.succeededFuture(history.latest(room, n));
    }

    @Override
    public synchronized Future<List<StoredMessage>> after(String room, long afterSeq, int limit) {
        int n = SqliteStore.cap(limit);
        pruneByAge(room);
        touch(room);
        return Future.succeededFuture(history.after(room, afterSeq, n));
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
        List<StoredMessage> all = history.latest(room, Integer.MAX_VALUE);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (requestId.equals(all.get(i).requestId())) {
                return Future.succeededFuture(Optional.of(all.get(i)));
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
        RoomData r = roomData(room);
        roomBytes -= r.bytes();
        r.topic = topic;
        r.attrs = attrs == null ? new JsonObject() : attrs.copy();
        r.attrsChars = r.attrs.encode().length();
        roomBytes += r.bytes();
        bound();
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> deleteRoom(String room) {
        RoomData r = rooms.remove(room);
        if (r != null) {
            roomBytes -= r.bytes();
        }
        history.remove(room);
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
    public long heldBytes() {
        return history.bytes() + roomBytes;
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public synchronized Future<Void> close() {
        for (String name : List.copyOf(rooms.keySet())) {
            history.remove(name);
        }
        rooms.clear();
        roomBytes = 0;
        return Future.succeededFuture();
    }

    private RoomData roomData(String name) {
        RoomData r = rooms.get(name);
        if (r == null) {
            r = new RoomData(name);
            rooms.put(name, r);
            roomBytes += r.bytes();
        }
        return r;
    }

    private void touch(String name) {
        rooms.get(name);
    }

    /** Messages first, then, if what is kept about rooms alone is too much, rooms without messages. */
    private void bound() {
        history.maxBytes(Math.max(0, bound - roomBytes));
        Iterator<RoomData> it = rooms.values().iterator();
        while (roomBytes + history.bytes() > bound && it.hasNext()) {
            RoomData r = it.next();
            if (!history.holds(r.name) && rooms.size() > 1) {
                it.remove();
                roomBytes -= r.bytes();
            }
        }
    }

    private void pruneByAge(String room) {
        if (config.pruneByAge()) {
            history.dropOlderThan(room, System.currentTimeMillis() - config.historyMaxAge().toMillis());
        }
    }

    private static final class RoomData {
        final String name;
        final long created = System.currentTimeMillis();
        long lastSeq;
        String topic;
        JsonObject attrs = new JsonObject();
        int attrsChars;

        RoomData(String name) {
            this.name = name;
        }

        long bytes() {
            return ROOM_BYTES + 2L * (name.length() + (topic == null ? 0 : topic.length()) + attrsChars);
        }
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }
}
