package dev.chat.server.net;

import dev.chat.server.config.ServerConfig;

/**
 * What the framed port says to someone who is not speaking frames: a person typing with
 * {@code nc}, an IRC client, a browser. A framed client's first byte is the top byte of a frame
 * length, which is 0 for any frame up to 16 MiB; printable ASCII (or a tab, CR or LF) there means
 * text. The answer is one readable line, then the connection is closed.
 */
final class FramedPort {
    /** The line sent (CRLF-terminated, as IRC and telnet expect). */
    static final String TEXT_ANSWER = "This port speaks length-prefixed JSON frames, not text lines: see docs/PROTOCOL.md."
            + " IRC: port " + ServerConfig.DEFAULT_IRC_PORT + " when enabled.\r\n";

    private FramedPort() {
    }

    static boolean looksLikeText(byte first) {
        return (first >= 0x20 && first <= 0x7e) || first == '\t' || first == '\r' || first == '\n';
    }

    static void answerText(TcpConnection c) {
        c.closeWithText(TEXT_ANSWER, "text on the framed port");
    }
}
