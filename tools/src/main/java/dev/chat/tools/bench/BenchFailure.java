package dev.chat.tools.bench;

/** The run cannot go on: one line for the user and the exit code that goes with it. */
final class BenchFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code: errors or loss. */
    static final int FAILED = 1;
    /** Exit code: bad options. */
    static final int USAGE = 2;
    /** Exit code: could not connect (or the server refused the connections). */
    static final int CONNECT = 3;

    final int exitCode;

    BenchFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }
}
