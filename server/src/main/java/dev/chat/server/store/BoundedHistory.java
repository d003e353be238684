package dev.chat.server.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Room messages held in memory within a byte budget: each room's latest messages in {@code seq}
 * order, at most {@code maxPerRoom} of a room; beyond the budget the oldest messages of the least
 * recently used rooms go first (a room is used when a message is added to it or it is read).
 * The memory store keeps its history in one; the hub keeps one as its cache in front of a durable
 * store ({@code --history-memory}).
 *
 * <p>Each room has a <em>floor</em>: every message of the room with a {@code seq} above the floor
 * that was added is still here. A room is opened with a floor (the last {@code seq} stored before
 * it was cached); dropping a message raises the floor to that message's {@code seq}. So
 * {@link #coversLatest} and {@link #coversAfter} tell whether a read can be answered from here
 * alone. A room whose last message is dropped is forgotten, floor and all.
 *
 * <p>Sizes are estimates of the heap a message takes (the message object, its text and sender as
 * Java strings, its slot), erring high. Not thread-safe: one owner, or the owner's lock;
 * {@link #bytes()} may be read from any thread.
 */
public final class BoundedHistory {
    /** Bytes counted for a room besides its messages: the map entry, the room object, the name's characters. */
    static final int ROOM_BYTES = 160;
    /** Bytes counted per message besides its characters: the message object and two string headers. */
    static final int MESSAGE_BYTES = 128;
    /** Bytes counted per slot of a room's ring (one reference, uncompressed). */
    static final int SLOT_BYTES = 8;
    private static final int MIN_SLOTS = 8;

    private final int maxPerRoom;
    private long maxBytes;
    /** Access-ordered: the eldest entry is the least recently used room. */
    private final LinkedHashMap<String, Ring> rooms = new LinkedHashMap<>(64, 0.75f, true);
    private volatile long bytes;
    private long dropped;

    /**
     * @param maxPerRoom messages kept per room at most
     * @param maxBytes what all rooms together may hold, bytes
     */
    public BoundedHistory(int maxPerRoom, long maxBytes) {
        if (maxPerRoom < 1 || maxBytes < 0) {
            throw new IllegalArgumentException("maxPerRoom must be positive and maxBytes not negative");
        }
        this.maxPerRoom = maxPerRoom;
        this.maxBytes = maxBytes;
    }

    /** Roughly what a message takes here, bytes. */
    public static long weight(StoredMessage m) {
        return MESSAGE_BYTES + SLOT_BYTES + 2L * (m.text().length() + m.from().length()
                + (m.requestId() == null ? 0 : m.requestId().length()));
    }

    /** Starts caching a room whose messages up to {@code floor} are not here; nothing if it is cached already. */
    public void open(String room, long floor) {
        if (rooms.get(room) == null) {
            Ring r = new Ring(room, floor);
            rooms.put(room, r);
            bytes += r.overhead();
            trim();
        }
    }

    /**
     * Adds a room's message. One whose {@code seq} is not above the room's newest and its floor
     * is ignored (a retry of a message held or dropped already). A room not held yet is opened
     * with {@code seq - 1} as its floor.
     *
     * @return whether it was added (it may have been dropped again at once, to stay in the budget)
     */
    public boolean add(StoredMessage m) {
        Ring r = rooms.get(m.room());
        if (r == null) {
            r = new Ring(m.room(), m.seq() - 1);
            rooms.put(m.room(), r);
            bytes += r.overhead();
        }
        if (m.seq() <= r.floor || (r.size > 0 && m.seq() <= r.get(r.size - 1).seq())) {
            return false;
        }
        r.add(m);
        if (r.size > maxPerRoom) {
            dropOldest(r);
        }
        trim();
        return true;
    }

    /** Whether the latest {@code limit} messages of the room (or all it has, if fewer) are here. */
    public boolean coversLatest(String room, int limit) {
        Ring r = rooms.get(room);
        return r != null && (r.size >= limit || r.floor == 0);
    }

    /** Whether every message of the room with a {@code seq} above {@code afterSeq} is here. */
    public boolean coversAfter(String room, long afterSeq) {
        Ring r = rooms.get(room);
        return r != null && afterSeq >= r.floor;
    }

    /** The latest {@code limit} messages held of the room, oldest first (empty if none). */
    public List<StoredMessage> latest(String room, int limit) {
        Ring r = rooms.get(room);
        if (r == null) {
            return List.of();
        }
        int n = Math.min(limit, r.size);
        return r.slice(r.size - n, n);
    }

    /** The first {@code limit} held messages of the room with {@code seq > afterSeq}, oldest first. */
    public List<StoredMessage> after(String room, long afterSeq, int limit) {
        Ring r = rooms.get(room);
        if (r == null) {
            return List.of();
        }
        int from = r.firstAbove(afterSeq);
        return r.slice(from, Math.min(limit, r.size - from));
    }

    /** Drops the room's messages older than {@code cutoffMs} (retention by age). */
    public void dropOlderThan(String room, long cutoffMs) {
        Ring r = rooms.get(room);
        while (r != null && r.size > 0 && r.get(0).ts() < cutoffMs) {
            dropOldest(r);
            if (r.size == 0) {
                forget(room, r);
                return;
            }
        }
    }

    /** Whether anything of the room is held (messages, or just its floor). */
    public boolean holds(String room) {
        return rooms.containsKey(room);
    }

    /** The room's newest held {@code seq}, or its floor when it holds no message, or -1 if the room is not held. */
    public long newest(String room) {
        Ring r = rooms.get(room);
        return r == null ? -1 : r.size == 0 ? r.floor : r.get(r.size - 1).seq();
    }

    /** Forgets a room. */
    public void remove(String room) {
        Ring r = rooms.remove(room);
        if (r != null) {
            bytes -= r.overhead() + r.held;
        }
    }

    /** Changes the budget (and drops what is beyond it now). */
    public void maxBytes(long max) {
        this.maxBytes = Math.max(0, max);
        trim();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** What is held now, bytes (any thread). */
    public long bytes() {
        return bytes;
    }

    /** Messages dropped to stay within the budget or the per-room bound, since creation. */
    public long dropped() {
        return dropped;
    }

    /** Rooms held. */
    public int rooms() {
        return rooms.size();
    }

    /** Drops the oldest messages of the least recently used rooms until within the budget. */
    private void trim() {
        Iterator<Map.Entry<String, Ring>> it = rooms.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Ring r = it.next().getValue();
            while (bytes > maxBytes && r.size > 0) {
                dropOldest(r);
            }
            if (r.size == 0) {
                it.remove();
                bytes -= r.overhead();
            }
        }
    }

    private void dropOldest(Ring r) {
        StoredMessage m = r.pollFirst();
        r.floor = Math.max(r.floor, m.seq());
        dropped++;
    }

    private void forget(String room, Ring r) {
        rooms.remove(room);
        bytes -= r.overhead() + r.held;
    }

    /**
     * A room's messages in a ring that grows by doubling and shrinks when three quarters are
     * empty, so a room whose messages were dropped gives its slots back. Keeps {@link #bytes} up
     * to date as it changes.
     */
    private final class Ring {
        final String name;
        long floor;
        StoredMessage[] items = new StoredMessage[MIN_SLOTS];
        int head; // index of the oldest
        int size;
        /** Bytes of the messages held (not the slots). */
        long held;

        Ring(String name, long floor) {
            this.name = name;
            this.floor = floor;
        }

        long overhead() {
            return ROOM_BYTES + 2L * name.length() + (long) SLOT_BYTES * items.length;
        }

        void add(StoredMessage m) {
            if (size == items.length) {
                resize(items.length * 2);
            }
            items[(head + size) % items.length] = m;
            size++;
            long w = weight(m) - SLOT_BYTES;
            held += w;
            bytes += w;
        }

        StoredMessage pollFirst() {
            StoredMessage m = items[head];
            items[head] = null;
            head = (head + 1) % items.length;
            size--;
            long w = weight(m) - SLOT_BYTES;
            held -= w;
            bytes -= w;
            if (items.length > MIN_SLOTS && size < items.length / 4) {
                resize(items.length / 2);
            }
            return m;
        }

        private void resize(int slots) {
            StoredMessage[] next = new StoredMessage[slots];
            for (int i = 0; i < size; i++) {
                next[i] = get(i);
            }
            bytes += (long) SLOT_BYTES * (slots - items.length);
            items = next;
            head = 0;
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
