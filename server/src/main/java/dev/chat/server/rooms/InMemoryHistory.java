package dev.chat.server.rooms;

import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Keeps the last {@code perRoom} messages of each room in a ring buffer. */
public final class InMemoryHistory implements HistoryStore {
    private final int perRoom;
    private final Map<String, Ring> rooms = new HashMap<>();

    public InMemoryHistory(int perRoom) {
        if (perRoom < 1) {
            throw new IllegalArgumentException("perRoom must be positive");
        }
        this.perRoom = perRoom;
    }

    @Override
    public void append(String room, ChatMessage message) {
        rooms.computeIfAbsent(room, r -> new Ring(Math.min(perRoom, 64), perRoom)).add(message);
    }

    @Override
    public List<ChatMessage> latest(String room, int limit) {
        Ring ring = rooms.get(room);
        if (ring == null) {
            return List.of();
        }
        int n = Math.min(limit, ring.size);
        return ring.slice(ring.size - n, n);
    }

    @Override
    public List<ChatMessage> after(String room, long afterSeq, int limit) {
        Ring ring = rooms.get(room);
        if (ring == null) {
            return List.of();
        }
        // seqs are increasing along the ring: binary search the first one above afterSeq
        int lo = 0;
        int hi = ring.size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ring.get(mid).seq() <= afterSeq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return ring.slice(lo, Math.min(limit, ring.size - lo));
    }

    @Override
    public void drop(String room) {
        rooms.remove(room);
    }

    /** A growable ring: starts small so that quiet rooms cost little, never exceeds {@code max}. */
    private static final class Ring {
        private ChatMessage[] items;
        private final int max;
        private int head; // index of the oldest
        private int size;

        Ring(int initial, int max) {
            this.items = new ChatMessage[initial];
            this.max = max;
        }

        void add(ChatMessage m) {
            if (size == items.length && items.length < max) {
                ChatMessage[] bigger = new ChatMessage[Math.min(max, items.length * 2)];
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

        ChatMessage get(int i) {
            return items[(head + i) % items.length];
        }

        List<ChatMessage> slice(int from, int n) {
            List<ChatMessage> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(get(from + i));
            }
            return out;
        }
    }
}
