package dev.chat.tools.bench;

import java.util.List;
import java.util.Locale;

/**
 * How the generator talks to the server, chosen with {@code --protocol} and {@code --tls}.
 *
 * @param kind the wire protocol
 * @param tls the connection runs inside TLS (any certificate is accepted: this is a load
 *        generator, not a client that protects anything)
 * @param wsPath the WebSocket endpoint's path ({@link Kind#WS})
 * @param ircSetup raw IRC lines sent after registration, before JOIN, with {@code {nick}}
 *        replaced ({@link Kind#IRC})
 */
record Protocol(Kind kind, boolean tls, String wsPath, List<String> ircSetup) {

    /** The wire protocols. */
    enum Kind {
        /** This server's framed JSON over TCP (docs/PROTOCOL.md). */
        FRAMED,
        /** IRC: NICK/USER, JOIN, PRIVMSG (RFC 1459/2812), for this server's IRC listener and other IRC servers. */
        IRC,
        /** One JSON message of the wire protocol per WebSocket text frame, at {@code ws://host:port/PATH}. */
        WS;

        static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--protocol must be framed, irc or ws, not '" + s + "'");
            }
        }
    }

    static final Protocol FRAMED = new Protocol(Kind.FRAMED, false, "/ws", List.of());

    Protocol {
        ircSetup = List.copyOf(ircSetup);
    }

    /**
     * Whether the server answers every say that carries an id ({@code ok} or {@code error}).
     * IRC does not: there a sender's message counts as answered once a chosen member of its
     * room (its witness, in the same generator thread) has received it.
     */
    boolean answersSays() {
        return kind != Kind.IRC;
    }

    /** Whether a sender receives its own room message back (IRC servers do not echo PRIVMSG). */
    boolean echoes() {
        return kind != Kind.IRC;
    }

    /** The name written in reports: framed, irc, ws, plus "+tls". */
    String label() {
        return kind.name().toLowerCase(Locale.ROOT) + (tls ? "+tls" : "");
    }
}
