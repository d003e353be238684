package dev.chat.tools.bench;

import io.netty.buffer.ByteBuf;

/**
 * One protocol's part of a load loop: what a client sends to register and join, how a say
 * looks on the wire, and how received bytes are cut and told apart. Everything runs on the
 * connection's event loop.
 */
interface Wire {

    /** The connection is up (after the WebSocket handshake, if any): start registering. */
    void start(LoadLoop loop, Conn c);

    /** The say of sender {@code c}, stamped with {@code stamp} (run clock, ns) and {@code id}, ready to write. */
    Object say(LoadLoop loop, Conn c, long stamp, long id);

    /**
     * Handles the complete units (frames, lines, messages) readable in {@code in}, advancing its
     * reader index past them; an incomplete unit at the end is left for the next read.
     *
     * @param now the run clock when these bytes were read
     */
    void read(LoadLoop loop, Conn c, ByteBuf in, long now);
}
