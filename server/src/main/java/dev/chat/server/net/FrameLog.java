package dev.chat.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * One loop's outbound frames (framed JSON, or WebSocket text frames: {@link FrameLayout}), each copied once into pooled direct memory however many
 * connections it goes to: a room message for 1,000 members of this loop is one copy here, and
 * each member then refers to it by position ({@link TcpConnection#deliver(ByteBuf, int, int, int)}). Frames
 * a member receives one after the other lie side by side, so at the end of the loop's turn the
 * member writes them as one slice of a chunk: no per-member copy, one write per member.
 *
 * <pre>
 *  chunk (32 KiB, pooled, direct)
 *  +--------+--------+--------+--------+-----
 *  | msg 41 | msg 42 | ok r7  | msg 43 | ...        members of the room: slice [41..43]
 *  +--------+--------+--------+--------+-----        the sender of r7:   slice [41..43] too
 * </pre>
 *
 * The log holds one reference to its current chunk; sessions take their own (retained slices)
 * when they write. A chunk the log moves on from is released after the loop's next flush, once
 * no connection can still refer to it without a reference of its own ({@link FrameScheduler}). Loop thread only.
 */
final class FrameLog {
    static final int CHUNK = 32 * 1024;
    /**
     * Netty's pooled allocator, not the channel's (Netty 4.2's adaptive one): appending to one of
     * its direct buffers is a plain memory copy, where the adaptive buffer makes a
     * {@code ByteBuffer} view for every append (measured: half the fan-out time went there).
     */
    static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private final FrameLayout layout;
    private ByteBuf chunk;
    private final List<ByteBuf> retired = new ArrayList<>();

    /** A log of frames laid out as {@code layout} says (the framed port's, or WebSocket text frames). */
    FrameLog(FrameLayout layout) {
        this.layout = layout;
    }

    FrameLayout layout() {
        return layout;
    }

    /**
     * Copies a frame in (a framed-JSON frame, laid out in this log's {@link FrameLayout}); returns
     * the chunk that holds it, from {@link ByteBuf#writerIndex()} minus its
     * {@link FrameLayout#size}. The chunk stays valid until {@link #releaseRetired()}.
     */
    ByteBuf append(byte[] frame) {
        int size = layout.size(frame);
        if (chunk == null || chunk.writableBytes() < size) {
            if (chunk != null) {
                retired.add(chunk);
            }
            chunk = ALLOC.directBuffer(Math.max(CHUNK, size));
        }
        layout.write(chunk, frame);
        return chunk;
    }

    /** Whether chunks wait for {@link #releaseRetired()}. */
    boolean hasRetired() {
        return !retired.isEmpty();
    }

    /** After a flush of every session that wrote to the log: drops the log's references to full chunks. */
    void releaseRetired() {
        for (int i = 0; i < retired.size(); i++) { // no iterator: this runs at every flush
            retired.get(i).release();
        }
        retired.clear();
    }

    /** The loop stops. */
    void close() {
        releaseRetired();
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }
}
