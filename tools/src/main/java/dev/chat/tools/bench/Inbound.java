package dev.chat.tools.bench;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cheap reading of received payloads, without JSON parsing: the generator must take in
 * millions of frames per second on one core. The server writes {@code type} first, so the
 * type is told by a few bytes at a fixed offset; a {@code message}'s send stamp sits right
 * after the {@code "text":"b} marker ({@link SayFrame}), at an offset that is the same for the
 * whole run (names have a fixed width), checked by one 8-byte compare and found by a scan
 * when it is not there. Anything unusual goes to the full decoder instead.
 */
final class Inbound {
    static final int OTHER = 0;
    static final int MESSAGE = 1;
    static final int MEMBER = 2;
    static final int OK = 3;
    static final int PING = 4;
    static final int PONG = 5;
    /** Rare types (welcome, joined, error, bye, ...): decode fully. */
    static final int DECODE = 6;

    /** {@code {"type":} as a big-endian long. */
    private static final long TYPE_PREFIX = asLong("{\"type\":");
    /** {@code "text":"} as a big-endian long. */
    private static final long TEXT_KEY = asLong("\"text\":\"");
    /** Bytes of {@code {"type":"}: the type's first letter is at this offset. */
    static final int TYPE_AT = 9;

    private Inbound() {
    }

    /** The payload's kind, from its first bytes; {@link #DECODE} if it does not look like ours. */
    static int classify(ByteBuf b, int p, int len) {
        if (len < TYPE_AT + 4 || b.getLong(p) != TYPE_PREFIX || b.getByte(p + 8) != '"') {
            return DECODE;
        }
        int t = p + TYPE_AT;
        byte c0 = b.getByte(t);
        byte c1 = b.getByte(t + 1);
        switch (c0) {
            case 'm':
                if (len < TYPE_AT + 8) {
                    return DECODE;
                }
                if (c1 == 'e' && b.getByte(t + 2) == 's' && b.getByte(t + 7) == '"') {
                    return MESSAGE;
                }
                return c1 == 'e' && b.getByte(t + 2) == 'm' && b.getByte(t + 6) == '"' ? MEMBER : DECODE;
            case 'o':
                return c1 == 'k' && b.getByte(t + 2) == '"' ? OK : DECODE;
            case 'p':
                if (c1 == 'i' && b.getByte(t + 4) == '"') {
                    return PING;
                }
                return c1 == 'o' && b.getByte(t + 4) == '"' ? PONG : DECODE;
            default:
                return DECODE;
        }
    }

    /** Whether the payload at {@code p} (at least 10 bytes) starts {@code {"type":"} and then {@code first}. */
    static boolean typeStartsWith(ByteBuf b, int p, byte first) {
        return b.getLong(p) == TYPE_PREFIX && b.getByte(p + 8) == '"' && b.getByte(p + TYPE_AT) == first;
    }

    /**
     * The offset in a {@code message} payload of the text's marker byte, when room and sender
     * nick have these lengths.
     */
    static int textOffset(int roomLength, int nickLength) {
        return "{\"type\":\"message\",\"room\":\"".length() + roomLength + "\",\"from\":\"".length() + nickLength
                + "\",\"text\":\"".length();
    }

    /**
     * Finds the marker byte of a bench text: first at {@code expected} (payload-relative), else
     * by scanning. Returns the absolute index, or -1 if the message is not one of ours.
     */
    static int findMarker(ByteBuf b, int p, int len, int expected) {
        int end = p + len;
        int q = p + expected;
        if (q + SayFrame.MIN_TEXT <= end && b.getLong(q - 8) == TEXT_KEY && b.getByte(q) == SayFrame.MARKER) {
            return q;
        }
        for (int i = p + TYPE_AT; i + 8 + SayFrame.MIN_TEXT <= end; i++) {
            if (b.getByte(i) == '"' && b.getLong(i) == TEXT_KEY && b.getByte(i + 8) == SayFrame.MARKER) {
                return i + 8;
            }
        }
        return -1;
    }

    /** Reads {@code n} decimal digits at {@code at}; -1 if one is not a digit. */
    static long digits(ByteBuf b, int at, int n) {
        long v = 0;
        for (int i = at; i < at + n; i++) {
            int d = b.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static long asLong(String eight) {
        byte[] a = eight.getBytes(StandardCharsets.US_ASCII);
        if (a.length != 8) {
            throw new IllegalArgumentException(eight);
        }
        return ByteBuffer.wrap(a).getLong();
    }
}
