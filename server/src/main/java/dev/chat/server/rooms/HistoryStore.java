package dev.chat.server.rooms;

import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.List;

/**
 * Where room messages are kept for {@code history}. The in-memory store keeps the last N per
 * room; a durable store can replace it without touching the hub. Called only from the hub's
 * context, so implementations need not be thread-safe.
 */
public interface HistoryStore {

    /** Stores a message whose {@code seq} is greater than every stored one of its room. */
    void append(String room, ChatMessage message);

    /** The latest {@code limit} messages of the room, oldest first. */
    List<ChatMessage> latest(String room, int limit);

    /** The first {@code limit} messages with {@code seq > afterSeq}, oldest first. */
    List<ChatMessage> after(String room, long afterSeq, int limit);

    /** Forgets a room entirely. */
    void drop(String room);
}
