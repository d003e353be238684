package dev.chat.server.net;

import io.netty.buffer.ByteBuf;

/**
 * A connection a {@link FrameScheduler} writes to: it is handed pieces of the loop's
 * {@link FrameLog} (whole frames in the scheduler's {@link FrameLayout}), queues them, and writes
 * them to its channel when the scheduler flushes. {@link TcpConnection} (framed port, TLS port) and
 * {@link WsConnection} ({@code /ws}). Loop thread only.
 */
interface Outlet {

    /**
     * Queues the {@code frames} frames at {@code [start, start + length)} of {@code chunk}; the
     * chunk stays valid until the next {@link #flush}, so the outlet takes a reference of its own
     * (a retained slice or a copy) when it keeps them longer.
     */
    void deliver(ByteBuf chunk, int start, int length, int frames);

    /** Writes what is queued to the channel and flushes it (the scheduler's flush, once per loop flush). */
    void flush();

    /** The scheduler's run in which frames for this outlet were set aside, or -1 ({@link FrameScheduler#closeRun}). */
    long asideIn();

    void asideIn(long run);
}
