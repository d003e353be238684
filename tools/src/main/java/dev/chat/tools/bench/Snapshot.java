package dev.chat.tools.bench;

/**
 * One load loop's counters at one moment, published for the coordinating thread (and summed
 * over loops with {@link #plus}). "In window" counts only messages stamped inside the
 * measurement window of the {@link Schedule}.
 *
 * @param ready clients registered and joined
 * @param sent say frames written
 * @param sentInWindow of those, stamped in the window
 * @param expectedInWindow deliveries those should make: room size minus the sender, summed
 * @param acked {@code ok} replies to says
 * @param sayErrors {@code error} replies to says
 * @param delivered messages received by members other than their sender
 * @param deliveredInWindow of those, stamped in the window
 * @param echoes senders' own messages coming back to them
 * @param echoesInWindow of those, stamped in the window
 * @param frames frames received, of any type
 * @param bytesIn bytes received
 * @param errors errors of any kind after set-up (error frames, closed connections, bye)
 * @param firstError the first of them, or null
 * @param sendingDone this loop sends no more (its senders reached the end of the window)
 * @param intervalP99 99th percentile latency (ns) over the last second, 0 if none
 */
record Snapshot(long ready, long sent, long sentInWindow, long expectedInWindow, long acked, long sayErrors,
                long delivered, long deliveredInWindow, long echoes, long echoesInWindow, long frames, long bytesIn,
                long errors, String firstError, boolean sendingDone, long intervalP99) {

    static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, 0);

    /** Says not yet answered. */
    long inFlight() {
        return sent - acked - sayErrors;
    }

    Snapshot plus(Snapshot o) {
        return new Snapshot(ready + o.ready, sent + o.sent, sentInWindow + o.sentInWindow,
                expectedInWindow + o.expectedInWindow, acked + o.acked, sayErrors + o.sayErrors,
                delivered + o.delivered, deliveredInWindow + o.deliveredInWindow, echoes + o.echoes,
                echoesInWindow + o.echoesInWindow, frames + o.frames, bytesIn + o.bytesIn, errors + o.errors,
                firstError != null ? firstError : o.firstError, sendingDone && o.sendingDone,
                Math.max(intervalP99, o.intervalP99));
    }
}
