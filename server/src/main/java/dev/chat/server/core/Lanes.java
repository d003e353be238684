package dev.chat.server.core;

/**
 * Fan-out is grouped by lane: one lane per event loop and output format ({@link Format}), so a
 * {@link Delivery} always goes to sessions of one loop written in one format, and each loop hands
 * it to that format's {@link Output} without looking at its members. With only the framed-JSON
 * format there is one lane per loop. Immutable; built once at start from the loops and the
 * formats of the registered transports.
 *
 * @param loops event loops serving connections
 * @param formats distinct output formats (framed JSON is format 0)
 */
public record Lanes(int loops, int formats) {
    public Lanes {
        if (loops < 1 || formats < 1) {
            throw new IllegalArgumentException("at least one loop and one format");
        }
    }

    /** How many lanes there are: the size of a per-lane recipient array. */
    public int count() {
        return loops * formats;
    }

    public int lane(int loop, int format) {
        return loop * formats + format;
    }

    public int loopOf(int lane) {
        return lane / formats;
    }

    public int formatOf(int lane) {
        return lane % formats;
    }
}
