package dev.chat.server.net;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last frames of each room as they were on the wire, for the network page's "On the wire"
 * ({@code GET /api/rooms/{room}/frames}, docs/WEB.md): {@code in} = a client's {@code say},
 * {@code join} or {@code part} naming the room, its payload exactly as received; {@code out} = a
 * {@code message} or {@code member} event of the room as the hub fanned it out (once per event,
 * not per member). Direct messages are never recorded.
 *
 * <p>One per node (per Vert.x instance, {@link #of}): written by every chat loop and by the hub,
 * read by the HTTP routes, so it is a small monitor (each call holds the lock for a copy of one
 * payload at most). Bounded three ways: {@link #FRAMES_PER_ROOM} frames and
 * {@link #BYTES_PER_ROOM} bytes per room (oldest dropped first), and {@link #MAX_ROOMS} rooms and
 * {@link #MAX_BYTES} bytes in all (the room written least recently dropped first).
 */
public final class RoomWire implements Shareable {
    public static final int FRAMES_PER_ROOM = 100;
    static final int BYTES_PER_ROOM = 256 * 1024;
    static final int MAX_ROOMS = 1_000;
    static final long MAX_BYTES = 32L * 1024 * 1024;
    private static final String MAP = "chat.web";
    private static final String KEY = "room-wire";

    /** One recorded frame; {@code n} numbers the room's frames on this node from 1. */
    public record Frame(long n, long ts, boolean in, String transport, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** What {@link #after} returns: the frames and the {@code next} to poll with. */
    public record Page(long next, List<Frame> frames) {
    }

    private static final class Ring {
        final ArrayDeque<Frame> frames = new ArrayDeque<>();
        long next = 1;
        long bytes;
    }

    // access order: the least recently written room first
    private final LinkedHashMap<String, Ring> rooms = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /** This node's recorder (one per Vert.x instance). */
    public static RoomWire of(Vertx vertx) {
        return vertx.sharedData().<String, RoomWire>getLocalMap(MAP).computeIfAbsent(KEY, k -> new RoomWire());
    }

    /** A client's request, as received over {@code transport}: kept if it is a say, join or part. */
    public void received(ClientMessage m, byte[] payload, String transport) {
        String room;
        if (m instanceof ClientMessage.Say s) {
            room = s.room();
        } else if (m instanceof ClientMessage.Join j) {
            room = j.room();
        } else if (m instanceof ClientMessage.Part p) {
            room = p.room();
        } else {
            return;
        }
        record(room, true, transport, payload);
    }

    /**
     * An event the hub fans out: kept if it is a room {@code message} or a {@code member} event.
     * {@code frame} is its framed-JSON encoding (the 4-byte header is left out).
     */
    public void fannedOut(ServerMessage event, byte[] frame) {
        String room;
        if (event instanceof ServerMessage.ChatMessage c && c.room() != null) {
            room = c.room();
        } else if (event instanceof ServerMessage.Member mm) {
            room = mm.room();
        } else {
            return;
        }
        record(room, false, "tcp", Arrays.copyOfRange(frame, 4, frame.length));
    }

    private void record(String room, boolean in, String transport, byte[] payload) {
        String key = Names.normalizeRoom(room);
        if (key == null || payload.length > BYTES_PER_ROOM) {
            return;
        }
        synchronized (this) {
            Ring ring = rooms.get(key);
            if (ring == null) {
                if (rooms.size() >= MAX_ROOMS) {
                    dropOldestRoom();
                }
                ring = new Ring();
                rooms.put(key, ring);
            }
            ring.frames.addLast(new Frame(ring.next++, System.currentTimeMillis(), in, transport,
                    in ? payload.clone() : payload));
            ring.bytes += payload.length;
            bytes += payload.length;
            while (ring.frames.size() > FRAMES_PER_ROOM || ring.bytes > BYTES_PER_ROOM) {
                Frame f = ring.frames.removeFirst();
                ring.bytes -= f.payload().length;
                bytes -= f.payload().length;
            }
            while (bytes > MAX_BYTES && rooms.size() > 1) {
                dropOldestRoom();
            }
        }
    }

    private void dropOldestRoom() {
        Iterator<Map.Entry<String, Ring>> it = rooms.entrySet().iterator();
        bytes -= it.next().getValue().bytes;
        it.remove();
    }

    /** The room's frames numbered above {@code after}, oldest first; {@code room} is canonical. */
    public synchronized Page after(String room, long after) {
        Ring ring = rooms.get(room);
        if (ring == null) {
            return new Page(after, List.of());
        }
        List<Frame> out = new ArrayList<>();
        for (Frame f : ring.frames) {
            if (f.n() > after) {
                out.add(f);
            }
        }
        return new Page(out.isEmpty() ? after : out.get(out.size() - 1).n(), out);
    }
}
