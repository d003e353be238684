package dev.chat.tools.impair;

import org.HdrHistogram.Histogram;

/**
 * What happened in one direction. Touched only by the relay thread; {@link #snapshot} copies it
 * out. Delays are measured from the moment the relay read a datagram (or chunk) to the moment it
 * finished writing it, in microseconds.
 */
final class DirectionStats {
    long in;
    long out;
    long bytesIn;
    long bytesOut;
    long dropped;
    long overflow;
    long failed;
    long duplicated;
    long held;
    long reordered;
    long queued;
    long queuedBytes;
    private final Histogram delays = new Histogram(3_600_000_000L, 3);

    void recordDelay(long nanos) {
        delays.recordValue(Math.max(0, Math.min(nanos / 1000, delays.getHighestTrackableValue())));
    }

    DirectionReport snapshot() {
        boolean any = delays.getTotalCount() > 0;
        return new DirectionReport(in, out, bytesIn, bytesOut, dropped, overflow, failed, duplicated, held, reordered,
                queued, queuedBytes,
                any ? delays.getValueAtPercentile(50) / 1000.0 : 0,
                any ? delays.getValueAtPercentile(90) / 1000.0 : 0,
                any ? delays.getValueAtPercentile(99) / 1000.0 : 0,
                any ? delays.getMaxValue() / 1000.0 : 0);
    }
}
