package dev.chat.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code chat_event_loop_delay_seconds}: how late the event loops run what is due. Every
 * {@link #PERIOD_MS} ms each loop runs one scheduled task of Netty's (no Vert.x timer, no event-bus
 * message) that records how long after its due time it started, then schedules the next: a loop
 * that is busy or blocked runs it late by as much as any task queued on it waits. A few tasks a
 * second per loop, a clock read and a timer update each: nothing the chat's own work would
 * notice, and nothing ever waits for them. Exposed as a Micrometer timer (count, sum, the
 * largest delay of the last two minutes as {@code _max}, and cumulative buckets from 1 ms to 5 s).
 */
public final class EventLoopDelay {
    /** How often each loop is probed. */
    public static final long PERIOD_MS = 250;

    private final Timer delay;

    public EventLoopDelay(ServerMetrics metrics) {
        delay = Timer.builder("chat_event_loop_delay")
                .description("How late an event loop ran a task that was due (each loop probed every " + PERIOD_MS + " ms).")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(5))
                .register(metrics.registry());
    }

    /** Starts probing each of {@code loops} (the server's Netty event loops) until they shut down. */
    public EventLoopDelay start(Iterable<? extends EventExecutor> loops) {
        for (EventExecutor loop : loops) {
            probe(loop);
        }
        return this;
    }

    private void probe(EventExecutor loop) {
        if (loop.isShuttingDown()) { // Vert.x closes: the probes end with their loops
            return;
        }
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
        try {
            loop.schedule(() -> {
                delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
                probe(loop);
            }, PERIOD_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down with Vert.x: nothing left to measure
        }
    }
}
