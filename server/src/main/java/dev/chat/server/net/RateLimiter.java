package dev.chat.server.net;

/**
 * A token bucket: {@code rate} tokens per second, at most {@code burst} saved up. One per
 * connection, used only from its event loop.
 */
final class RateLimiter {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    RateLimiter(int ratePerSecond, int burst, long nowNanos) {
        this.perNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one token if there is one. */
    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
