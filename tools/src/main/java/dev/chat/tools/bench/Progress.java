package dev.chat.tools.bench;

import java.io.PrintWriter;
import java.util.Locale;

/** The once-a-second progress line on stderr: phase, clients ready, rates over the last second. */
final class Progress {
    private static final long SECOND = 1_000_000_000L;

    private final PrintWriter err;
    private final long clients;
    private final long start = System.nanoTime();
    private long lastAt = start;
    private Snapshot last = Snapshot.EMPTY;

    Progress(PrintWriter err, long clients) {
        this.err = err;
        this.clients = clients;
    }

    /** Prints a line if a second has passed since the last one. */
    void tick(String phase, Snapshot now) {
        long t = System.nanoTime();
        if (t - lastAt < SECOND) {
            return;
        }
        double secs = (t - lastAt) / 1e9;
        err.println(String.format(Locale.ROOT,
                "[%6.1fs] %-8s ready %d/%d  sent %s/s  deliveries %s/s  p99 %s  in flight %d  errors %d",
                (t - start) / 1e9, phase, now.ready(), clients, Report.count((now.sent() - last.sent()) / secs),
                Report.count((now.delivered() - last.delivered()) / secs),
                now.intervalP99() > 0 ? Report.millis(now.intervalP99()) : "-", now.inFlight(), now.errors()));
        err.flush();
        lastAt = t;
        last = now;
    }
}
