package dev.chat.server.core;

import java.time.Duration;

/**
 * One request deadline, from {@code --request-timeout}, shorter at each layer inward, so that
 * each layer gives up before the one outside it and {@code unavailable} means "not applied, and
 * will not be":
 *
 * <pre>
 *  loop (transport)  |----------------------------------------------| T       waits T for the hub's answer
 *  hub               |-----------------------------------------|      T - m   starts nothing later; answers by then
 *  room owner        |------------------------------------|           T - 2m  sequences nothing later
 *  owner's acks      |                           |--ack---|                   sequences only with time for them
 * </pre>
 *
 * {@code m} is a tenth of T (1 s by default), room for a reply to travel back. Deadlines are
 * {@link System#nanoTime()} instants on one node; between nodes a request carries the time it has
 * left, in milliseconds, and the receiver takes its own clock from there.
 */
public final class Deadlines {
    /** How long a room owner waits for peers to store an event before it releases it anyway, at most. */
    public static final long MAX_ACK_TIMEOUT_MS = 5_000;
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final long requestNanos;
    private final long marginNanos;

    public Deadlines(Duration requestTimeout) {
        this.requestNanos = requestTimeout.toNanos();
        this.marginNanos = requestNanos / 10;
    }

    /** The deadline of a request the loop sends now: the loop waits this long for its answer. */
    public long forLoop(long now) {
        return now + requestNanos;
    }

    public long requestMillis() {
        return requestNanos / 1_000_000;
    }

    /** The hub's deadline for a request whose loop deadline is {@code loopDeadline}. */
    public long forHub(long loopDeadline) {
        return loopDeadline - marginNanos;
    }

    /** A room owner's deadline for a request the hub must answer by {@code hubDeadline}. */
    public long forOwner(long hubDeadline) {
        return hubDeadline == NO_DEADLINE ? NO_DEADLINE : hubDeadline - marginNanos;
    }

    /**
     * How long a room owner waits for its peers' acknowledgements: 5 s, or half the request
     * timeout if that is shorter, so that a request has time to be sequenced and acknowledged.
     */
    public long ackTimeoutMillis() {
        return Math.min(MAX_ACK_TIMEOUT_MS, requestMillis() / 2);
    }

    /** "No deadline": work the server does on its own (a disconnected session quitting its rooms). */
    public static long none() {
        return NO_DEADLINE;
    }

    public static boolean passed(long deadline, long now) {
        return deadline != NO_DEADLINE && now - deadline >= 0;
    }

    /** Milliseconds left until the deadline (at least 1), or -1 for none; for requests to other nodes. */
    public static long millisLeft(long deadline, long now) {
        if (deadline == NO_DEADLINE) {
            return -1;
        }
        return Math.max(1, (deadline - now) / 1_000_000);
    }

    /** A deadline from the milliseconds left that another node sent (-1 or absent: none). */
    public static long fromMillisLeft(long millis, long now) {
        return millis < 0 ? NO_DEADLINE : now + millis * 1_000_000;
    }
}
