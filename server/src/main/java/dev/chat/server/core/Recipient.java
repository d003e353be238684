package dev.chat.server.core;

/**
 * A session as the hub sees it: an opaque handle that a backend stores in rooms and hands back,
 * inside a {@link Delivery}, to the lane that owns the session. Implemented by {@link Session};
 * tests may use their own.
 */
public interface Recipient {
    /** Unique id of the session within this node. */
    long sessionId();

    /**
     * The session's lane ({@link Lanes}): its event loop and the byte format its connection is
     * written in. Deliveries are grouped by lane, so that each one is for sessions of one loop
     * and one format.
     */
    int lane();
}
