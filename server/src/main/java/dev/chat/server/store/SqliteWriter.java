package dev.chat.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that writes to the SQLite file, with group commit: it takes everything that
 * waits in the {@link WriteQueue} (all that arrived while the previous commit ran), applies it
 * in order in one transaction, commits, then completes the writes' futures. Between commits it
 * prunes a small batch for retention, and while the store is degraded and idle it probes with a
 * tiny write so that health returns to ok without traffic.
 */
final class SqliteWriter implements Runnable {
    /** Most writes in one transaction. */
    static final int MAX_BATCH = 4096;
    /** Most messages one retention transaction deletes. */
    static final int PRUNE_BATCH = 500;
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Under constant load, still one retention batch this often. */
    private static final long PRUNE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final String INSERT_MESSAGE = "INSERT OR IGNORE INTO messages (room, seq, ts, sender, text, action, rid)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String UPSERT_LAST_SEQ = "INSERT INTO rooms (name, last_seq, created) VALUES (?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)";
    private static final String SAVE_ROOM = "INSERT INTO rooms (name, created, topic, attrs) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET topic = excluded.topic, attrs = excluded.attrs";
    private static final String DELETE_MESSAGES = "DELETE FROM messages WHERE room = ?";
    private static final String DELETE_ROOM = "DELETE FROM rooms WHERE name = ?";
    private static final String PRUNE_TO_SEQ = "DELETE FROM messages WHERE room = ?1 AND seq IN"
            + " (SELECT seq FROM messages WHERE room = ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3)";
    private static final String PRUNE_BEFORE_TS = "DELETE FROM messages WHERE room = ?1 AND seq IN"
            + " (SELECT seq FROM messages WHERE room = ?1 AND ts < ?2 ORDER BY seq LIMIT ?3)";
    private static final String PROBE = "INSERT INTO store_info (key, value) VALUES ('last_probe', ?)"
            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

    /**
     * Messages of a room to delete: up to {@code toSeq} (by count), or older than {@code beforeTs}
     * (by age), whichever is set (the other is 0).
     */
    record Prune(String room, long toSeq, long beforeTs) {
    }

    private final SqliteFile file;
    private final WriteQueue queue;
    private final HealthTracker health;
    private final StoreMetrics metrics;
    private final ConcurrentLinkedQueue<Prune> prunes = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private Connection conn;
    private PreparedStatement insert;
    private PreparedStatement upsertLastSeq;
    private long lastAttempt = System.nanoTime();
    private long lastPrune = System.nanoTime();

    SqliteWriter(SqliteFile file, WriteQueue queue, HealthTracker health, StoreMetrics metrics) {
        this.file = file;
        this.queue = queue;
        this.health = health;
        this.metrics = metrics;
    }

    /** Completes when the thread has committed everything queued before the close and closed its connection. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** Retention work found by the maintenance thread; done a batch at a time between commits. */
    void schedule(List<Prune> work) {
        prunes.addAll(work);
    }

    /** Retention work not done yet (the maintenance thread plans no more while there is some). */
    boolean pruning() {
        return !prunes.isEmpty();
    }

    @Override
    public void run() {
        List<WriteOp> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                batch.clear();
                if (queue.drainTo(batch, MAX_BATCH, IDLE_WAIT_NANOS) > 0) {
                    commit(batch);
                } else if (queue.isClosed()) {
                    break;
                }
                maintain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            finished.completeExceptionally(t);
        } finally {
            discardConnection();
            finished.complete(null);
        }
    }

    private void commit(List<WriteOp> batch) {
        int appends = 0;
        for (WriteOp op : batch) {
            if (op.isAppend()) {
                appends++;
            }
        }
        long start = System.nanoTime();
        lastAttempt = start;
        try {
            connection();
            apply(batch);
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            StoreException failure = Failures.wrap(Failures.storing(appends), e);
            health.failed(failure.kind(), failure.getMessage());
            metrics.failed(failure.kind(), appends);
            queue.done(appends);
            Completions.fail(batch, failure);
            return;
        }
        long end = System.nanoTime();
        if (appends > 0) {
            metrics.committed(appends, end - start, end - batch.get(0).queuedNanos);
        }
        health.succeeded();
        queue.done(appends);
        Completions.succeed(batch);
    }

    /** The writes in order; a room's last seq is raised once per transaction. */
    private void apply(List<WriteOp> batch) throws SQLException {
        Map<String, Long> lastSeqs = new HashMap<>();
        for (WriteOp op : batch) {
            if (op.isAppend()) {
                StoredMessage m = op.message;
                insert.setString(1, m.room());
                insert.setLong(2, m.seq());
                insert.setLong(3, m.ts());
                insert.setString(4, m.from());
                insert.setString(5, m.text());
                insert.setInt(6, m.action() ? 1 : 0);
                insert.setString(7, m.requestId());
                insert.addBatch();
                lastSeqs.merge(m.room(), m.seq(), Math::max);
                continue;
            }
            flush(lastSeqs);
            if (op.type == WriteOp.Type.SAVE_ROOM) {
                try (PreparedStatement st = conn.prepareStatement(SAVE_ROOM)) {
                    st.setString(1, op.room);
                    st.setLong(2, System.currentTimeMillis());
                    st.setString(3, op.topic);
                    st.setString(4, op.attrs.encode());
                    st.executeUpdate();
                }
            } else {
                try (PreparedStatement a = conn.prepareStatement(DELETE_MESSAGES);
                     PreparedStatement b = conn.prepareStatement(DELETE_ROOM)) {
                    a.setString(1, op.room);
                    a.executeUpdate();
                    b.setString(1, op.room);
                    b.executeUpdate();
                }
            }
        }
        flush(lastSeqs);
    }

    private void flush(Map<String, Long> lastSeqs) throws SQLException {
        if (lastSeqs.isEmpty()) {
            return;
        }
        insert.executeBatch();
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Long> e : lastSeqs.entrySet()) {
            upsertLastSeq.setString(1, e.getKey());
            upsertLastSeq.setLong(2, e.getValue());
            upsertLastSeq.setLong(3, now);
            upsertLastSeq.addBatch();
        }
        upsertLastSeq.executeBatch();
        lastSeqs.clear();
    }

    private void maintain() {
        long now = System.nanoTime();
        if (!prunes.isEmpty() && (queue.isEmpty() || now - lastPrune >= PRUNE_EVERY_NANOS)) {
            lastPrune = now;
            prune(prunes.poll());
        }
        if (!health.ok() && queue.isEmpty() && now - lastAttempt >= PROBE_EVERY_NANOS) {
            probe();
        }
    }

    private void prune(Prune p) {
        lastAttempt = System.nanoTime();
        try {
            connection();
            int n;
            try (PreparedStatement st = conn.prepareStatement(p.toSeq() > 0 ? PRUNE_TO_SEQ : PRUNE_BEFORE_TS)) {
                st.setString(1, p.room());
                st.setLong(2, p.toSeq() > 0 ? p.toSeq() : p.beforeTs());
                st.setInt(3, PRUNE_BATCH);
                n = st.executeUpdate();
            }
            conn.commit();
            health.succeeded();
            metrics.pruned(n);
            if (n == PRUNE_BATCH) {
                prunes.add(p); // more to do: after the other rooms' turn
            }
        } catch (SQLException | RuntimeException e) {
            failedAlone("pruning room " + p.room(), e);
        }
    }

    private void probe() {
        lastAttempt = System.nanoTime();
        try {
            connection();
            try (PreparedStatement st = conn.prepareStatement(PROBE)) {
                st.setString(1, Long.toString(System.currentTimeMillis()));
                st.executeUpdate();
            }
            conn.commit();
            health.succeeded();
        } catch (SQLException | RuntimeException e) {
            failedAlone("probing", e);
        }
    }

    /** A write of the store's own (no append waiting on it) failed. */
    private void failedAlone(String what, Exception e) {
        discardConnection();
        StoreException failure = Failures.wrap(what, e);
        health.failed(failure.kind(), failure.getMessage());
        metrics.failed(failure.kind(), 0);
    }

    private void connection() throws SQLException {
        if (conn == null) {
            conn = file.connect(SqliteFile.Role.WRITER);
            insert = conn.prepareStatement(INSERT_MESSAGE);
            upsertLastSeq = conn.prepareStatement(UPSERT_LAST_SEQ);
        }
    }

    /**
     * After a failure the connection is closed (rolling back what it had) and opened again for the
     * next write: whatever state the error left it in, the next transaction starts clean.
     */
    private void discardConnection() {
        if (conn == null) {
            return;
        }
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // closing rolls back too
        }
        try {
            conn.close();
        } catch (SQLException ignored) {
            // nothing more to release
        }
        conn = null;
        insert = null;
        upsertLastSeq = null;
    }
}
