package dev.chat.server.rooms;

/**
 * A registered session as the hub sees it: an opaque handle that the hub stores in rooms and
 * hands back, inside a {@link Delivery}, to the event loop that owns the session. Only that loop
 * ever calls {@link #deliver}.
 */
public interface Recipient {
    /** Unique id of the session within this node. */
    long sessionId();

    /** Index of the TCP event loop that owns the session. */
    int loop();

    /** Queues an encoded frame for the session. Called only on the owning loop. */
    void deliver(byte[] frame);
}
