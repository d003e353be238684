package dev.chat.server.store;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link StoreMetrics} kept as plain counters and fixed-bucket histograms, ready to render in
 * Prometheus' text format (cumulative buckets, sum, count): commit latency, the wait of a
 * transaction's oldest append, rows per commit, errors by kind, rows pruned. Thread-safe.
 */
public final class StoreCounters implements StoreMetrics {
    /** Upper bounds of the latency buckets, seconds. */
    public static final double[] LATENCY_BOUNDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
    /** Upper bounds of the rows-per-commit buckets. */
    public static final double[] ROWS_BOUNDS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000};

    private final Histogram commitSeconds = new Histogram(LATENCY_BOUNDS);
    private final Histogram ackSeconds = new Histogram(LATENCY_BOUNDS);
    private final Histogram rowsPerCommit = new Histogram(ROWS_BOUNDS);
    private final Map<StoreErrorKind, LongAdder> errors = new EnumMap<>(StoreErrorKind.class);
    private final LongAdder failedAppends = new LongAdder();
    private final LongAdder pruned = new LongAdder();

    public StoreCounters() {
        for (StoreErrorKind k : StoreErrorKind.values()) {
            errors.put(k, new LongAdder());
        }
    }

    @Override
    public void committed(int rows, long commitNanos, long oldestWaitNanos) {
        commitSeconds.record(commitNanos / 1e9);
        ackSeconds.record(oldestWaitNanos / 1e9);
        rowsPerCommit.record(rows);
    }

    @Override
    public void failed(StoreErrorKind kind, int appends) {
        errors.get(kind).increment();
        failedAppends.add(appends);
    }

    @Override
    public void pruned(int rows) {
        pruned.add(rows);
    }

    /** Transaction duration, seconds ({@code chat_store_commit_seconds}). */
    public Histogram commitSeconds() {
        return commitSeconds;
    }

    /** Queue wait plus commit of each transaction's oldest append, seconds. */
    public Histogram oldestAppendSeconds() {
        return ackSeconds;
    }

    /** Messages per transaction. */
    public Histogram rowsPerCommit() {
        return rowsPerCommit;
    }

    /** Failures of one kind (write errors, refused appends). */
    public long errors(StoreErrorKind kind) {
        return errors.get(kind).sum();
    }

    /** Appends that failed, all kinds together. */
    public long failedAppends() {
        return failedAppends.sum();
    }

    public long pruned() {
        return pruned.sum();
    }

    /** A histogram with fixed upper bounds (plus +Inf), lock-free. */
    public static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder count = new LongAdder();
        private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds.clone();
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void record(double v) {
            int i = 0;
            while (i < bounds.length && v > bounds[i]) {
                i++;
            }
            counts[i].increment();
            count.increment();
            sum.add(v);
        }

        /** Upper bounds, without the implicit +Inf. */
        public double[] bounds() {
            return bounds.clone();
        }

        /** Cumulative counts: element i counts values up to {@code bounds()[i]}; the last is +Inf (= count). */
        public long[] cumulative() {
            long[] out = new long[counts.length];
            long run = 0;
            for (int i = 0; i < counts.length; i++) {
                run += counts[i].sum();
                out[i] = run;
            }
            return out;
        }

        public long count() {
            return count.sum();
        }

        public double sum() {
            return sum.sum();
        }
    }
}
