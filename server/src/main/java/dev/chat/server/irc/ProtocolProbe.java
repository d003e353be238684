package dev.chat.server.irc;

import java.nio.charset.StandardCharsets;

/**
 * Tells a person who reached the wrong port which port speaks what, in one readable line. The
 * IRC port sees the framed protocol when a connection starts with {@code 0x00} (the high byte of
 * a 4-byte length) or <code>{</code> (JSON typed by hand); the framed port sees IRC when a
 * connection starts with an IRC registration command ({@link #looksLikeIrc}).
 */
public final class ProtocolProbe {

    private ProtocolProbe() {
    }

    /** The line for a framed-protocol client at the IRC port: an IRC {@code ERROR} line, readable as text. */
    public static byte[] framedAtIrcPort(int ircPort, int framedPort) {
        String where = framedPort > 0 ? "port " + framedPort : "the server's chat port";
        return ("ERROR :This is the IRC port (" + ircPort + "): it speaks IRC (RFC 1459 lines). The framed JSON "
                + "chat protocol (4-byte length, then JSON; docs/PROTOCOL.md) is on " + where + ".\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The line for an IRC client at the framed port (plain text, then the framed listener closes). */
    public static byte[] ircAtFramedPort(int framedPort, int ircPort) {
        String where = ircPort > 0 ? "port " + ircPort : "the IRC port, if it is enabled (--irc-port)";
        return ("ERROR :This is the chat port (" + framedPort + "): it speaks the framed JSON protocol "
                + "(docs/PROTOCOL.md). IRC clients connect to " + where + ".\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether the first bytes of a connection look like IRC: one of the commands an IRC client
     * opens with ({@code CAP}, {@code NICK}, {@code USER}, {@code PASS}), any case, then a space.
     * A framed client's first bytes are a length header, whose first byte is 0 for any frame
     * under 16 MiB, so the two cannot be confused.
     */
    public static boolean looksLikeIrc(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && n < 5 && b[off + n] != ' ') {
            n++;
        }
        if (n >= len || b[off + n] != ' ') {
            return false;
        }
        String word = new String(b, off, n, StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
        return word.equals("CAP") || word.equals("NICK") || word.equals("USER") || word.equals("PASS");
    }
}
