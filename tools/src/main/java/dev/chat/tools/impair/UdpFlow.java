package dev.chat.tools.impair;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

/**
 * One mapping of the UDP relay, like a NAT entry: a client's source address and the socket,
 * connected to {@code --forward}, that speaks for it. Replies arriving on that socket go back to
 * that client. Relay thread only.
 */
final class UdpFlow {
    final InetSocketAddress client;
    final DatagramChannel channel;
    SelectionKey key;
    long lastActive;
    /** Datagrams of this flow in the relay (scheduled or held); an idle flow with some is kept. */
    int inflight;
    boolean closed;
    /** Out of the table (evicted): closes once its last datagram has left. */
    boolean retiring;
    final Side forward = new Side();
    final Side reply = new Side();

    UdpFlow(InetSocketAddress client, DatagramChannel channel, long now) {
        this.client = client;
        this.channel = channel;
        this.lastActive = now;
    }

    Side side(Direction d) {
        return d == Direction.FORWARD ? forward : reply;
    }

    /** Leaves the table: closes now, or once the datagrams still in the relay for it have been sent. */
    void retire() {
        retiring = true;
        if (inflight == 0) {
            close();
        }
    }

    /** One datagram of this flow has left the relay. */
    void left() {
        inflight--;
        if (retiring && inflight == 0) {
            close();
        }
    }

    void close() {
        closed = true;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Ordering state of one direction of the flow. */
    static final class Side {
        /** Sequence number of the next datagram read, from 0. */
        long nextSeq;
        /** Highest sequence number written so far; -1 before the first. */
        long maxSent = -1;
        /** Due time of the latest datagram scheduled (for --no-reorder-by-jitter). */
        long lastDue;
        boolean hasLastDue;
        /** Datagrams held back (--reorder), newest on top; they leave right behind the next one scheduled. */
        final ArrayDeque<UdpRelay.Datagram> held = new ArrayDeque<>();
        /** Releases {@link #held} if no successor comes in time. */
        RelayLoop.Timer holdTimer;
    }
}
