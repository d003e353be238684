package dev.chat.server.presence;

/**
 * RFC 3550 section 6.4.1 interarrival jitter, in milliseconds. For packets i and j (j arriving
 * right after i), with S the sender's timestamp ({@code ts}) and R the arrival time:
 *
 * <pre>
 *   D(i,j) = (Rj - Ri) - (Sj - Si) = (Rj - Sj) - (Ri - Si)
 *   J(j)   = J(i) + (|D(i,j)| - J(i)) / 16
 * </pre>
 *
 * J starts at 0 and first moves with the second packet. As the RFC says, i and j are consecutive
 * in order of arrival, not necessarily in sequence: a reordered packet was delayed, and that
 * delay is jitter. The sender's and receiver's clocks need not agree (only differences of the
 * transit time R - S are used), but both must run at the same rate. Not thread-safe.
 */
final class Jitter {
    private boolean hasPrevious;
    private double previousTransit;
    private double jitter;

    /**
     * Records one packet.
     *
     * @param sentMs the sender's timestamp, ms
     * @param arrivedMs the local arrival time, ms (any epoch, but always the same one)
     */
    void record(long sentMs, double arrivedMs) {
        double transit = arrivedMs - sentMs;
        if (hasPrevious) {
            double d = transit - previousTransit;
            jitter += (Math.abs(d) - jitter) / 16.0;
        }
        previousTransit = transit;
        hasPrevious = true;
    }

    /** Forgets everything: a restarted sender is a new source (a new SSRC in RTP terms). */
    void reset() {
        hasPrevious = false;
        jitter = 0;
    }

    /** The current estimate, ms. */
    double millis() {
        return jitter;
    }
}
