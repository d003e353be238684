package dev.chat.server.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default store: one SQLite file in WAL mode under the data directory. Threads, none of
 * them a Vert.x event loop: one writer ({@link SqliteWriter}, group commit, in order), two
 * readers with their own connections (WAL lets them read while the writer commits, so a read
 * never waits behind a long write queue), and a maintenance thread that checkpoints the WAL and
 * plans retention.
 */
final class SqliteStore implements MessageStore {
    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);
    static final int READERS = 2;
    static final Duration RETENTION_EVERY = Duration.ofSeconds(10);
    private static final long CHECKPOINT_EVERY_MS = 500;
    private static final String COLUMNS = "seq, ts, sender, text, action, rid";

    private final StoreConfig config;
    private final DataDirectory dir;
    private final SqliteFile file;
    private final WriteQueue queue;
    private final HealthTracker health;
    private final StoreMetrics metrics;
    private final SqliteWriter writer;
    private final Thread writerThread;
    private final ExecutorService readers;
    private final ThreadLocal<Connection> readerConnection = new ThreadLocal<>();
    private final List<Connection> readerConnections = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService maintenance;
    private final SqliteAccounts accounts;
    private Connection maintenanceConnection; // maintenance thread only
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Promise<Void> closed = Promise.promise();

    private SqliteStore(StoreConfig config, DataDirectory dir, SqliteFile file, StoreMetrics metrics,
                        Duration retentionEvery) {
        this.config = config;
        this.dir = dir;
        this.file = file;
        this.metrics = metrics;
        this.queue = new WriteQueue(config.maxQueuedBytes());
        this.health = new HealthTracker(config.describe());
        this.writer = new SqliteWriter(file, queue, health, metrics);
        this.writerThread = threads("chat-store-writer").newThread(writer);
        this.readers = Executors.newFixedThreadPool(READERS, threads("chat-store-reader"));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(threads("chat-store-maintenance"));
        this.accounts = new SqliteAccounts(file);
        writerThread.start();
        maintenance.scheduleWithFixedDelay(this::checkpoint, CHECKPOINT_EVERY_MS, CHECKPOINT_EVERY_MS,
                TimeUnit.MILLISECONDS);
        long every = retentionEvery.toMillis();
        maintenance.scheduleWithFixedDelay(this::planRetention, Math.min(every, 2_000), every, TimeUnit.MILLISECONDS);
    }

    /**
     * Locks the data directory, checks and migrates the database, starts the threads. Blocking:
     * call it on a worker ({@link Stores#open} does).
     *
     * @throws StoreStartException with a one-line reason
     */
    static SqliteStore open(StoreConfig config, StoreMetrics metrics, Duration retentionEvery) {
        DataDirectory dir = DataDirectory.acquire(config.dataDir());
        try {
            SqliteFile file = new SqliteFile(config.databaseFile(), config.durability());
            String version = file.prepare();
            SqliteStore store = new SqliteStore(config, dir, file, metrics, retentionEvery);
            LOG.info("store {}: schema version {}, durability {}", config.describe(), version,
                    config.durability().label());
            return store;
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    @Override
    public Future<Void> append(StoredMessage message) {
        return enqueue(WriteOp.append(message));
    }

    @Override
    public Future<Void> saveRoom(String room, String topic, JsonObject attrs) {
        return enqueue(WriteOp.saveRoom(room, topic, attrs));
    }

    @Override
    public Future<Void> deleteRoom(String room) {
        return enqueue(WriteOp.deleteRoom(room));
    }

    private Future<Void> enqueue(WriteOp op) {
        StoreErrorKind refused = queue.offer(op);
        if (refused != null) {
            if (op.isAppend()) {
                metrics.failed(refused, 1);
            }
            return Future.failedFuture(new StoreException(refused, refused == StoreErrorKind.CLOSED
                    ? "the store is closed" : "the store's write queue is full"));
        }
        return op.promise.future();
    }

    @Override
    public Future<List<StoredMessage>> latest(String room, int limit) {
        int n = cap(limit);
        return read("reading history", c -> {
            List<StoredMessage> out = select(c, "SELECT " + COLUMNS + " FROM messages WHERE room = ?"
                    + " ORDER BY seq DESC LIMIT ?", room, st -> st.setInt(2, n));
            Collections.reverse(out);
            return out;
        });
    }

    @Override
    public Future<List<StoredMessage>> after(String room, long afterSeq, int limit) {
        int n = cap(limit);
        return read("reading history", c -> select(c, "SELECT " + COLUMNS + " FROM messages WHERE room = ?"
                + " AND seq > ? ORDER BY seq LIMIT ?", room, st -> {
                    st.setLong(2, afterSeq);
                    st.setInt(3, n);
                }));
    }

    @Override
    public Future<Optional<StoredMessage>> byRequestId(String room, String requestId) {
        return read("looking up a request id", c -> select(c, "SELECT " + COLUMNS + " FROM messages"
                + " WHERE room = ? AND rid = ?", room, st -> st.setString(2, requestId)).stream().findFirst());
    }

    @Override
    public Future<Map<String, Long>> lastSeqs() {
        return read("reading the rooms", c -> {
            Map<String, Long> out = new HashMap<>();
            try (PreparedStatement st = c.prepareStatement("SELECT name, last_seq FROM rooms");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    @Override
    public Future<Long> lastSeq(String room) {
        return room(room).map(r -> r.map(RoomInfo::lastSeq).orElse(0L));
    }

    @Override
    public Future<Optional<RoomInfo>> room(String room) {
        return read("reading a room", c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT last_seq, created, topic, attrs FROM rooms WHERE name = ?")) {
                st.setString(1, room);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new RoomInfo(room, rs.getLong(1), rs.getLong(2), rs.getString(3),
                            new JsonObject(rs.getString(4))));
                }
            }
        });
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public StoreHealth health() {
        return health.get();
    }

    @Override
    public int queueDepth() {
        return queue.depth();
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public Future<Void> close() {
        Context ctx = Vertx.currentContext();
        Promise<Void> done = Promise.promise();
        closed.future().onComplete(ar -> Completions.run(ctx, () -> done.handle(ar)));
        if (closing.compareAndSet(false, true)) {
            queue.close();
            writer.finished().whenComplete((v, t) -> {
                maintenance.execute(this::closeMaintenanceConnection);
                maintenance.shutdown();
                readers.shutdown();
                try {
                    maintenance.awaitTermination(30, TimeUnit.SECONDS);
                    readers.awaitTermination(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (readerConnections) {
                    readerConnections.forEach(SqliteStore::closeQuietly);
                }
                accounts.close();
                dir.close();
                LOG.info("store {}: closed", config.describe());
                closed.tryComplete();
            });
        }
        return done.future();
    }

    // ---- reads ----

    @FunctionalInterface
    private interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement st) throws SQLException;
    }

    private <T> Future<T> read(String what, SqlFunction<T> body) {
        return Completions.call(readers, () -> {
            try {
                Connection c = readerConnection.get();
                if (c == null) {
                    c = file.connect(SqliteFile.Role.READER);
                    readerConnection.set(c);
                    readerConnections.add(c);
                }
                return body.apply(c);
            } catch (SQLException e) {
                Connection broken = readerConnection.get(); // opened again by the next read
                if (broken != null) {
                    readerConnection.remove();
                    readerConnections.remove(broken);
                    closeQuietly(broken);
                }
                throw Failures.wrap(what, e);
            }
        });
    }

    private static List<StoredMessage> select(Connection c, String sql, String room, Binder rest) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, room);
            rest.bind(st);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredMessage(room, rs.getLong(1), rs.getString(3), rs.getString(4), rs.getLong(2),
                            rs.getInt(5) != 0, rs.getString(6)));
                }
            }
        }
        return out;
    }

    static int cap(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, not " + limit);
        }
        return Math.min(limit, MAX_READ);
    }

    // ---- maintenance ----

    private Connection maintenanceConnection() throws SQLException {
        if (maintenanceConnection == null) {
            maintenanceConnection = file.connect(SqliteFile.Role.CHECKPOINTER);
        }
        return maintenanceConnection;
    }

    /**
     * Copies committed pages from the WAL into the database without waiting for anyone (PASSIVE),
     * so that the WAL is restarted from its beginning instead of growing; the writer never does it.
     */
    private void checkpoint() {
        try (PreparedStatement st = maintenanceConnection().prepareStatement("PRAGMA wal_checkpoint(PASSIVE)")) {
            st.execute();
        } catch (SQLException e) {
            closeMaintenanceConnection();
            metrics.failed(Failures.kindOf(e), 0);
            LOG.debug("store {}: checkpoint failed: {}", config.describe(), Failures.oneLine(e));
        }
    }

    /** Finds the rooms with messages beyond the retention limits and hands them to the writer. */
    private void planRetention() {
        if (writer.pruning()) {
            return; // the last plan is not done yet
        }
        List<SqliteWriter.Prune> work = new ArrayList<>();
        try {
            Connection c = maintenanceConnection();
            int max = config.historyMaxPerRoom();
            try (PreparedStatement st = c.prepareStatement("SELECT name, last_seq FROM rooms WHERE last_seq > ?1"
                    + " AND (SELECT seq FROM messages WHERE room = rooms.name ORDER BY seq LIMIT 1) <= last_seq - ?1")) {
                st.setLong(1, max);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        work.add(new SqliteWriter.Prune(rs.getString(1), rs.getLong(2) - max, 0));
                    }
                }
            }
            if (config.pruneByAge()) {
                long cutoff = System.currentTimeMillis() - config.historyMaxAge().toMillis();
                try (PreparedStatement st = c.prepareStatement("SELECT name FROM rooms"
                        + " WHERE (SELECT ts FROM messages WHERE room = rooms.name ORDER BY seq LIMIT 1) < ?")) {
                    st.setLong(1, cutoff);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            work.add(new SqliteWriter.Prune(rs.getString(1), 0, cutoff));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            closeMaintenanceConnection();
            LOG.debug("store {}: planning retention failed: {}", config.describe(), Failures.oneLine(e));
            return;
        }
        writer.schedule(work);
    }

    private void closeMaintenanceConnection() {
        if (maintenanceConnection != null) {
            closeQuietly(maintenanceConnection);
            maintenanceConnection = null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing more to release
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name.equals("chat-store-reader") ? name + "-" + n.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }
}
