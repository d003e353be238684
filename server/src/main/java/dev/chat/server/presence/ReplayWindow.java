package dev.chat.server.presence;

/**
 * Which of a session's signed beacons were already taken, by {@code seq}: a copy of one of them
 * (an attacker replaying a captured beacon, or the network duplicating it) is refused. The
 * anti-replay window of IPsec (RFC 4303 section 3.4.3): the highest seq taken and a 64-bit map of
 * the 63 before it. A seq above the highest is new; one inside the window is new if its bit is
 * clear (a late, reordered beacon, which loss measurement wants); one already taken, or 64 or
 * more below the highest, is refused. Unlike {@link SeqWindow} it never restarts: a session's key
 * is its own, and a client keeps counting up for the life of its key.
 *
 * <p>Not thread-safe: touched only by the {@link BeaconVerticle}'s context.
 */
final class ReplayWindow {
    static final int SIZE = 64;

    private boolean started;
    private long highest;
    private long bits;

    /** Takes {@code seq} if it was not taken before and is not too old; false: a replay. */
    boolean accept(long seq) {
        if (!started) {
            started = true;
            highest = seq;
            bits = 1L;
            return true;
        }
        if (seq > highest) {
            long shift = seq - highest;
            bits = shift >= SIZE ? 1L : (bits << shift) | 1L;
            highest = seq;
            return true;
        }
        long back = highest - seq;
        if (back >= SIZE || (bits & (1L << back)) != 0) {
            return false;
        }
        bits |= 1L << back;
        return true;
    }
}
