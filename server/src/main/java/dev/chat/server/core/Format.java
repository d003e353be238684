package dev.chat.server.core;

/**
 * A byte format connections are written in: framed JSON ({@code net.FramedFormat}), IRC lines,
 * WebSocket text. Each event loop has one {@link Output} per format, made by {@link #newOutput},
 * which schedules the writes of every connection of that format on the loop. Transports that
 * write the same bytes (framed JSON over plain TCP and over TLS) share one format, and so one
 * output per loop. Compared by identity: use one instance per format.
 */
public interface Format {
    /** For logs: {@code framed}, {@code irc}, {@code ws-text}. */
    String name();

    /** Makes this format's output for one loop; called on that loop's context when it starts. */
    Output newOutput(ChatLoop loop);
}
