package dev.chat.tools.impair;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real UDP endpoints on loopback for the relay tests: a {@link Peer} that numbers and timestamps
 * what it sends and records what arrives, and an {@link Echo} that answers. Payload: seq (8
 * bytes), System.nanoTime at sending (8 bytes), padding.
 */
final class UdpPeers {
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private UdpPeers() {
    }

    /** One datagram as it arrived. */
    record Arrival(long seq, long sentNanos, long receivedNanos, SocketAddress from) {
        double delayMs() {
            return (receivedNanos - sentNanos) / 1e6;
        }
    }

    static DatagramChannel open() throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        return ch;
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Sends numbered datagrams (from {@code next}) and records, in order, the ones that arrive. */
    static final class Peer implements AutoCloseable {
        final DatagramChannel channel;
        private final List<Arrival> arrivals = new ArrayList<>();
        private final ByteBuffer out;
        long next;

        Peer() throws IOException {
            this(16);
        }

        Peer(int size) throws IOException {
            channel = open();
            out = ByteBuffer.allocate(Math.max(16, size));
            daemon("peer", this::receive);
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        void send(InetSocketAddress target) throws IOException {
            out.clear();
            out.putLong(0, next++);
            out.putLong(8, System.nanoTime());
            channel.send(out, target);
        }

        /**
         * Sends {@code n} datagrams, never more than {@code window} ahead of what the relay has
         * read, so that no socket buffer on the way overflows (a loss the test did not ask for).
         */
        void sendPaced(InetSocketAddress target, int n, int window, Relay relay) throws IOException {
            for (int i = 0; i < n; i++) {
                if (i % 100 == 0 && i >= window) {
                    long enough = i - window;
                    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1))
                            .until(() -> relay.report().join().forward().in() >= enough);
                }
                send(target);
            }
        }

        /**
         * Sends {@code n} datagrams one every {@code gap}, like a steady stream. This shapes the
         * traffic (a burst of hundreds would measure the relay's send loop, not the delay model);
         * it does not wait for any event.
         */
        void sendSpaced(InetSocketAddress target, int n, Duration gap) throws IOException {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long slot = start + i * gap.toNanos();
                while (System.nanoTime() - slot < 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(slot - System.nanoTime());
                }
                send(target);
            }
        }

        private void receive() {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (true) {
                    buf.clear();
                    SocketAddress from = channel.receive(buf);
                    long now = System.nanoTime();
                    Arrival a = new Arrival(buf.getLong(0), buf.getLong(8), now, from);
                    synchronized (this) {
                        arrivals.add(a);
                    }
                }
            } catch (ClosedChannelException e) {
                // closed
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized List<Arrival> arrivals() {
            return List.copyOf(arrivals);
        }

        synchronized int count() {
            return arrivals.size();
        }

        void awaitCount(long n) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> count() >= n);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Sends every datagram back where it came from. */
    static final class Echo implements AutoCloseable {
        final DatagramChannel channel;

        Echo() throws IOException {
            channel = open();
            daemon("echo", () -> {
                ByteBuffer buf = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        buf.clear();
                        SocketAddress from = channel.receive(buf);
                        buf.flip();
                        channel.send(buf, from);
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
