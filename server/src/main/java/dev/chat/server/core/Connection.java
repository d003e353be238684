package dev.chat.server.core;

import dev.chat.protocol.ServerMessage;

/**
 * What the chat core needs from one client connection, whatever its transport (framed JSON over
 * TCP, IRC lines, WebSocket text). A transport implements it once per connection, registers the
 * connection with its loop ({@link ChatLoop#open}), and then hands the loop each decoded request
 * ({@link ChatLoop#received}) or decoding error ({@link ChatLoop#rejected}), and says when the
 * connection is gone ({@link ChatLoop#closed}). Fan-out does not come through here: it reaches the
 * loop's {@link Output} for this connection's {@link #format()}. When the peer asks to leave in
 * its own words (IRC's {@code QUIT}), the transport closes through the rules too:
 * {@link ChatLoop#close(Session, String, ServerMessage)}.
 *
 * <p>Every method is called on the connection's event loop only.
 */
public interface Connection {

    /** The transport's name, for logs and metrics: {@code tcp}, {@code irc}, {@code ws}. */
    String transport();

    /** The byte format this connection is written in: decides its lane and its {@link Output}. */
    Format format();

    /** The peer's address, for logs ({@code 127.0.0.1:50123}). */
    String remoteAddress();

    /**
     * Queues one message for this client alone (a reply, a {@code ping}, an error), in order with
     * the fan-out this loop was given before it.
     */
    void send(ServerMessage message);

    /**
     * Writes {@code last} (if not null) after everything queued, then closes; a client that does
     * not read what is queued within a few seconds is cut off. {@link ChatLoop#closed} follows
     * once the connection is closed.
     */
    void close(ServerMessage last);

    /**
     * The session is dropped for reading too slowly: what is queued for it is discarded (whole
     * messages only: a message already partly written is completed, never cut), then {@code last}
     * is written and the connection closed.
     */
    void abandon(ServerMessage last);

    /** Stops reading from the peer (too many requests in flight); what was read already still arrives. */
    void pauseReading();

    /** Reads again. */
    void resumeReading();

    /**
     * When ({@link System#nanoTime()}) the peer started the message that is still incomplete
     * (part of a frame or a line received), or {@link Long#MIN_VALUE} when none is: only whole
     * messages count as heard from, and one must not take longer than {@code --frame-timeout}.
     */
    long incompleteSince();

    /** The peer's IP address (without the port), or null when unknown: per-address limits and throttles. */
    default java.net.InetAddress remoteIp() {
        return null;
    }

    /** Whether the bytes are encrypted on the way (TLS, or WebSocket over HTTPS): passwords may travel. */
    default boolean encrypted() {
        return false;
    }
}
