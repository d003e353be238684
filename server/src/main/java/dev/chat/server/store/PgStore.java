package dev.chat.server.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store in PostgreSQL, which several nodes may share, through Vert.x's reactive client: no
 * thread blocks. Writes are grouped on the store's own context: one transaction at a time (so
 * they stay in order), carrying everything that arrived while the previous one ran; appends
 * alone go as one statement (one round trip). Reads use the pool's other connections.
 *
 * <p>When a write fails (PostgreSQL restarted, unreachable, full), the store is degraded: the
 * writes waiting and those that arrive fail at once ({@link StoreErrorKind#UNAVAILABLE}) while it
 * retries a tiny write with backoff; the first that succeeds makes it ok again.
 */
final class PgStore implements MessageStore {
    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);
    static final String APPLICATION_NAME = "chat-server";
    static final int POOL_SIZE = 6;
    static final int MAX_BATCH = 4096;
    static final int PRUNE_BATCH = 500;
    private static final long RETRY_FIRST_MS = 50;
    private static final long RETRY_MAX_MS = 2_000;
    private static final String COLUMNS = "seq, ts, sender, text, action, rid";

    private static final String APPEND = "WITH batch AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[],"
            + " $4::text[], $5::text[], $6::boolean[], $7::text[]) AS b (room, seq, ts, sender, text, action, rid)),"
            + " ins AS (INSERT INTO messages (room, seq, ts, sender, text, action, rid)"
            + " SELECT room, seq, ts, sender, text, action, rid FROM batch ON CONFLICT (room, seq) DO NOTHING)"
            + " INSERT INTO rooms (name, last_seq, created) SELECT room, max(seq), $8 FROM batch GROUP BY room"
            + " ON CONFLICT (name) DO UPDATE SET last_seq = GREATEST(rooms.last_seq, excluded.last_seq)";
    private static final String SAVE_ROOM = "INSERT INTO rooms (name, created, topic, attrs) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT (name) DO UPDATE SET topic = excluded.topic, attrs = excluded.attrs";
    private static final String PROBE = "INSERT INTO store_info (key, value) VALUES ('last_probe', $1)"
            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

    private final Vertx vertx;
    private final StoreConfig config;
    private final StoreMetrics metrics;
    private final Pool pool;
    private final Context context;
    private final String deployment;
    private final WriteQueue queue;
    private final HealthTracker health;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final long retentionTimer;
    // the store's context only:
    private boolean writing;
    private volatile boolean down;
    private long retryMs = RETRY_FIRST_MS;
    private boolean pruning;
    private boolean closing;
    private Promise<Void> drained;
    private Promise<Void> closed;

    private PgStore(Vertx vertx, StoreConfig config, StoreMetrics metrics, Pool pool, Context context,
                    String deployment, long retentionEveryMs) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.pool = pool;
        this.context = context;
        this.deployment = deployment;
        this.queue = new WriteQueue(config.maxQueuedBytes());
        this.health = new HealthTracker(config.describe());
        this.retentionTimer = vertx.setPeriodic(Math.min(retentionEveryMs, 2_000), retentionEveryMs,
                t -> context.runOnContext(v -> planRetention()));
    }

    /**
     * Checks that PostgreSQL is reachable and migrates its schema (JDBC, on a worker), then opens
     * the reactive pool on a context of the store's own.
     */
    static Future<MessageStore> open(Vertx vertx, StoreConfig config, StoreMetrics metrics, long retentionEveryMs) {
        return vertx.executeBlocking(() -> PgSchema.prepare(config)).compose(version -> {
            Promise<Context> ctx = Promise.promise();
            VerticleBase home = new VerticleBase() {
                @Override
                public Future<?> start() {
                    ctx.complete(context);
                    return Future.succeededFuture();
                }
            };
            return vertx.deployVerticle(home).compose(id -> ctx.future().compose(context -> {
                PgConnectOptions connect = config.postgres();
                Map<String, String> props = new HashMap<>(connect.getProperties());
                props.put("application_name", APPLICATION_NAME);
                props.put("synchronous_commit", config.durability() == Durability.FSYNC ? "on" : "off");
                connect.setProperties(props);
                connect.setReconnectAttempts(0);
                Pool pool = PgBuilder.pool()
                        .with(new PoolOptions().setMaxSize(POOL_SIZE).setMaxWaitQueueSize(10_000)
                                .setConnectionTimeout(PgSchema.CONNECT_TIMEOUT_S))
                        .with(new NetClientOptions().setConnectTimeout(PgSchema.CONNECT_TIMEOUT_S * 1000)
                                .setTcpNoDelay(true))
                        .connectingTo(connect)
                        .using(vertx)
                        .build();
                PgStore store = new PgStore(vertx, config, metrics, pool, context, id, retentionEveryMs);
                return pool.query("SELECT 1").execute().<MessageStore>map(rs -> {
                    LOG.info("store {}: schema version {}, durability {} (synchronous_commit={})", config.describe(),
                            version, config.durability().label(), props.get("synchronous_commit"));
                    return store;
                }).recover(e -> store.close().transform(x -> Future.failedFuture(new StoreStartException(
                        config.describe() + " is unreachable: " + Failures.oneLine(e), e))));
            }));
        });
    }

    // ---- writes ----

    @Override
    public Future<Void> append(StoredMessage message) {
        if (message.text().indexOf('\0') >= 0 || message.from().indexOf('\0') >= 0
                || message.room().indexOf('\0') >= 0) {
            return Future.failedFuture(new StoreException(StoreErrorKind.OTHER,
                    "PostgreSQL cannot store the character U+0000 in a text"));
        }
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
        if (down) {
            if (op.isAppend()) {
                metrics.failed(StoreErrorKind.UNAVAILABLE, 1);
            }
            return Future.failedFuture(unavailable());
        }
        StoreErrorKind refused = queue.offer(op);
        if (refused != null) {
            if (op.isAppend()) {
                metrics.failed(refused, 1);
            }
            return Future.failedFuture(new StoreException(refused, refused == StoreErrorKind.CLOSED
                    ? "the store is closed" : "the store's write queue is full"));
        }
        if (pumpScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                pumpScheduled.set(false);
                pump();
            });
        }
        return op.promise.future();
    }

    private StoreException unavailable() {
        StoreHealth h = health.get();
        return new StoreException(StoreErrorKind.UNAVAILABLE, "the store is unavailable"
                + (h.lastError() == null ? "" : ": " + h.lastError()));
    }

    /** Starts the next transaction if none runs: everything waiting goes into it. */
    private void pump() {
        if (writing) {
            return;
        }
        List<WriteOp> batch = new ArrayList<>();
        if (down) {
            queue.drainNow(batch, Integer.MAX_VALUE);
            failAll(batch, unavailable());
            finishIfDrained();
            return;
        }
        if (queue.drainNow(batch, MAX_BATCH) == 0) {
            finishIfDrained();
            return;
        }
        writing = true;
        int appends = (int) batch.stream().filter(WriteOp::isAppend).count();
        long start = System.nanoTime();
        write(batch).onComplete(ar -> {
            writing = false;
            long end = System.nanoTime();
            if (ar.succeeded()) {
                if (appends > 0) {
                    metrics.committed(appends, end - start, end - batch.get(0).queuedNanos);
                }
                health.succeeded();
                queue.done(appends);
                Completions.succeed(batch);
            } else {
                StoreException failure = Failures.wrap(Failures.storing(appends), ar.cause());
                health.failed(failure.kind(), failure.getMessage());
                metrics.failed(failure.kind(), appends);
                queue.done(appends);
                Completions.fail(batch, failure);
                goDown();
            }
            pump();
        });
    }

    private Future<?> write(List<WriteOp> batch) {
        boolean appendsOnly = batch.stream().allMatch(WriteOp::isAppend);
        if (appendsOnly) {
            return pool.preparedQuery(APPEND).execute(appendTuple(batch, 0, batch.size()));
        }
        return pool.withTransaction(conn -> {
            Future<?> chain = Future.succeededFuture();
            int i = 0;
            while (i < batch.size()) {
                int from = i;
                WriteOp op = batch.get(i);
                if (op.isAppend()) {
                    while (i < batch.size() && batch.get(i).isAppend()) {
                        i++;
                    }
                    int to = i;
                    chain = chain.compose(x -> conn.preparedQuery(APPEND).execute(appendTuple(batch, from, to)));
                } else {
                    i++;
                    chain = chain.compose(x -> other(conn, op));
                }
            }
            return chain;
        });
    }

    private static Future<?> other(SqlConnection conn, WriteOp op) {
        if (op.type == WriteOp.Type.SAVE_ROOM) {
            return conn.preparedQuery(SAVE_ROOM).execute(Tuple.of(op.room, System.currentTimeMillis(), op.topic,
                    op.attrs));
        }
        return conn.preparedQuery("DELETE FROM messages WHERE room = $1").execute(Tuple.of(op.room))
                .compose(x -> conn.preparedQuery("DELETE FROM rooms WHERE name = $1").execute(Tuple.of(op.room)));
    }

    private static Tuple appendTuple(List<WriteOp> batch, int from, int to) {
        int n = to - from;
        String[] rooms = new String[n];
        Long[] seqs = new Long[n];
        Long[] ts = new Long[n];
        String[] senders = new String[n];
        String[] texts = new String[n];
        Boolean[] actions = new Boolean[n];
        String[] rids = new String[n];
        for (int i = 0; i < n; i++) {
            StoredMessage m = batch.get(from + i).message;
            rooms[i] = m.room();
            seqs[i] = m.seq();
            ts[i] = m.ts();
            senders[i] = m.from();
            texts[i] = m.text();
            actions[i] = m.action();
            rids[i] = m.requestId();
        }
        return Tuple.tuple().addValue(rooms).addValue(seqs).addValue(ts).addValue(senders).addValue(texts)
                .addValue(actions).addValue(rids).addLong(System.currentTimeMillis());
    }

    private void failAll(List<WriteOp> ops, StoreException e) {
        if (!ops.isEmpty()) {
            int appends = (int) ops.stream().filter(WriteOp::isAppend).count();
            metrics.failed(e.kind(), appends);
            queue.done(appends);
            Completions.fail(ops, e);
        }
    }

    /**
     * After a failed write: refuse writes and retry a tiny one with backoff (50 ms doubling to
     * 2 s); the pool opens new connections as needed.
     */
    private void goDown() {
        if (down) {
            return;
        }
        down = true;
        retryMs = RETRY_FIRST_MS;
        scheduleProbe();
    }

    private void scheduleProbe() {
        if (closing) {
            return;
        }
        vertx.setTimer(retryMs, t -> context.runOnContext(v -> probe()));
    }

    private void probe() {
        pool.preparedQuery(PROBE).execute(Tuple.of(Long.toString(System.currentTimeMillis()))).onComplete(ar -> {
            if (ar.succeeded()) {
                down = false;
                health.succeeded();
                pump();
            } else {
                StoreException failure = Failures.wrap("reconnecting", ar.cause());
                health.failed(failure.kind(), failure.getMessage());
                metrics.failed(failure.kind(), 0);
                retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
                if (closing) {
                    finishIfDrained();
                } else {
                    scheduleProbe();
                }
            }
        });
    }

    // ---- reads ----

    @Override
    public Future<List<StoredMessage>> latest(String room, int limit) {
        int n = SqliteStore.cap(limit);
        return read("reading history", pool.preparedQuery("SELECT " + COLUMNS + " FROM messages WHERE room = $1"
                + " ORDER BY seq DESC LIMIT $2").execute(Tuple.of(room, n)).map(rs -> {
                    List<StoredMessage> out = messages(room, rs);
                    java.util.Collections.reverse(out);
                    return out;
                }));
    }

    @Override
    public Future<List<StoredMessage>> after(String room, long afterSeq, int limit) {
        int n = SqliteStore.cap(limit);
        return read("reading history", pool.preparedQuery("SELECT " + COLUMNS + " FROM messages WHERE room = $1"
                + " AND seq > $2 ORDER BY seq LIMIT $3").execute(Tuple.of(room, afterSeq, n)).map(rs -> messages(room, rs)));
    }

    @Override
    public Future<Optional<StoredMessage>> byRequestId(String room, String requestId) {
        return read("looking up a request id", pool.preparedQuery("SELECT " + COLUMNS + " FROM messages"
                + " WHERE room = $1 AND rid = $2").execute(Tuple.of(room, requestId))
                .map(rs -> messages(room, rs).stream().findFirst()));
    }

    @Override
    public Future<Map<String, Long>> lastSeqs() {
        return read("reading the rooms", pool.query("SELECT name, last_seq FROM rooms").execute().map(rs -> {
            Map<String, Long> out = new HashMap<>();
            for (Row r : rs) {
                out.put(r.getString(0), r.getLong(1));
            }
            return out;
        }));
    }

    @Override
    public Future<Long> lastSeq(String room) {
        return room(room).map(r -> r.map(RoomInfo::lastSeq).orElse(0L));
    }

    @Override
    public Future<Optional<RoomInfo>> room(String room) {
        return read("reading a room", pool.preparedQuery("SELECT last_seq, created, topic, attrs FROM rooms"
                + " WHERE name = $1").execute(Tuple.of(room)).map(rs -> {
                    for (Row r : rs) {
                        return Optional.of(new RoomInfo(room, r.getLong(0), r.getLong(1), r.getString(2),
                                r.getJsonObject(3)));
                    }
                    return Optional.<RoomInfo>empty();
                }));
    }

    // ---- accounts (rare and small: one statement each, outside the message batches) ----

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    private final AccountStore accounts = new AccountStore() {
        @Override
        public Future<List<StoredAccount>> allAccounts() {
            return read("reading the accounts", pool.query("SELECT nick_key, nick, hash, created FROM accounts")
                    .execute().map(rs -> {
                        List<StoredAccount> out = new ArrayList<>(rs.size());
                        for (Row r : rs) {
                            out.add(new StoredAccount(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)));
                        }
                        return out;
                    }));
        }

        @Override
        public Future<Boolean> insertAccount(StoredAccount a) {
            return read("storing an account", pool.preparedQuery("INSERT INTO accounts (nick_key, nick, hash, created)"
                    + " VALUES ($1, $2, $3, $4) ON CONFLICT (nick_key) DO NOTHING")
                    .execute(Tuple.of(a.nickKey(), a.nick(), a.hash(), a.created())).map(rs -> rs.rowCount() == 1));
        }

        @Override
        public Future<Void> updateAccountHash(String nickKey, String hash) {
            return read("changing a password", pool.preparedQuery("UPDATE accounts SET hash = $1 WHERE nick_key = $2")
                    .execute(Tuple.of(hash, nickKey)).mapEmpty());
        }

        @Override
        public Future<Void> deleteAccount(String nickKey) {
            return read("deleting an account", pool.preparedQuery("DELETE FROM accounts WHERE nick_key = $1")
                    .execute(Tuple.of(nickKey)).mapEmpty());
        }
    };

    private static <T> Future<T> read(String what, Future<T> f) {
        return f.recover(e -> Future.failedFuture(Failures.wrap(what, e)));
    }

    private static List<StoredMessage> messages(String room, RowSet<Row> rs) {
        List<StoredMessage> out = new ArrayList<>(rs.size());
        for (Row r : rs) {
            out.add(new StoredMessage(room, r.getLong(0), r.getString(2), r.getString(3), r.getLong(1),
                    r.getBoolean(4), r.getString(5)));
        }
        return out;
    }

    // ---- retention ----

    /** Finds the rooms beyond the retention limits, then prunes them a batch at a time, one statement after another. */
    private void planRetention() {
        if (pruning || down || closing) {
            return;
        }
        pruning = true;
        int max = config.historyMaxPerRoom();
        long cutoff = System.currentTimeMillis() - config.historyMaxAge().toMillis();
        List<Tuple> work = new ArrayList<>();
        pool.preparedQuery("SELECT name, last_seq FROM rooms WHERE last_seq > $1"
                + " AND (SELECT seq FROM messages WHERE room = rooms.name ORDER BY seq LIMIT 1) <= last_seq - $1")
                .execute(Tuple.of((long) max))
                .compose(rs -> {
                    for (Row r : rs) {
                        work.add(Tuple.of(r.getString(0), r.getLong(1) - max, PRUNE_BATCH));
                    }
                    if (!config.pruneByAge()) {
                        return Future.succeededFuture();
                    }
                    return pool.preparedQuery("SELECT name FROM rooms WHERE"
                            + " (SELECT ts FROM messages WHERE room = rooms.name ORDER BY seq LIMIT 1) < $1")
                            .execute(Tuple.of(cutoff)).map(rows -> {
                                for (Row r : rows) {
                                    work.add(Tuple.of(r.getString(0), -cutoff, PRUNE_BATCH));
                                }
                                return null;
                            });
                })
                .compose(x -> pruneNext(work, 0))
                .onComplete(ar -> {
                    pruning = false;
                    if (ar.failed()) {
                        LOG.debug("store {}: retention failed: {}", config.describe(), Failures.oneLine(ar.cause()));
                    }
                });
    }

    /** Prunes room {@code i} of the plan (seq bound positive, or a negated ts cutoff), a batch at a time. */
    private Future<Void> pruneNext(List<Tuple> work, int i) {
        if (i >= work.size() || closing || down) {
            return Future.succeededFuture();
        }
        Tuple t = work.get(i);
        boolean byAge = t.getLong(1) < 0;
        String sql = "DELETE FROM messages WHERE room = $1 AND seq IN (SELECT seq FROM messages WHERE room = $1 AND "
                + (byAge ? "ts < $2" : "seq <= $2") + " ORDER BY seq LIMIT $3)";
        Tuple args = Tuple.of(t.getString(0), Math.abs(t.getLong(1)), t.getInteger(2));
        return pool.preparedQuery(sql).execute(args).compose(rs -> {
            metrics.pruned(rs.rowCount());
            return pruneNext(work, rs.rowCount() == PRUNE_BATCH ? i : i + 1);
        });
    }

    // ---- state ----

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
        Context caller = Vertx.currentContext();
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (closed == null) {
                closed = Promise.promise();
                closing = true;
                queue.close();
                vertx.cancelTimer(retentionTimer);
                drained = Promise.promise();
                drained.future()
                        .transform(x -> pool.close())
                        .transform(x -> vertx.undeploy(deployment))
                        .onComplete(x -> {
                            LOG.info("store {}: closed", config.describe());
                            closed.complete();
                        });
                pump();
                finishIfDrained();
            }
            closed.future().onComplete(x -> Completions.run(caller, done::tryComplete));
        });
        return done.future();
    }

    private void finishIfDrained() {
        if (closing && !writing && queue.isEmpty() && drained != null) {
            drained.tryComplete();
        }
    }
}
