package dev.chat.tools.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One simulated client's connection state; touched only by the load loop that owns it. */
final class Conn {
    static final int NEW = 0;
    static final int CONNECTING = 1;
    static final int HELLO_SENT = 2;
    static final int JOIN_SENT = 3;
    static final int READY = 4;
    static final int CLOSED = 5;

    final ClientSpec spec;
    /** Only for senders: the reusable say frame. */
    final SayFrame say;
    /** Sender index as written in its texts (6 digits). */
    final long senderTag;

    SocketChannel channel;
    SelectionKey key;
    int state = NEW;

    /** Bytes of an incomplete frame, kept until the rest arrives. */
    byte[] carry;
    int carryLength;
    /** Bytes still to skip of a frame too large to keep (only its head was looked at). */
    int skip;
    /** Bytes the socket did not take yet (write mode), or null. */
    ByteBuffer out;

    long nextId;
    long inFlight;

    Conn(ClientSpec spec, int textLength) {
        this.spec = spec;
        this.say = spec.sender() ? new SayFrame(spec.room(), spec.index(), textLength) : null;
        this.senderTag = spec.index() % 1_000_000;
    }
}
