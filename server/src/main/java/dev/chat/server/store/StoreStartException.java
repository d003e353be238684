package dev.chat.server.store;

/**
 * The store cannot start: its message is one line for the user, naming the directory, file or
 * URL and what is wrong ({@code data directory ./data is in use by another chat server (pid
 * 4242)}). The server exits with status 2.
 */
public final class StoreStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreStartException(String message) {
        super(message);
    }

    public StoreStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
