package dev.chat.server.presence;

/**
 * Which of a sender's last 64 expected sequence numbers arrived: the basis of {@code loss}.
 *
 * <pre>
 *   bit:     63 ...                3  2  1  0
 *   seq:  highest-63 ...   highest-3 -2 -1  highest
 * </pre>
 *
 * A set bit means that seq arrived. The window starts at the first seq seen ({@code base});
 * until 64 seqs have been expected, loss is over the ones expected so far
 * ({@code highest - base + 1}). Rules:
 * <ul>
 *   <li>a seq above {@code highest} slides the window; the seqs skipped over count as missing;</li>
 *   <li>a late seq inside the window fills its hole (reordering is not loss);</li>
 *   <li>a seq already seen is a duplicate: ignored, never counted twice;</li>
 *   <li>a seq 64 or more below {@code highest} means the sender restarted: the window starts
 *       over there;</li>
 *   <li>so does a seq 0 or 1 that was already seen or lies before the window's start, if it
 *       carries a {@code ts} later than that of the highest seq: a restarted sender counts from
 *       0 or 1 again, while a duplicated or late copy of an old beacon carries its old
 *       {@code ts};</li>
 *   <li>any other seq before the window's start is ignored (it predates what we measure).</li>
 * </ul>
 * Not thread-safe; owned by its peer's table.
 */
final class SeqWindow {
    static final int SIZE = 64;

    /** What one seq did to the window. */
    enum Outcome {
        /** A new highest seq (the first one, or the window slid forward). */
        ADVANCED,
        /** A late seq inside the window filled its hole. */
        FILLED,
        /** Already seen, or older than the window start: nothing changed. */
        IGNORED,
        /** The sender started counting again: the window was reset to this seq. */
        RESTARTED
    }

    private boolean started;
    private long base;
    private long highest;
    private long bits;
    private long highestTs;

    /**
     * Records one arrived beacon.
     *
     * @param seq its sequence number (non-negative)
     * @param ts its sender timestamp, ms
     */
    Outcome record(long seq, long ts) {
        if (!started) {
            reset(seq, ts);
            started = true;
            return Outcome.ADVANCED;
        }
        if (seq > highest) {
            long shift = seq - highest;
            bits = shift >= SIZE ? 1L : (bits << shift) | 1L;
            highest = seq;
            highestTs = ts;
            return Outcome.ADVANCED;
        }
        long back = highest - seq; // 0..: how far behind the newest
        if (back >= SIZE) {
            reset(seq, ts);
            return Outcome.RESTARTED;
        }
        boolean seen = seq >= base && (bits & (1L << back)) != 0;
        if (seq <= 1 && (seen || seq < base) && ts > highestTs) {
            reset(seq, ts);
            return Outcome.RESTARTED;
        }
        if (seen || seq < base) {
            return Outcome.IGNORED;
        }
        bits |= 1L << back;
        return Outcome.FILLED;
    }

    private void reset(long seq, long ts) {
        base = seq;
        highest = seq;
        highestTs = ts;
        bits = 1L;
    }

    /** Seqs expected so far in the window: 1..64 (0 before the first seq). */
    int expected() {
        return started ? (int) Math.min(SIZE, highest - base + 1) : 0;
    }

    /** Seqs of the window that arrived. */
    int received() {
        int n = expected();
        long mask = n == SIZE ? -1L : (1L << n) - 1;
        return Long.bitCount(bits & mask);
    }

    /** Share (0..1) of the expected seqs that did not arrive. */
    double loss() {
        int n = expected();
        return n == 0 ? 0.0 : (n - received()) / (double) n;
    }

    long highest() {
        return highest;
    }
}
