package dev.chat.tools.bench;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What the coordinating thread tells the load loops, and the first fatal problem a loop found.
 * Fields are volatile: the loops read them once per turn.
 */
final class RunControl {
    private final long origin = System.nanoTime();
    private final AtomicReference<BenchFailure> failure = new AtomicReference<>();

    /** Clients whose index is below this may connect. */
    volatile int release;
    /** Null until the senders may start. */
    volatile Schedule schedule;
    /** Set-ups (connect, register, join) in progress at once, per loop. */
    volatile int setupInFlight = 128;
    /** Set once: the loops close their connections and end. */
    volatile boolean stop;

    /** The run's clock: nanoseconds since this control was made (positive, fits 19 digits). */
    long now() {
        return System.nanoTime() - origin;
    }

    /** Records the first fatal problem (later ones are consequences). */
    void fail(int exitCode, String message) {
        failure.compareAndSet(null, new BenchFailure(exitCode, message));
    }

    /** The first fatal problem, or null. */
    BenchFailure failure() {
        return failure.get();
    }
}
