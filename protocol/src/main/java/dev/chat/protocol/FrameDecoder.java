package dev.chat.protocol;

import java.util.Objects;

/**
 * Incremental, bounded decoder for the length-prefixed frames of a TCP stream.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            length (uint32, big-endian, payload only)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          payload: length bytes of UTF-8 JSON, one object      |
 * |                              ...                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Feed it chunks exactly as they come off the socket: one byte, a split header, many frames at
 * once all work. The declared length is checked against the limit as soon as the 4 header bytes
 * are in, before any payload buffer is allocated, so a peer cannot make it reserve memory it
 * never sends. A length of 0 or above the limit throws {@link FrameTooLargeException}; after
 * that the decoder is finished (the stream cannot be resynchronised) and rejects further input.
 *
 * <p>Not thread-safe: one decoder per connection, used from that connection's thread.
 */
public final class FrameDecoder {

    /** Receives each complete payload. The array is the receiver's to keep. */
    @FunctionalInterface
    public interface FrameSink {
        void onFrame(byte[] payload);
    }

    private final int maxFrame;
    private int headerBytes;     // 0..4 header bytes seen for the current frame
    private int declared;        // the current frame's declared length, once headerBytes == 4
    private byte[] payload;      // allocated once the length is known and accepted
    private int filled;          // payload bytes received so far
    private boolean failed;

    /** @param maxFrame the largest accepted payload, in bytes (at least 1) */
    public FrameDecoder(int maxFrame) {
        if (maxFrame < 1) {
            throw new IllegalArgumentException("maxFrame must be positive: " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    /**
     * Consumes {@code len} bytes of {@code data} from {@code off}, calling {@code sink} once per
     * completed frame, in order.
     *
     * @throws FrameTooLargeException when a header declares 0 or more than the limit; frames
     *         completed earlier in the same chunk have already been delivered
     */
    public void feed(byte[] data, int off, int len, FrameSink sink) throws FrameTooLargeException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (failed) {
            throw new IllegalStateException("decoder failed earlier; the connection must be closed");
        }
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (headerBytes < 4) {
                declared = (declared << 8) | (data[pos++] & 0xFF);
                if (++headerBytes == 4) {
                    long length = declared & 0xFFFFFFFFL;
                    if (length == 0 || length > maxFrame) {
                        failed = true;
                        throw new FrameTooLargeException(length, maxFrame);
                    }
                    payload = new byte[(int) length];
                    filled = 0;
                }
                continue;
            }
            int n = Math.min(end - pos, payload.length - filled);
            System.arraycopy(data, pos, payload, filled, n);
            pos += n;
            filled += n;
            if (filled == payload.length) {
                byte[] done = payload;
                payload = null;
                headerBytes = 0;
                declared = 0;
                sink.onFrame(done);
            }
        }
    }

    /** Same as {@link #feed(byte[], int, int, FrameSink)} for a whole array. */
    public void feed(byte[] data, FrameSink sink) throws FrameTooLargeException {
        feed(data, 0, data.length, sink);
    }

    /** Whether part of a frame (header or payload) has been received but not completed. */
    public boolean inFrame() {
        return headerBytes > 0;
    }

    /** Bytes held for the incomplete frame, header included. */
    public int bufferedBytes() {
        return headerBytes < 4 ? headerBytes : 4 + filled;
    }

    /** The limit this decoder enforces. */
    public int maxFrame() {
        return maxFrame;
    }
}
