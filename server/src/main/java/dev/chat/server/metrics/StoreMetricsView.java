package dev.chat.server.metrics;

import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoreCounters;
import dev.chat.server.store.StoreErrorKind;
import java.util.function.Consumer;

/**
 * The store's metrics in {@code /metrics} (docs/STORAGE.md lists them): commit latency and the
 * wait of each transaction's oldest message (histograms, seconds), messages per commit
 * (histogram), messages waiting for their commit, errors by kind, failed appends, rows pruned, and
 * whether the store is degraded. Rendered from {@link StoreCounters} at scrape time.
 */
public final class StoreMetricsView implements Consumer<StringBuilder> {
    private final StoreCounters counters;
    private final MessageStore store;

    public StoreMetricsView(StoreCounters counters, MessageStore store) {
        this.counters = counters;
        this.store = store;
    }

    @Override
    public void accept(StringBuilder b) {
        histogram(b, "chat_store_commit_seconds", "Time to commit one transaction of messages.",
                counters.commitSeconds());
        histogram(b, "chat_store_ack_wait_seconds",
                "From the oldest message of a transaction being handed to the store to its commit: its sender's wait.",
                counters.oldestAppendSeconds());
        histogram(b, "chat_store_rows_per_commit", "Messages in one committed transaction.", counters.rowsPerCommit());
        ServerMetrics.gauge(b, "chat_store_queue_depth", "Messages waiting for their commit (the one running included).",
                store.queueDepth());
        ServerMetrics.gauge(b, "chat_store_degraded", "1 while writes to the store fail (see /health), else 0.",
                store.health().ok() ? 0 : 1);
        b.append("# HELP chat_store_errors_total Store failures by kind (failed commits and probes, refused appends).\n")
                .append("# TYPE chat_store_errors_total counter\n");
        for (StoreErrorKind k : StoreErrorKind.values()) {
            b.append("chat_store_errors_total{kind=\"").append(k.label()).append("\"} ").append(counters.errors(k))
                    .append('\n');
        }
        ServerMetrics.counter(b, "chat_store_failed_appends_total", "Messages the store did not commit (answered unavailable).",
                counters.failedAppends());
        ServerMetrics.counter(b, "chat_store_pruned_total", "Messages removed by retention.", counters.pruned());
    }

    private static void histogram(StringBuilder b, String name, String help, StoreCounters.Histogram h) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" histogram\n");
        double[] bounds = h.bounds();
        long[] cumulative = h.cumulative();
        for (int i = 0; i < bounds.length; i++) {
            b.append(name).append("_bucket{le=\"").append(number(bounds[i])).append("\"} ").append(cumulative[i])
                    .append('\n');
        }
        b.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative[bounds.length]).append('\n');
        b.append(name).append("_sum ").append(number(h.sum())).append('\n');
        b.append(name).append("_count ").append(cumulative[bounds.length]).append('\n');
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return java.math.BigDecimal.valueOf(v).toPlainString();
    }
}
