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
        long nowOpened = metrics.connectionsTotal.sum();
        long nowIn = metrics.framesIn.sum();
        long nowDelivered = metrics.messagesDelivered.sum();
        int nowConnections = metrics.connections.get();
        long newConnections = nowOpened - opened;
        if (newConnections == 0 && nowIn == framesIn && nowDelivered == delivered && nowConnections == connections) {
            return;
        }
        long closed = newConnections - (nowConnections - connections);
        double seconds = PERIOD_MS / 1000.0;
        LOG.info("{} connection(s) open ({} opened, {} closed in the last {} s); {} request(s)/s in, {} message(s)/s delivered",
                nowConnections, newConnections, closed, (long) seconds,
                String.format("%.1f", (nowIn - framesIn) / seconds), String.format("%.1f", (nowDelivered - delivered) / seconds));
        opened = nowOpened;
        framesIn = nowIn;
        delivered = nowDelivered;
        connections = nowConnections;
    }
}
