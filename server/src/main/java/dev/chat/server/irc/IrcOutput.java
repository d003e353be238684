package dev.chat.server.irc;

/**
 * Where an {@link IrcSession} writes: the adapter's socket side. Called on the connection's
 * context only.
 */
public interface IrcOutput {

    /** Writes one or more complete lines, each ending in CR LF. The array is not reused. */
    void write(byte[] lines);

    /** Closes the connection once what was written so far has gone out. Called at most once. */
    void close();
}
