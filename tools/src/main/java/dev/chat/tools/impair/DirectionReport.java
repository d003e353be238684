package dev.chat.tools.impair;

import java.util.Locale;

/**
 * A snapshot of one direction. For UDP the counts are datagrams; for TCP {@code in}/{@code out}
 * count chunks and the byte counts matter.
 *
 * @param in          datagrams (chunks) read
 * @param out         datagrams (chunks) written, duplicates included
 * @param bytesIn     bytes read
 * @param bytesOut    bytes written
 * @param dropped     datagrams the loss model dropped
 * @param overflow    datagrams dropped because the relay's queue was full
 * @param failed      datagrams that could not be written (socket error, mapping closed)
 * @param duplicated  extra copies written
 * @param held        datagrams held back behind their successor ({@code --reorder})
 * @param reordered   datagrams written after a later datagram of their flow (by --reorder or jitter)
 * @param queued      datagrams (chunks) in the relay now
 * @param queuedBytes bytes in the relay now
 * @param p50Ms       median delay, milliseconds
 * @param p90Ms       90th percentile
 * @param p99Ms       99th percentile
 * @param maxMs       largest delay
 */
public record DirectionReport(long in, long out, long bytesIn, long bytesOut, long dropped, long overflow, long failed,
        long duplicated, long held, long reordered, long queued, long queuedBytes,
        double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    /** The share of datagrams read that were lost on purpose or for want of room: (dropped + overflow + failed) / in. */
    public double realisedLoss() {
        return in == 0 ? 0 : (double) (dropped + overflow + failed) / in;
    }

    String udpLine() {
        return String.format(Locale.ROOT,
                "in=%d out=%d dropped=%d overflow=%d failed=%d duplicated=%d held=%d reordered=%d queued=%d loss=%.2f%% %s",
                in, out, dropped, overflow, failed, duplicated, held, reordered, queued, realisedLoss() * 100, delays());
    }

    String tcpLine() {
        return String.format(Locale.ROOT, "bytes_in=%d bytes_out=%d chunks_in=%d chunks_out=%d queued_bytes=%d %s",
                bytesIn, bytesOut, in, out, queuedBytes, delays());
    }

    private String delays() {
        return String.format(Locale.ROOT, "delay_ms p50=%.1f p90=%.1f p99=%.1f max=%.1f", p50Ms, p90Ms, p99Ms, maxMs);
    }
}
