package dev.chat.server.irc;

import dev.chat.protocol.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a client's byte stream into IRC lines and checks each before it is parsed: incremental
 * and bounded, like the framed protocol's {@code FrameDecoder}.
 *
 * <pre>
 *   bytes ... LF | bytes ... CR LF | ...         a line ends at LF; one CR before it is dropped
 *   [ "@" tag-data SPACE ] body                   tag-data &lt;= 4094 bytes, body + CRLF &lt;= 512 bytes
 * </pre>
 *
 * Checks, in this order, each answered through {@link Sink#problem} (the line is not processed,
 * the stream goes on):
 * <ol>
 *   <li>{@link Problem#TOO_LONG}: more tag data or body than allowed ({@code 417}). A line that
 *       grows beyond {@value #MAX_LINE} bytes without an LF is reported once, and its bytes are
 *       dropped up to the next LF: the reader never holds more than that.</li>
 *   <li>{@link Problem#FORBIDDEN_BYTE}: a NUL, or a CR that does not end the line.</li>
 *   <li>{@link Problem#INVALID_UTF8}: not strict UTF-8 (RFC 3629).</li>
 *   <li>{@link Problem#MALFORMED}: tags or a source but no command.</li>
 * </ol>
 * Empty lines and lines of spaces only are skipped silently ("Modern IRC", section "Messages").
 * If the very first byte of the connection is {@code 0x00} (a 4-byte length header) or
 * <code>{</code> (JSON), the peer speaks the framed chat protocol: {@link Problem#FRAMED_PROTOCOL}
 * is reported once and the reader takes nothing more.
 *
 * <p>Complete lines are checked and parsed straight from the caller's array; only an unfinished
 * last line is copied, into a buffer that grows as needed up to {@value #MAX_LINE} bytes and is
 * released once empty, so an idle connection holds no buffer at all.
 */
public final class IrcLineReader {

    /** The longest line held: the whole tag section plus the body, CR LF included. */
    public static final int MAX_LINE = IrcLine.MAX_TAG_SECTION + IrcLine.MAX_BODY_BYTES;

    /** What can be wrong with a line. */
    public enum Problem { TOO_LONG, FORBIDDEN_BYTE, INVALID_UTF8, MALFORMED, FRAMED_PROTOCOL }

    /** Receives what the reader finds, in stream order. */
    public interface Sink {
        void line(IrcLine line);

        /**
         * A line that was not processed.
         *
         * @param command the line's command when it could be read (ASCII letters or digits), else "*"
         */
        void problem(Problem problem, String command);
    }

    private static final byte[] NONE = new byte[0];

    private byte[] buf = NONE;
    private int buffered;
    private boolean discarding;
    private boolean started;
    private boolean stopped;

    /** Feeds the next bytes of the stream. */
    public void feed(byte[] b, int off, int len, Sink sink) {
        if (stopped || len == 0) {
            return;
        }
        if (!started) {
            started = true;
            if (b[off] == 0 || b[off] == '{') {
                stopped = true;
                sink.problem(Problem.FRAMED_PROTOCOL, "*");
                return;
            }
        }
        int end = off + len;
        int i = off;
        while (i < end && !stopped) {
            int lf = indexOf(b, (byte) '\n', i, end);
            if (lf < 0) {
                keep(b, i, end - i, sink);
                return;
            }
            if (discarding) {
                discarding = false;
            } else if (buffered > 0) {
                if (buffered + (lf - i) > MAX_LINE - 1) {
                    sink.problem(Problem.TOO_LONG, commandOf(buf, 0, buffered));
                } else {
                    append(b, i, lf - i);
                    check(buf, 0, buffered, sink);
                }
                release();
            } else {
                check(b, i, lf - i, sink);
            }
            i = lf + 1;
        }
    }

    /** Stops reading: later {@link #feed} calls are ignored (the connection is closing). */
    public void stop() {
        stopped = true;
        release();
    }

    /** Bytes held for an unfinished line (for tests and metrics). */
    public int buffered() {
        return buffered;
    }

    private void keep(byte[] b, int off, int n, Sink sink) {
        if (discarding) {
            return;
        }
        if (buffered + n > MAX_LINE) {
            sink.problem(Problem.TOO_LONG, commandOf(buffered > 0 ? buf : b, buffered > 0 ? 0 : off,
                    buffered > 0 ? buffered : n));
            discarding = true;
            release();
            return;
        }
        append(b, off, n);
    }

    private void append(byte[] b, int off, int n) {
        if (buffered + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(MAX_LINE, Math.max(buffered + n, Math.max(256, buf.length * 2))));
        }
        System.arraycopy(b, off, buf, buffered, n);
        buffered += n;
    }

    private void release() {
        buffered = 0;
        buf = NONE;
    }

    private static void check(byte[] b, int off, int n, Sink sink) {
        if (n > 0 && b[off + n - 1] == '\r') {
            n--;
        }
        if (isBlank(b, off, n)) {
            return;
        }
        if (tooLong(b, off, n)) {
            sink.problem(Problem.TOO_LONG, commandOf(b, off, n));
            return;
        }
        for (int i = off; i < off + n; i++) {
            if (b[i] == 0 || b[i] == '\r') {
                sink.problem(Problem.FORBIDDEN_BYTE, commandOf(b, off, n));
                return;
            }
        }
        if (!Utf8.isValid(b, off, n)) {
            sink.problem(Problem.INVALID_UTF8, commandOf(b, off, n));
            return;
        }
        IrcLine line;
        try {
            line = IrcLine.parse(new String(b, off, n, StandardCharsets.UTF_8));
        } catch (MalformedLineException e) {
            sink.problem(Problem.MALFORMED, "*");
            return;
        }
        sink.line(line);
    }

    /** Tag data above 4094 bytes, or a body (from the first non-space after the tags) above 510. */
    private static boolean tooLong(byte[] b, int off, int n) {
        int end = off + n;
        int body = off;
        while (body < end && b[body] == ' ') {
            body++;
        }
        if (body < end && b[body] == '@') {
            int space = indexOf(b, (byte) ' ', body, end);
            if (space < 0) {
                space = end;
            }
            if (space - body - 1 > IrcLine.MAX_CLIENT_TAG_DATA) {
                return true;
            }
            body = space;
            while (body < end && b[body] == ' ') {
                body++;
            }
        }
        return end - body > IrcLine.MAX_BODY_BYTES - 2;
    }

    /** The command word of a raw line, if it is 1 to 20 ASCII letters or digits; else "*". */
    static String commandOf(byte[] b, int off, int n) {
        int end = off + n;
        int i = off;
        for (int part = 0; part < 2; part++) {
            while (i < end && b[i] == ' ') {
                i++;
            }
            if (i < end && ((part == 0 && b[i] == '@') || b[i] == ':')) {
                while (i < end && b[i] != ' ') {
                    i++;
                }
            }
        }
        while (i < end && b[i] == ' ') {
            i++;
        }
        int start = i;
        while (i < end && i - start <= 20 && isAsciiAlnum(b[i])) {
            i++;
        }
        boolean ends = i == end || b[i] == ' ';
        return i > start && i - start <= 20 && ends ? new String(b, start, i - start, StandardCharsets.US_ASCII) : "*";
    }

    private static boolean isAsciiAlnum(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isBlank(byte[] b, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (b[i] != ' ') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
