package dev.chat.tools.bench;

/**
 * When the senders send, in nanoseconds on the run's clock ({@link RunControl#now()}): from
 * {@code start}; messages stamped in {@code [measureFrom, measureUntil)} are measured, those
 * before are warm-up; nothing is sent from {@code measureUntil} on.
 */
record Schedule(long start, long measureFrom, long measureUntil) {

    boolean measured(long stamp) {
        return stamp >= measureFrom && stamp < measureUntil;
    }
}
