package dev.chat.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * What an {@link Outlet} ({@link TcpConnection}, {@link WsConnection}) has queued for its socket
 * and not handed to Netty yet, and how it is written: frames handed over by the loop's
 * {@link FrameScheduler} extend one open segment of a {@link FrameLog} chunk while they follow
 * each other (the common case under fan-out); a long segment is written as a slice of its chunk,
 * a short one is copied. While the socket's queue is full, everything is copied here instead,
 * and that copy is the bounded backlog the slow-consumer limit ({@code --max-backlog}) applies
 * to. The connection decides when it is closing; this class does not. Loop thread only.
 */
final class OutletQueue {
    private static final int MIN_BUFFER = 256;
    /**
     * Segments shorter than this are written as copies, longer ones as slices of the log's
     * chunk. A slice keeps its whole chunk alive until written, so only slices of at least a
     * sixteenth of a chunk are worth it: a client's 128 KiB socket queue then pins at most 2 MiB.
     */
    private static final int SLICE_AT_LEAST = FrameLog.CHUNK / 16;

    private final FrameScheduler out;
    private final Outlet owner;
    /** The connection's place in the channel's pipeline: writes go to the socket from here. */
    private ChannelHandlerContext channel;
    /** Queued frames: a piece of the loop's {@link FrameLog}, or null. */
    private ByteBuf segment;
    private int segmentStart;
    private int segmentEnd;
    /**
     * Frames copied (pooled, direct) rather than sliced: short segments, and everything while the
     * socket's queue is full (then this is the backlog); or null.
     */
    private ByteBuf copies;
    private int pendingFrames;
    /** The scheduler's run in which frames for the owner were set aside, or -1. */
    private long asideIn = -1;
    private boolean dirty;
    private boolean waitingDrain;

    OutletQueue(FrameScheduler out, Outlet owner) {
        this.out = out;
        this.owner = owner;
    }

    void channel(ChannelHandlerContext channel) {
        this.channel = channel;
    }

    long asideIn() {
        return asideIn;
    }

    void asideIn(long run) {
        asideIn = run;
    }

    /**
     * Queues the {@code frames} frames at {@code [start, start + length)} of a {@link FrameLog}
     * chunk ({@link Outlet#deliver}); the owner is noted for the loop's next flush.
     *
     * @return true when the backlog is now over {@code --max-backlog}: the reader is too slow
     */
    boolean deliver(ByteBuf chunk, int start, int length, int frames) {
        pendingFrames += frames;
        if (waitingDrain) {
            copy(chunk, start, length);
            return copies.readableBytes() > out.maxBacklog(); // onDrain flushes
        }
        if (segment == chunk && segmentEnd == start) {
            segmentEnd += length;
        } else {
            if (segment != null) {
                closeSegment();
                if (!channel.channel().isWritable()) {
                    flush(false); // a burst filled the socket's queue within this turn: write it now
                    if (waitingDrain) {
                        copy(chunk, start, length);
                        return false;
                    }
                }
            }
            segment = chunk;
            segmentStart = start;
            segmentEnd = start + length;
        }
        if (!dirty) {
            dirty = true;
            out.markDirty(owner);
        }
        return false;
    }

    /**
     * Hands what is queued to Netty and flushes, unless the owner is {@code closing}. When the
     * socket's queue is full after that, later frames wait here (copied) until it drains.
     */
    void flush(boolean closing) {
        dirty = false;
        if (closing || waitingDrain || (segment == null && copies == null)) {
            return; // while waiting for the drain, what is copied stays here: it is the bounded backlog
        }
        writeQueued();
        channel.flush();
        if (!channel.channel().isWritable()) {
            waitingDrain = true; // the owner's channelWritabilityChanged ends it (onDrain)
        }
    }

    /** The socket's queue went below its low-water mark: what waits here goes at the next flush. */
    void onDrain(boolean closing) {
        if (!waitingDrain) {
            return;
        }
        waitingDrain = false;
        if (copies != null && !dirty && !closing) {
            dirty = true;
            out.markDirty(owner);
        }
    }

    /** Drops everything queued. */
    void release() {
        if (copies != null) {
            copies.release();
            copies = null;
        }
        segment = null;
        pendingFrames = 0;
    }

    /** Writes (without flushing) everything queued, in order. */
    void writeQueued() {
        if (segment != null) {
            closeSegment();
        }
        writeCopies();
    }

    /** Writes (without flushing) one more frame, made apart (the last message before a close). */
    void writeFrame(ByteBuf frame) {
        pendingFrames++;
        write(frame);
    }

    /**
     * Ends the open segment: a long one is written as a slice of its chunk (after the copies
     * queued before it); a short one, or any while the socket is full, is copied, since a slice
     * keeps its whole chunk alive until written.
     */
    private void closeSegment() {
        int length = segmentEnd - segmentStart;
        if (waitingDrain || length < SLICE_AT_LEAST) {
            copy(segment, segmentStart, length);
        } else {
            writeCopies();
            write(segment.retainedSlice(segmentStart, length));
        }
        segment = null;
    }

    private void copy(ByteBuf chunk, int start, int length) {
        if (copies == null) {
            copies = FrameLog.ALLOC.directBuffer(Math.max(MIN_BUFFER, length));
        }
        copies.writeBytes(chunk, start, length);
    }

    private void writeCopies() {
        if (copies != null) {
            ByteBuf b = copies;
            copies = null;
            write(b);
        }
    }

    private void write(ByteBuf b) {
        out.countOut(pendingFrames, b.readableBytes());
        pendingFrames = 0;
        channel.write(b, channel.voidPromise()); // Netty releases it once written, or on close
    }
}
