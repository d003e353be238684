package dev.chat.protocol;

import java.util.Arrays;

/**
 * Constants and helpers for the frame layout shared by TCP and UDP: a 4-byte big-endian
 * payload length, then the payload. See {@link FrameDecoder} for the picture.
 */
public final class Frames {
    /** Bytes of the length header. */
    public static final int HEADER_LENGTH = 4;
    /** Default for the server's {@code --max-frame}: largest accepted TCP payload. */
    public static final int DEFAULT_MAX_FRAME = 65536;
    /** Largest accepted UDP payload: keeps a beacon inside one unfragmented datagram. */
    public static final int MAX_DATAGRAM_PAYLOAD = 1200;
    /** Version announced in {@code welcome.protocol}. */
    public static final int PROTOCOL_VERSION = 1;

    private Frames() {
    }

    /** Returns header + payload in one new array. */
    public static byte[] frame(byte[] payload) {
        byte[] out = new byte[HEADER_LENGTH + payload.length];
        writeHeader(out, 0, payload.length);
        System.arraycopy(payload, 0, out, HEADER_LENGTH, payload.length);
        return out;
    }

    /** Writes {@code length} big-endian into {@code out[at..at+3]}. */
    public static void writeHeader(byte[] out, int at, int length) {
        out[at] = (byte) (length >>> 24);
        out[at + 1] = (byte) (length >>> 16);
        out[at + 2] = (byte) (length >>> 8);
        out[at + 3] = (byte) length;
    }

    /** Reads the big-endian length at {@code data[at..at+3]} as an unsigned value. */
    public static long readHeader(byte[] data, int at) {
        return ((data[at] & 0xFFL) << 24) | ((data[at + 1] & 0xFFL) << 16)
                | ((data[at + 2] & 0xFFL) << 8) | (data[at + 3] & 0xFFL);
    }

    /**
     * Extracts the payload of one datagram, which must hold exactly one frame of at most
     * {@link #MAX_DATAGRAM_PAYLOAD} bytes.
     *
     * @throws FrameTooLargeException the declared length is 0 or above the datagram limit
     * @throws MalformedDatagramException the datagram is shorter or longer than header + length
     */
    public static byte[] datagramPayload(byte[] datagram, int length)
            throws FrameTooLargeException, MalformedDatagramException {
        if (length < HEADER_LENGTH) {
            throw new MalformedDatagramException("datagram of " + length + " bytes has no complete header");
        }
        long declared = readHeader(datagram, 0);
        if (declared == 0 || declared > MAX_DATAGRAM_PAYLOAD) {
            throw new FrameTooLargeException(declared, MAX_DATAGRAM_PAYLOAD);
        }
        if (declared != length - HEADER_LENGTH) {
            throw new MalformedDatagramException("header declares " + declared + " bytes but the datagram carries "
                    + (length - HEADER_LENGTH));
        }
        return Arrays.copyOfRange(datagram, HEADER_LENGTH, length);
    }
}
