package dev.chat.client.session;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delays between reconnect attempts: exponential from {@code initial}, capped at {@code max},
 * each drawn at random from the upper half of its step ("equal jitter"), so that many clients
 * cut off by the same outage do not all come back in the same millisecond, yet none waits much
 * less than the step. {@link #reset} after a success.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;
    private int attempt;

    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The delay before the next attempt; each call counts as one attempt. */
    public Duration next() {
        long step = initial.toMillis() << Math.min(attempt, 30);
        if (step <= 0 || step > max.toMillis()) {
            step = max.toMillis();
        }
        attempt++;
        long half = step / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (step - half)));
    }

    /** Attempts since the last reset. */
    public int attempts() {
        return attempt;
    }

    /** Back to the initial delay. */
    public void reset() {
        attempt = 0;
    }
}
