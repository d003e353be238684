package dev.chat.server.store;

/**
 * Hooks the store calls as it works, for the server's metrics: bind them to a registry (or use
 * {@link StoreCounters}). Called from the store's own threads (SQLite) or its context
 * (PostgreSQL): implementations must be thread-safe and cheap.
 */
public interface StoreMetrics {

    /** Does nothing. */
    StoreMetrics NONE = new StoreMetrics() {
        @Override
        public void committed(int rows, long commitNanos, long oldestWaitNanos) {
        }

        @Override
        public void failed(StoreErrorKind kind, int appends) {
        }

        @Override
        public void pruned(int rows) {
        }
    };

    /**
     * A transaction of appended messages committed.
     *
     * @param rows messages in it
     * @param commitNanos from the transaction's start to its commit returning
     * @param oldestWaitNanos from the oldest append in it being queued to the commit returning:
     *     the longest an append of this transaction waited for its {@code ok}
     */
    void committed(int rows, long commitNanos, long oldestWaitNanos);

    /**
     * A write failed, or appends were refused without being tried.
     *
     * @param appends the appends that failed with it (0 for a failed prune or probe)
     */
    void failed(StoreErrorKind kind, int appends);

    /** Messages removed by retention. */
    void pruned(int rows);
}
