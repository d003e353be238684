package dev.chat.client.session;

import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the client remembers of one joined room. Guarded by the owning {@link SessionState}. */
final class RoomState {
    /** Live messages held while catching up; beyond this the catch-up simply pages once more. */
    static final int MAX_BUFFERED = 10_000;

    enum Phase {
        /** Joined on the current connection and up to date: live messages are shown as they come. */
        LIVE,
        /** The connection was lost; the room will be joined again. */
        STALE,
        /** Joined again; missed messages are being fetched with {@code history after_seq}. */
        CATCHING_UP
    }

    final String name;
    /** Highest {@code seq} shown; every room message at or below it has been shown (or predates us). */
    long lastSeen;
    Phase phase = Phase.LIVE;
    /** Live messages that arrived during catch-up, by seq. */
    final TreeMap<Long, ChatMessage> buffer = new TreeMap<>();
    /** Some live messages were not buffered: the catch-up must page again. */
    boolean overflowed;
    final TreeSet<String> members = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    /** Members who are operators, and voiced members (from {@code joined} and {@code member} events). */
    final TreeSet<String> operators = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    final TreeSet<String> voiced = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    /** The room's topic, "" for none. */
    String topic = "";

    RoomState(String name, long lastSeen) {
        this.name = name;
        this.lastSeen = lastSeen;
    }
}
