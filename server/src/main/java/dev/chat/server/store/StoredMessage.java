package dev.chat.server.store;

import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.Objects;

/**
 * One room message as the store keeps it.
 *
 * @param room the room's name
 * @param seq its number in the room, from 1, increasing (gaps are possible: a message whose
 *     append failed keeps its number unused)
 * @param from the sender's nick
 * @param text the text
 * @param ts when the hub sequenced it, milliseconds since the epoch
 * @param action an action ({@code /me waves}) rather than plain speech
 * @param requestId the id of the request that produced it, or null: lets a cluster recognise a
 *     {@code say} retried after a failover ({@link MessageStore#byRequestId})
 */
public record StoredMessage(String room, long seq, String from, String text, long ts, boolean action,
                            String requestId) {

    public StoredMessage {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be positive, not " + seq);
        }
    }

    /** A plain message without request id. */
    public static StoredMessage of(String room, long seq, String from, String text, long ts) {
        return new StoredMessage(room, seq, from, text, ts, false, null);
    }

    /** The store's form of a room message the hub built. */
    public static StoredMessage of(ChatMessage m, boolean action, String requestId) {
        if (m.isDirect() || m.seq() == null) {
            throw new IllegalArgumentException("only room messages with a seq are stored");
        }
        return new StoredMessage(m.room(), m.seq(), m.from(), m.text(), m.ts(), action, requestId);
    }

    /** The protocol's form (the request id is not part of it). */
    public ChatMessage toChatMessage() {
        return ChatMessage.inRoom(room, from, text, action, ts, seq);
    }

    /** The store's form of a room message the hub built, with its {@code action} flag. */
    public static StoredMessage of(ChatMessage m) {
        return of(m, m.action(), null);
    }

    /** Bytes this message takes in a queue, roughly: what the store's write queue is bounded by. */
    int weight() {
        return 64 + 2 * (room.length() + from.length() + text.length()
                + (requestId == null ? 0 : requestId.length()));
    }
}
