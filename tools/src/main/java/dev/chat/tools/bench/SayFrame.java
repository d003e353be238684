package dev.chat.tools.bench;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One sender's {@code say} frame, built once and rewritten in place for every message: only
 * the send time and the id change, both at fixed offsets, so sending costs no encoding.
 *
 * <pre>
 * {"type":"say","room":"R","text":"b&lt;stamp:19 digits&gt;&lt;sender:6 digits&gt;xxxx...","id":"&lt;10 digits&gt;"}
 * </pre>
 *
 * The stamp is {@code System.nanoTime()} relative to the run's origin: receivers in the same
 * JVM subtract it from their own clock. The sender index lets a sender recognise (and not count
 * as a delivery) its own message coming back.
 */
final class SayFrame {
    /** Text characters before the padding: marker, stamp, sender index. */
    static final int MIN_TEXT = 1 + 19 + 6;
    static final byte MARKER = 'b';

    private final byte[] frame;
    private final ByteBuffer view;
    private final int stampAt;
    private final int idAt;

    SayFrame(String room, int senderIndex, int textLength) {
        if (textLength < MIN_TEXT || textLength > 4000) {
            throw new IllegalArgumentException("text length must be " + MIN_TEXT + "..4000: " + textLength);
        }
        StringBuilder text = new StringBuilder(textLength);
        text.append((char) MARKER).append("0".repeat(19)).append(String.format("%06d", senderIndex % 1_000_000));
        while (text.length() < textLength) {
            text.append('x');
        }
        String head = "{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"";
        String payload = head + text + "\",\"id\":\"0000000000\"}";
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        frame = Frames.frame(p);
        view = ByteBuffer.wrap(frame);
        stampAt = Frames.HEADER_LENGTH + head.length() + 1;
        idAt = Frames.HEADER_LENGTH + p.length - 12;
        try {
            ClientMessage m = MessageCodec.decodeClient(p); // our own template must be a valid say
            if (!(m instanceof ClientMessage.Say)) {
                throw new IllegalStateException("template is not a say: " + payload);
            }
        } catch (ProtocolException e) {
            throw new IllegalStateException("invalid say template: " + e.getMessage(), e);
        }
    }

    /** The frame for the next message, as a buffer ready to write (reused: write it before the next call). */
    ByteBuffer fill(long stamp, long id) {
        putDigits(frame, stampAt, 19, stamp);
        putDigits(frame, idAt, 10, id);
        return view.clear();
    }

    int length() {
        return frame.length;
    }

    private static void putDigits(byte[] a, int at, int n, long v) {
        for (int i = at + n - 1; i >= at; i--) {
            a[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
    }
}
