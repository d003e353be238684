package dev.chat.server.store;

import dev.chat.protocol.Durations;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how the server keeps rooms and their history, immutable. Each default is a
 * {@code DEFAULT_*} constant for the option parser and its help text.
 *
 * @param store {@value #MEMORY}, {@value #SQLITE} or {@code postgresql://user:password@host:port/db}
 * @param dataDir the SQLite store's directory (its database {@value #DATABASE_FILE} and lock
 *     {@value #LOCK_FILE}); unused by the other stores
 * @param durability what an acknowledged append has survived
 * @param historyMaxPerRoom messages kept per room; older ones are pruned in the background
 * @param historyMaxAge messages older than this are pruned; {@link Duration#ZERO}: kept whatever their age
 * @param maxQueuedBytes appends waiting for their commit, in bytes ({@link StoredMessage}'s
 *     weight); beyond it an append fails at once ({@link StoreErrorKind#QUEUE_FULL})
 * @param memoryMaxBytes what the memory store may hold, bytes ({@link BoundedHistory}): beyond it
 *     the oldest messages of the least recently used rooms are dropped; 0: a quarter of the heap.
 *     Unused by the other stores
 */
public record StoreConfig(String store, Path dataDir, Durability durability, int historyMaxPerRoom,
                          Duration historyMaxAge, int maxQueuedBytes, long memoryMaxBytes) {

    public static final String MEMORY = "memory";
    public static final String SQLITE = "sqlite";
    public static final String DEFAULT_STORE = SQLITE;
    public static final String DEFAULT_DATA_DIR = "./data";
    /** The environment variable that sets {@code --data-dir}. */
    public static final String DATA_DIR_ENV = "CHAT_DATA_DIR";
    public static final Durability DEFAULT_DURABILITY = Durability.PROCESS;
    public static final int DEFAULT_HISTORY_MAX_PER_ROOM = 10_000;
    /** Off: messages are pruned by count only. */
    public static final Duration DEFAULT_HISTORY_MAX_AGE = Duration.ZERO;
    public static final int DEFAULT_MAX_QUEUED_BYTES = 32 << 20;
    /** A quarter of the heap. */
    public static final long DEFAULT_MEMORY_MAX_BYTES = 0;
    /** The SQLite database inside the data directory. */
    public static final String DATABASE_FILE = "chat.db";
    /** Held locked by the server that uses the data directory. */
    public static final String LOCK_FILE = "chat.lock";

    private static final Pattern DAYS = Pattern.compile("(\\d{1,6})d");

    /** Which implementation {@link #store} names. */
    public enum Kind { MEMORY, SQLITE, POSTGRESQL }

    /**
     * @throws IllegalArgumentException with a one-line message for a store that is none of the
     *     three forms, or a bound that is out of range
     */
    public StoreConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(historyMaxAge, "historyMaxAge");
        kindOf(store);
        if (historyMaxPerRoom < 1) {
            throw new IllegalArgumentException("history max per room must be at least 1, not " + historyMaxPerRoom);
        }
        if (historyMaxAge.isNegative()) {
            throw new IllegalArgumentException("history max age must not be negative");
        }
        if (maxQueuedBytes < 4096) {
            throw new IllegalArgumentException("max queued bytes must be at least 4096, not " + maxQueuedBytes);
        }
        if (memoryMaxBytes < 0) {
            throw new IllegalArgumentException("memory max bytes must not be negative, not " + memoryMaxBytes);
        }
    }

    /** Every default: SQLite in {@value #DEFAULT_DATA_DIR}. */
    public static StoreConfig defaults() {
        return new StoreConfig(DEFAULT_STORE, Path.of(DEFAULT_DATA_DIR), DEFAULT_DURABILITY,
                DEFAULT_HISTORY_MAX_PER_ROOM, DEFAULT_HISTORY_MAX_AGE, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MEMORY_MAX_BYTES);
    }

    public StoreConfig withStore(String s) {
        return new StoreConfig(s, dataDir, durability, historyMaxPerRoom, historyMaxAge, maxQueuedBytes, memoryMaxBytes);
    }

    public StoreConfig withDataDir(Path d) {
        return new StoreConfig(store, d, durability, historyMaxPerRoom, historyMaxAge, maxQueuedBytes, memoryMaxBytes);
    }

    public StoreConfig withDurability(Durability d) {
        return new StoreConfig(store, dataDir, d, historyMaxPerRoom, historyMaxAge, maxQueuedBytes, memoryMaxBytes);
    }

    public StoreConfig withHistoryMaxPerRoom(int n) {
        return new StoreConfig(store, dataDir, durability, n, historyMaxAge, maxQueuedBytes, memoryMaxBytes);
    }

    public StoreConfig withHistoryMaxAge(Duration d) {
        return new StoreConfig(store, dataDir, durability, historyMaxPerRoom, d, maxQueuedBytes, memoryMaxBytes);
    }

    public StoreConfig withMaxQueuedBytes(int n) {
        return new StoreConfig(store, dataDir, durability, historyMaxPerRoom, historyMaxAge, n, memoryMaxBytes);
    }

    public StoreConfig withMemoryMaxBytes(long n) {
        return new StoreConfig(store, dataDir, durability, historyMaxPerRoom, historyMaxAge, maxQueuedBytes, n);
    }

    /** {@link #memoryMaxBytes}, with 0 resolved to a quarter of the heap. */
    public long memoryBound() {
        return memoryMaxBytes > 0 ? memoryMaxBytes : Runtime.getRuntime().maxMemory() / 4;
    }

    public Kind kind() {
        return kindOf(store);
    }

    /** Whether messages are pruned by age. */
    public boolean pruneByAge() {
        return !historyMaxAge.isZero();
    }

    /** The SQLite database file. */
    public Path databaseFile() {
        return dataDir.resolve(DATABASE_FILE);
    }

    /** PostgreSQL's connection options, parsed from {@link #store}. */
    public PgConnectOptions postgres() {
        if (kind() != Kind.POSTGRESQL) {
            throw new IllegalStateException("not a PostgreSQL store: " + store);
        }
        return parsePostgres(store);
    }

    /**
     * The store for messages and logs: its kind and where, without a password
     * ({@code sqlite data/chat.db}, {@code postgresql://chat@db:5432/chat}).
     */
    public String describe() {
        return switch (kind()) {
            case MEMORY -> MEMORY;
            case SQLITE -> SQLITE + " " + databaseFile();
            case POSTGRESQL -> {
                PgConnectOptions o = postgres();
                yield "postgresql://" + o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
            }
        };
    }

    /**
     * {@code --history-max-age}: {@code 0} or {@code off} (no age limit), a number of days
     * ({@code 30d}), or any duration the other options take ({@code 12h}, {@code 90m}).
     *
     * @throws IllegalArgumentException with a one-line message naming the text
     */
    public static Duration parseMaxAge(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off")) {
            return Duration.ZERO;
        }
        Matcher m = DAYS.matcher(t);
        if (m.matches()) {
            return Duration.ofDays(Long.parseLong(m.group(1)));
        }
        try {
            return Durations.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an age (write e.g. 30d, 12h, or off)");
        }
    }

    private static Kind kindOf(String store) {
        if (store.equals(MEMORY)) {
            return Kind.MEMORY;
        }
        if (store.equals(SQLITE)) {
            return Kind.SQLITE;
        }
        if (store.startsWith("postgresql://") || store.startsWith("postgres://")) {
            parsePostgres(store);
            return Kind.POSTGRESQL;
        }
        throw new IllegalArgumentException("store must be memory, sqlite or postgresql://user:password@host:port/db, not '"
                + redact(store) + "'");
    }

    private static PgConnectOptions parsePostgres(String uri) {
        try {
            return PgConnectOptions.fromUri(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + redact(uri) + "' is not a PostgreSQL URL"
                    + " (write postgresql://user:password@host:port/db)");
        }
    }

    /** The text with anything between {@code ://user:} and {@code @} (a password) replaced. */
    static String redact(String s) {
        return s.replaceAll("(://[^:/@]*):[^@]*@", "$1:***@");
    }
}
