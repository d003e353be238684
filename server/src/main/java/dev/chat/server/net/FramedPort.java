package dev.chat.server.net;

import dev.chat.server.config.ServerConfig;

/**
 * What the framed port says to someone who is not speaking frames: a person typing with
 * {@code nc}, an IRC client, a browser. A framed client's first byte is the top byte of a frame
 * length, which is 0 for any frame up to 16 MiB; printable ASCII (or a tab, CR or LF) there means
 * text. The answer is one readable line, then the connection is closed.
 */
final class FramedPort {
    /** The line sent when the server has no IRC listener (CRLF-terminated, as IRC and telnet expect). */
    static final String TEXT_ANSWER = textAnswer(ServerConfig.PORT_OFF);

    /** The line sent, naming the IRC listener's actual port, or none when it is off ({@link ServerConfig#PORT_OFF}). */
    static String textAnswer(int ircPort) {
        return "This port speaks length-prefixed JSON frames, not text lines: see docs/PROTOCOL.md."
                + (ircPort > 0 ? " IRC clients: port " + ircPort + "." : " This server has no IRC port.") + "\r\n";
    }

    private FramedPort() {
    }

    static boolean looksLikeText(byte first) {
        return (first >= 0x20 && first <= 0x7e) || first == '\t' || first == '\r' || first == '\n';
    }

    static void answerText(TcpConnection c) {
        c.closeWithText(c.textAnswer(), "text on the framed port");
    }
}
