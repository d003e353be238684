package dev.chat.tools.impair;

/**
 * What happens to one datagram: lost, or delivered after {@code delayNanos}; possibly also held
 * back behind the next datagram of its flow, and possibly sent a second time after
 * {@code duplicateDelayNanos}.
 */
record Fate(boolean lost, boolean duplicate, boolean reorder, long delayNanos, long duplicateDelayNanos) {
}
