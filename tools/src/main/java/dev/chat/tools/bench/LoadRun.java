package dev.chat.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * A set of {@link LoadLoop} threads sharing the clients of a {@link Topology} (client {@code i}
 * goes to loop {@code i % threads}), and what the coordinating thread does with them: release
 * clients for set-up, start the senders, watch the counters, stop.
 */
final class LoadRun implements AutoCloseable {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final RunControl control = new RunControl();
    private final List<LoadLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Progress progress;

    /**
     * @param window says each sender keeps unanswered (windowed sending), or 0
     * @param rate messages per second over all senders (paced sending), or 0
     */
    LoadRun(Topology topology, int threadCount, int window, double rate, int textLength, Progress progress) {
        this.progress = progress;
        int totalSenders = topology.senders();
        try {
            for (int t = 0; t < threadCount; t++) {
                List<ClientSpec> mine = new ArrayList<>();
                int senders = 0;
                for (ClientSpec c : topology.clients) {
                    if (c.index() % threadCount == t) {
                        mine.add(c);
                        senders += c.sender() ? 1 : 0;
                    }
                }
                double share = totalSenders == 0 ? 0 : rate * senders / totalSenders;
                loops.add(new LoadLoop(control, mine, window, share, textLength));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        for (int t = 0; t < loops.size(); t++) {
            Thread th = new Thread(loops.get(t), "bench-loop-" + t);
            th.setDaemon(true);
            threads.add(th);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    RunControl control() {
        return control;
    }

    /** Counters summed over the loops. */
    Snapshot totals() {
        Snapshot sum = null;
        for (LoadLoop l : loops) {
            sum = sum == null ? l.snapshot() : sum.plus(l.snapshot());
        }
        return sum == null ? Snapshot.EMPTY : sum;
    }

    /** Lets clients with an index below {@code upTo} connect and set up. */
    void release(int upTo) {
        control.release = upTo;
        loops.forEach(LoadLoop::wakeup);
    }

    /** Starts the senders. */
    void startSending(Schedule schedule) {
        control.schedule = schedule;
        loops.forEach(LoadLoop::wakeup);
    }

    /**
     * Waits until {@code count} clients are registered and joined, printing progress.
     *
     * @throws BenchFailure a loop failed, or the time ran out (exit code 3)
     */
    void awaitReady(long count, long timeoutNanos, String phase) {
        long deadline = System.nanoTime() + timeoutNanos;
        awaitUntil(phase, () -> totals().ready() >= count, deadline, () -> {
            throw new BenchFailure(BenchFailure.CONNECT, "only " + totals().ready() + " of " + count
                    + " clients were connected, registered and joined within "
                    + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
        });
    }

    /**
     * Waits until {@code done} holds or {@code deadline} (System.nanoTime) passes, printing
     * progress under {@code phase}; returns whether {@code done} held.
     */
    boolean awaitUntil(String phase, BooleanSupplier done, long deadline) {
        boolean[] timedOut = {false};
        awaitUntil(phase, done, deadline, () -> timedOut[0] = true);
        return !timedOut[0];
    }

    private void awaitUntil(String phase, BooleanSupplier done, long deadline, Runnable onTimeout) {
        for (;;) {
            BenchFailure f = control.failure();
            if (f != null) {
                throw f;
            }
            progress.tick(phase, totals());
            if (done.getAsBoolean()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                onTimeout.run();
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, POLL_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchFailure(BenchFailure.FAILED, "interrupted");
            }
        }
    }

    /** Latencies of all measured deliveries; call after {@link #close}. */
    Histogram latencies() {
        Histogram all = null;
        for (LoadLoop l : loops) {
            if (all == null) {
                all = l.latencies().copy();
            } else {
                all.add(l.latencies());
            }
        }
        return all;
    }

    /** Stops the loops (they close every connection) and waits for them. */
    @Override
    public void close() {
        control.stop = true;
        loops.forEach(LoadLoop::wakeup);
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
