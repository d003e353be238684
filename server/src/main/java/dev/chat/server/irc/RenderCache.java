package dev.chat.server.irc;

import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import java.util.Arrays;

/**
 * One fanned-out event rendered once per distinct way of rendering it, not once per recipient.
 * The adapter makes one cache per delivery (per event loop) and hands it to every IRC session
 * it delivers to. A session's render key is its capability bits masked by the ones that change
 * how this kind of event looks ({@link EventRenderer#keyMask}): a room message depends on
 * {@code server-time}, {@code message-tags}, {@code account-tag} and {@code draft/multiline}
 * with {@code batch}, so a 1,000-member room costs at most a handful of renders, usually one or
 * two. The bytes are shared: the array is never modified after it is made.
 *
 * <p>Not thread-safe: one event loop.
 */
public final class RenderCache {
    private final ServerMessage event;
    private final long nowMillis;
    /** {@link EventRenderer#keyMask} of the event: the same for every recipient. */
    private final int keyMask;
    /** The sender's {@link Names#nickKey} for a room message (its echo is rendered apart), else null. */
    private final String senderKey;
    private int[] keys = new int[2];
    private byte[][] values = new byte[2][];
    private int size;

    /**
     * @param nowMillis the time shown ({@code server-time}) on events that carry none of their
     *        own (member events): the same for every recipient
     */
    public RenderCache(ServerMessage event, long nowMillis) {
        this.event = event;
        this.nowMillis = nowMillis;
        this.keyMask = EventRenderer.keyMask(event);
        this.senderKey = event instanceof ServerMessage.ChatMessage m && !m.isDirect() ? Names.nickKey(m.from()) : null;
    }

    public ServerMessage event() {
        return event;
    }

    public long nowMillis() {
        return nowMillis;
    }

    int keyMask() {
        return keyMask;
    }

    /** For a room message: the sender's nick key, to tell the one member who gets its echo instead; else null. */
    String senderKey() {
        return senderKey;
    }

    /** The bytes for {@code key}, rendered by {@code renderer} the first time this key is asked for. */
    byte[] bytes(int key, EventRenderer renderer) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        byte[] b = renderer.encode(event, key, nowMillis);
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size++] = b;
        return b;
    }

    /** How many distinct renders were made (tests, metrics). */
    public int renders() {
        return size;
    }
}
