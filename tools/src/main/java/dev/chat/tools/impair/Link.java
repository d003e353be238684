package dev.chat.tools.impair;

/**
 * A bottleneck of {@code --rate} bytes per second in one direction: each byte takes 1/rate seconds
 * to serialise, and a datagram (or TCP chunk) leaves the link when its last byte has. Datagrams
 * queue behind each other, so a burst above the rate waits (until the relay's queue bound drops
 * it). This is a token bucket with a depth of one packet: no burst goes faster than the rate.
 */
final class Link {
    private final double nanosPerByte;
    private long free = Long.MIN_VALUE;

    /** A link of {@code bytesPerSecond}; 0 means unlimited. */
    Link(long bytesPerSecond) {
        this.nanosPerByte = bytesPerSecond > 0 ? 1e9 / bytesPerSecond : 0;
    }

    /** The time at which {@code bytes} offered at {@code now} have left the link. */
    long depart(long now, int bytes) {
        if (nanosPerByte == 0) {
            return now;
        }
        long start = free == Long.MIN_VALUE || now - free > 0 ? now : free;
        free = start + Math.round(bytes * nanosPerByte);
        return free;
    }
}
