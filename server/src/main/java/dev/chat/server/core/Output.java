package dev.chat.server.core;

/**
 * One event loop's output scheduler for one {@link Format}: it receives the fan-out for that
 * loop's sessions of that format and decides when and how their bytes are written (for framed
 * JSON: copied once into the loop's frame log, handed to each member as runs, flushed at most
 * once per millisecond). The framed-JSON bytes of the message are in the delivery; an output for
 * another format renders {@link Delivery#event()} once per delivery, never once per member.
 * Loop thread only.
 */
public interface Output {

    /** A delivery for sessions of this format on this loop ({@code d.to()} holds them all). */
    void deliver(Delivery d);

    /** The loop stops: free what is held (after the connections have closed). */
    void close();
}
