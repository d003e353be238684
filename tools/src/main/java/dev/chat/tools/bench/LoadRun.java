package dev.chat.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * A set of {@link LoadLoop}s (one per generator thread, each a Netty event loop) sharing the
 * clients of a {@link Topology} (client {@code i} goes to loop {@code i % threads}), and what the
 * coordinating thread does with them: release clients for set-up, start the senders, watch the
 * counters, stop.
 */
final class LoadRun implements AutoCloseable {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final RunControl control = new RunControl();
    private final List<LoadLoop> loops = new ArrayList<>();
    private final Transport transport;
    private final Progress progress;
    private boolean closed;

    /**
     * @param window says each sender keeps unanswered (windowed sending), or 0
     * @param rate messages per second over all senders (paced sending), or 0
     * @throws IllegalArgumentException the topology does not fit the protocol (see {@link LoadLoop})
     */
    LoadRun(Topology topology, Protocol protocol, int threadCount, int window, double rate, int textLength,
            Progress progress) {
        this.progress = progress;
        this.transport = new Transport(protocol, threadCount, textLength);
        int totalSenders = topology.senders();
        List<io.netty.channel.EventLoop> eventLoops = transport.loops();
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
                loops.add(new LoadLoop(control, eventLoops.get(t), transport, mine, window, share));
            }
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** Set-ups in progress at once per loop (default 128): a server with a short accept backlog needs fewer. */
    void setupInFlight(int n) {
        control.setupInFlight = n;
    }

    /** openssl, jdk, or null without TLS. */
    String tlsEngine() {
        return transport.tlsEngine();
    }

    /** epoll or nio. */
    String transportName() {
        return transport.name();
    }

    void start() {
        loops.forEach(LoadLoop::start);
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
        loops.forEach(LoadLoop::release);
    }

    /** Starts the senders. */
    void startSending(Schedule schedule) {
        control.schedule = schedule;
        loops.forEach(l -> l.startSending(schedule));
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
        return merged(LoadLoop::latencies);
    }

    /** How late the measured paced says left the generator; call after {@link #close}. */
    Histogram sendLag() {
        return merged(LoadLoop::sendLag);
    }

    private Histogram merged(java.util.function.Function<LoadLoop, Histogram> which) {
        Histogram all = null;
        for (LoadLoop l : loops) {
            if (all == null) {
                all = which.apply(l).copy();
            } else {
                all.add(which.apply(l));
            }
        }
        return all;
    }

    /** Stops the loops (they close every connection and publish their last counters), then the threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        control.stop = true;
        for (LoadLoop l : loops) {
            l.stop().awaitUninterruptibly(30, TimeUnit.SECONDS);
        }
        transport.close();
    }
}
