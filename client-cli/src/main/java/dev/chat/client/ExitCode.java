package dev.chat.client;

/**
 * The client's exit codes: part of its interface (docs/CLIENT.md, {@code --help}), tested.
 * SIGTERM ends it with 143, as the JVM does for the signal.
 */
public final class ExitCode {
    /** Everything asked for was done (and acknowledged by the server). */
    public static final int OK = 0;
    /** The server refused something: an {@code error} frame for a request we made. */
    public static final int SERVER_ERROR = 1;
    /** Bad options; one line on stderr names the problem. */
    public static final int USAGE = 2;
    /** No server could be reached (or none was discovered). */
    public static final int CONNECT = 3;
    /**
     * {@code --tls}: the server's certificate was refused (changed since it was remembered, not
     * the pinned one, expired, or for another host name); not retried. docs/TLS.md.
     */
    public static final int UNTRUSTED = 4;

    private ExitCode() {
    }
}
