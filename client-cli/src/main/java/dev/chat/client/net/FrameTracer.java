package dev.chat.client.net;

import dev.chat.client.text.TerminalText;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code --trace}: one line per frame in or out, for people learning the protocol:
 *
 * <pre>
 * &gt;&gt; tcp 00 00 00 1e {"type":"hello","id":1,"nick":"alice"}
 * &lt;&lt; tcp 00 00 00 5d {"type":"welcome","id":1,"nick":"alice",...}
 * &gt;&gt; udp 00 00 00 5f {"type":"beacon","role":"client",...} to 127.0.0.1:7421
 * </pre>
 *
 * Direction ({@code >>} sent, {@code <<} received), transport, the 4-byte length header in hex,
 * then the payload as text with control characters made visible (a server cannot use the
 * trace to send escape sequences to the terminal). Thread-safe: lines never interleave.
 */
public final class FrameTracer {
    /** A tracer that prints nothing. */
    public static final FrameTracer OFF = new FrameTracer(null);

    private final Consumer<String> sink;

    /** @param sink receives each complete line (without line terminator); null traces nothing */
    public FrameTracer(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Whether lines are printed at all (callers skip formatting work when not). */
    public boolean enabled() {
        return sink != null;
    }

    /** A TCP frame we wrote: header and payload in one array. */
    public void sent(byte[] frame) {
        if (sink != null) {
            emit(format(">>", "tcp", frame, 4, frame.length - 4, null));
        }
    }

    /** A TCP frame we received: just its payload. */
    public void received(byte[] payload) {
        if (sink != null) {
            emit(format("<<", "tcp", payload, 0, payload.length, null));
        }
    }

    /** A datagram we sent (header and payload) to {@code peer}. */
    public void sentDatagram(byte[] frame, String peer) {
        if (sink != null) {
            emit(format(">>", "udp", frame, 4, frame.length - 4, "to " + peer));
        }
    }

    /** A datagram we received from {@code peer}: its whole content, which should be one frame. */
    public void receivedDatagram(byte[] data, int length, String peer) {
        if (sink != null) {
            int payload = Math.max(0, length - 4);
            emit(formatRaw("<<", "udp", data, length, payload, "from " + peer));
        }
    }

    private synchronized void emit(String line) {
        sink.accept(line);
    }

    /**
     * One trace line for a payload of {@code length} bytes at {@code data[off]}; the header
     * shown is the one a frame of that payload carries.
     */
    static String format(String direction, String transport, byte[] data, int off, int length, String suffix) {
        Objects.checkFromIndexSize(off, length, data.length);
        StringBuilder b = new StringBuilder(length + 32);
        b.append(direction).append(' ').append(transport).append(' ');
        appendHeader(b, length);
        b.append(' ').append(TerminalText.singleLine(new String(data, off, length, StandardCharsets.UTF_8)));
        if (suffix != null) {
            b.append(' ').append(suffix);
        }
        return b.toString();
    }

    // A datagram is shown as received: its actual first 4 bytes, which may not match its length.
    private static String formatRaw(String direction, String transport, byte[] data, int length, int payload,
                                    String suffix) {
        StringBuilder b = new StringBuilder(length + 32);
        b.append(direction).append(' ').append(transport).append(' ');
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(i < length ? String.format("%02x", data[i] & 0xFF) : "--");
        }
        if (payload > 0) {
            b.append(' ').append(TerminalText.singleLine(new String(data, 4, payload, StandardCharsets.UTF_8)));
        }
        if (suffix != null) {
            b.append(' ').append(suffix);
        }
        return b.toString();
    }

    private static void appendHeader(StringBuilder b, int length) {
        b.append(String.format("%02x %02x %02x %02x",
                (length >>> 24) & 0xFF, (length >>> 16) & 0xFF, (length >>> 8) & 0xFF, length & 0xFF));
    }
}
