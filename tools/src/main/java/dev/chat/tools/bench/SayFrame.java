package dev.chat.tools.bench;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One sender's say, built once and rewritten in place for every message: only the send time
 * and (where the protocol has one) the id change, both at fixed offsets, so sending costs no
 * encoding. Three layouts:
 *
 * <pre>
 * framed: &lt;4-byte length&gt;{"type":"say","room":"R","text":"b&lt;stamp:19&gt;&lt;sender:6&gt;xxx...","id":"&lt;10 digits&gt;"}
 * ws:     the same payload without the length (one WebSocket text frame)
 * irc:    PRIVMSG #R :b&lt;stamp:19&gt;&lt;sender:6&gt;xxx...\r\n
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
    /** IRC lines are at most 512 bytes with CR LF; this leaves room for the channel name. */
    static final int MAX_IRC_TEXT = 400;

    private final byte[] frame;
    private final ByteBuffer view;
    private final int stampAt;
    /** -1: no id (IRC). */
    private final int idAt;

    /** The framed layout (length header and JSON payload). */
    SayFrame(String room, int senderIndex, int textLength) {
        this(json(room, senderIndex, textLength, true));
    }

    private SayFrame(Layout l) {
        this.frame = l.bytes;
        this.view = ByteBuffer.wrap(frame);
        this.stampAt = l.stampAt;
        this.idAt = l.idAt;
    }

    private record Layout(byte[] bytes, int stampAt, int idAt) {
    }

    /** The JSON say without the length header: one WebSocket text message. */
    static SayFrame ws(String room, int senderIndex, int textLength) {
        return new SayFrame(json(room, senderIndex, textLength, false));
    }

    /** An IRC PRIVMSG to {@code #room}. */
    static SayFrame irc(String room, int senderIndex, int textLength) {
        if (textLength < MIN_TEXT || textLength > MAX_IRC_TEXT) {
            throw new IllegalArgumentException("text length over IRC must be " + MIN_TEXT + ".." + MAX_IRC_TEXT + ": "
                    + textLength);
        }
        String head = "PRIVMSG #" + room + " :";
        byte[] line = (head + text(senderIndex, textLength) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return new SayFrame(new Layout(line, head.length() + 1, -1));
    }

    private static Layout json(String room, int senderIndex, int textLength, boolean framed) {
        if (textLength < MIN_TEXT || textLength > 4000) {
            throw new IllegalArgumentException("text length must be " + MIN_TEXT + "..4000: " + textLength);
        }
        String head = "{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"";
        String payload = head + text(senderIndex, textLength) + "\",\"id\":\"0000000000\"}";
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        try {
            ClientMessage m = MessageCodec.decodeClient(p); // our own template must be a valid say
            if (!(m instanceof ClientMessage.Say)) {
                throw new IllegalStateException("template is not a say: " + payload);
            }
        } catch (ProtocolException e) {
            throw new IllegalStateException("invalid say template: " + e.getMessage(), e);
        }
        int header = framed ? Frames.HEADER_LENGTH : 0;
        byte[] bytes = framed ? Frames.frame(p) : p;
        return new Layout(bytes, header + head.length() + 1, header + p.length - 12);
    }

    private static String text(int senderIndex, int textLength) {
        StringBuilder text = new StringBuilder(textLength);
        text.append((char) MARKER).append("0".repeat(19)).append(String.format("%06d", senderIndex % 1_000_000));
        while (text.length() < textLength) {
            text.append('x');
        }
        return text.toString();
    }

    /** The next message, as a buffer ready to write (reused: write it before the next call). */
    ByteBuffer fill(long stamp, long id) {
        putDigits(frame, stampAt, 19, stamp);
        if (idAt >= 0) {
            putDigits(frame, idAt, 10, id);
        }
        return view.clear();
    }

    /** The next message in a buffer of its own (writes are asynchronous: the template is reused at once). */
    ByteBuf copy(ByteBufAllocator alloc, long stamp, long id) {
        fill(stamp, id);
        return alloc.directBuffer(frame.length).writeBytes(frame);
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
