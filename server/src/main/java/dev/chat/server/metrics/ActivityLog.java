package dev.chat.server.metrics;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line a minute saying what the server did, instead of a line per connection (those
 * are at DEBUG): open connections, connections opened and closed, requests and deliveries per
 * second. Quiet when nothing happened since the last line.
 */
public final class ActivityLog {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityLog.class);
    /** How often the summary is written. */
    public static final long PERIOD_MS = 60_000;

    private final ServerMetrics metrics;
    private long opened;
    private long framesIn;
    private long delivered;
    private int connections;

    public ActivityLog(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    public void start(Vertx vertx) {
        vertx.setPeriodic(PERIOD_MS, t -> log());
    }

    private void log() {
        String line = summary();
        if (line != null) {
            LOG.info(line);
        }
    }

    /** The summary of what happened since the last one, or null if nothing did. */
    String summary() {
        long nowOpened = metrics.connectionsTotal.sum();
        long nowIn = metrics.framesIn.sum();
        long nowDelivered = metrics.messagesDelivered.sum();
        int nowConnections = metrics.connections.get();
        long newConnections = nowOpened - opened;
        if (newConnections == 0 && nowIn == framesIn && nowDelivered == delivered && nowConnections == connections) {
            return null;
        }
        long closed = newConnections - (nowConnections - connections);
        double seconds = PERIOD_MS / 1000.0;
        String line = String.format(java.util.Locale.ROOT,
                "%d connection(s) open (%d opened, %d closed in the last %d s); %.1f request(s)/s in, %.1f message(s)/s delivered",
                nowConnections, newConnections, closed, (long) seconds, (nowIn - framesIn) / seconds,
                (nowDelivered - delivered) / seconds);
        opened = nowOpened;
        framesIn = nowIn;
        delivered = nowDelivered;
        connections = nowConnections;
        return line;
    }
}
