package dev.chat.server.store;

/**
 * A store operation that failed at run time: nothing of it was stored (an append that fails
 * this way was not committed, or, for a PostgreSQL connection lost during the commit, its fate is
 * unknown; see docs/STORAGE.md). The hub answers {@code error{code:"unavailable"}}.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final StoreErrorKind kind;

    public StoreException(StoreErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreException(StoreErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public StoreErrorKind kind() {
        return kind;
    }
}
