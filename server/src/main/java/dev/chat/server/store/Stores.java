package dev.chat.server.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Opens the store a {@link StoreConfig} names. */
public final class Stores {

    private Stores() {
    }

    /**
     * Opens (and for SQLite and PostgreSQL, checks and migrates) the store. The database work runs
     * on a worker; call this from anywhere.
     *
     * @return the store, or a failure whose cause is a {@link StoreStartException} with a one-line
     *     message naming the directory, file or URL and what is wrong: exit with status 2
     */
    public static Future<MessageStore> open(Vertx vertx, StoreConfig config, StoreMetrics metrics) {
        return open(vertx, config, metrics, SqliteStore.RETENTION_EVERY);
    }

    /**
     * The memory store ({@code --store memory}) at once, whatever {@code config.store()} says:
     * for tests, and for code that needs no durability. Its futures complete on the caller's thread.
     */
    public static MessageStore memory(StoreConfig config) {
        return new MemoryStore(config.withStore(StoreConfig.MEMORY));
    }

    /** As {@link #open(Vertx, StoreConfig, StoreMetrics)}, planning retention every {@code retentionEvery} (tests). */
    static Future<MessageStore> open(Vertx vertx, StoreConfig config, StoreMetrics metrics, Duration retentionEvery) {
        return switch (config.kind()) {
            case MEMORY -> Future.succeededFuture(new MemoryStore(config));
            case SQLITE -> vertx.executeBlocking(() -> SqliteStore.open(config, metrics, retentionEvery), false)
                    .map(s -> (MessageStore) s);
            case POSTGRESQL -> PgStore.open(vertx, config, metrics, retentionEvery.toMillis());
        };
    }
}
