package dev.chat.server.net;

/**
 * Token buckets: {@code rate} tokens per second, at most {@code burst} saved up. One per loop,
 * used only from it; each connection's bucket is two fields of its {@link Session}
 * ({@code tokens}, {@code tokensAt}), so that a connection costs no object of its own for it.
 */
final class RateLimiter {
    private final double perNano;
    private final double burst;

    RateLimiter(int ratePerSecond, int burst) {
        this.perNano = ratePerSecond / 1e9;
        this.burst = burst;
    }

    /** A new connection's bucket: full. */
    double full() {
        return burst;
    }

    /** Takes one token from the session's bucket if there is one. */
    boolean tryAcquire(Session s, long nowNanos) {
        double tokens = Math.min(burst, s.tokens + (nowNanos - s.tokensAt) * perNano);
        s.tokensAt = nowNanos;
        if (tokens >= 1) {
            s.tokens = tokens - 1;
            return true;
        }
        s.tokens = tokens;
        return false;
    }
}
