package dev.chat.tools.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** One simulated client's connection state; touched only by the load loop (event loop) that owns it. */
final class Conn {
    static final int NEW = 0;
    static final int CONNECTING = 1;
    static final int HELLO_SENT = 2;
    static final int JOIN_SENT = 3;
    static final int READY = 4;
    static final int CLOSED = 5;

    final ClientSpec spec;
    /** Only for senders: the reusable say. */
    SayFrame say;
    /** Sender index as written in its texts (6 digits). */
    final long senderTag;

    Channel channel;
    int state = NEW;

    /** Bytes of an incomplete frame or line, kept until the rest arrives; null when there are none. */
    ByteBuf carry;

    long nextId;
    long inFlight;
    /** Queued writes not flushed yet (window refills during a read). */
    boolean flushPending;
    /**
     * Senders over IRC only: the member of the same room on the same loop whose receipt of this
     * sender's message counts as its answer (IRC servers answer nothing to PRIVMSG).
     */
    Conn witness;

    Conn(ClientSpec spec) {
        this.spec = spec;
        this.senderTag = spec.index() % 1_000_000;
    }
}
