package dev.chat.server.store;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The store's benchmark harness (not a test): appends at a fixed rate from one event loop, as
 * the hub would, and reports appends/s, the latency of each append (from the moment it was due
 * to its future completing: queueing in the loop and the store, plus the commit) and the
 * duration of each transaction. Run by hand; docs/BENCHMARKS.md has the command and results.
 *
 * <pre>
 * StoreLoad --store sqlite|memory|postgresql://u:p@h:port/db|private-postgres
 *           [--durability process|fsync] [--rate 10000 (0: as fast as it goes)] [--seconds 30]
 *           [--warmup 5] [--rooms 100] [--text 80] [--data-dir DIR]
 * </pre>
 */
public final class StoreLoad {
    private static final int MAX_IN_FLIGHT = 20_000;

    private StoreLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("--store", "sqlite", "--durability", "process", "--rate", "10000",
                "--seconds", "30", "--warmup", "5", "--rooms", "100", "--text", "80"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        int rate = Integer.parseInt(o.get("--rate"));
        int seconds = Integer.parseInt(o.get("--seconds"));
        int warmup = Integer.parseInt(o.get("--warmup"));
        int rooms = Integer.parseInt(o.get("--rooms"));
        String text = "x".repeat(Integer.parseInt(o.get("--text")));
        Path dir = o.containsKey("--data-dir") ? Path.of(o.get("--data-dir")) : Files.createTempDirectory("store-load-");
        PostgresServer pg = null;
        String store = o.get("--store");
        if (store.equals("private-postgres")) {
            pg = PostgresServer.start(PostgresServer.installed().orElseThrow());
            store = pg.url(pg.createDatabase());
        }
        StoreConfig config = StoreConfig.defaults().withStore(store).withDataDir(dir)
                .withDurability(Durability.parse(o.get("--durability"))).withHistoryMaxPerRoom(1_000_000);

        Histogram commits = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        LongAdder rows = new LongAdder();
        LongAdder transactions = new LongAdder();
        LongAdder errors = new LongAdder();
        boolean[] recording = {false};
        StoreMetrics metrics = new StoreMetrics() {
            @Override
            public void committed(int n, long commitNanos, long oldestWaitNanos) {
                if (recording[0]) {
                    commits.recordValue(commitNanos);
                    rows.add(n);
                    transactions.increment();
                }
            }

            @Override
            public void failed(StoreErrorKind kind, int appends) {
                errors.add(appends);
            }

            @Override
            public void pruned(int n) {
            }
        };
        Vertx vertx = Vertx.vertx();
        MessageStore s = Stores.open(vertx, config, metrics).await();
        Histogram acks = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long[] seqs = new long[rooms];
        long[] counts = new long[3]; // sent, acked in the measured window, in flight
        CompletableFuture<Void> finished = new CompletableFuture<>();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
        vertx.runOnContext(v -> vertx.setPeriodic(1, t -> {
            long now = System.nanoTime();
            recording[0] = now >= measureFrom && now < end;
            if (now >= end) {
                vertx.cancelTimer(t);
                if (counts[2] == 0) {
                    finished.complete(null);
                }
                return;
            }
            while (counts[2] < MAX_IN_FLIGHT && (rate == 0 || start + counts[0] * interval <= now)) {
                long due = rate == 0 ? now : start + counts[0] * interval;
                int r = (int) (counts[0]++ % rooms);
                counts[2]++;
                s.append(new StoredMessage("room-" + r, ++seqs[r], "load", text, System.currentTimeMillis(), false, null))
                        .onComplete(ar -> {
                            counts[2]--;
                            long done = System.nanoTime();
                            if (ar.succeeded() && due >= measureFrom && due < end) {
                                acks.recordValue(Math.min(done - due, acks.getHighestTrackableValue()));
                                counts[1]++;
                            }
                            if (done >= end && counts[2] == 0) {
                                finished.complete(null);
                            }
                        });
            }
        }));
        finished.get(seconds + warmup + 120L, TimeUnit.SECONDS);
        s.close().await();
        vertx.close().await();
        if (pg != null) {
            pg.close();
        }
        System.out.printf(Locale.ROOT, "store=%s durability=%s rate=%s rooms=%d text=%dB seconds=%d%n",
                config.kind().name().toLowerCase(Locale.ROOT), config.durability().label(),
                rate == 0 ? "max" : Integer.toString(rate), rooms, text.length(), seconds);
        System.out.printf(Locale.ROOT, "appends/s=%.0f errors=%d%n", counts[1] / (double) seconds, errors.sum());
        System.out.printf(Locale.ROOT, "append latency ms: p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f%n",
                ms(acks, 50), ms(acks, 90), ms(acks, 99), ms(acks, 99.9), acks.getMaxValue() / 1e6);
        if (commits.getTotalCount() > 0) {
            System.out.printf(Locale.ROOT, "commit ms: p50=%.3f p99=%.3f max=%.3f transactions/s=%.0f rows/commit=%.1f%n",
                    ms(commits, 50), ms(commits, 99), commits.getMaxValue() / 1e6,
                    transactions.sum() / (double) seconds, rows.sum() / (double) Math.max(1, transactions.sum()));
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }
}
