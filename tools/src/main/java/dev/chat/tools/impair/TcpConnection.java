package dev.chat.tools.impair;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One proxied connection: the accepted client socket, the socket to {@code --forward}, and a
 * {@link Pipe} for each direction. A pipe stops reading its source while more than
 * {@code --queue} bytes wait in the relay, so a slow reader slows the writer, as TCP would.
 * End of stream is passed on as a half-close (shutdown of output) once every byte before it has
 * been written; the connection closes when both directions have ended. An error on either socket
 * resets both. Relay thread only.
 */
final class TcpConnection {

    /** A piece of the stream on its way. */
    private record Chunk(ByteBuffer bytes, long arrival) {
    }

    /** One direction: bytes read from {@code src}, delayed, written to {@code dst}. */
    private final class Pipe {
        final SocketChannel src;
        final SocketChannel dst;
        final Impairment impairment;
        final Link link;
        final DirectionStats stats;
        final ArrayDeque<Chunk> ready = new ArrayDeque<>();
        long buffered;
        long chunks;
        long lastDue;
        boolean hasLastDue;
        boolean readPaused;
        boolean eofRead;
        boolean eofDue;
        boolean shut;
        boolean writeBlocked;

        Pipe(Direction d, SocketChannel src, SocketChannel dst) {
            this.src = src;
            this.dst = dst;
            this.impairment = Impairment.forDirection(proxy.config, d, index);
            this.link = proxy.links[d.ordinal()];
            this.stats = proxy.stats[d.ordinal()];
        }

        /** The due time of something read at {@code base}: never before anything earlier of this pipe. */
        long due(long base) {
            long due = hasLastDue && lastDue - base > 0 ? lastDue : base;
            lastDue = due;
            hasLastDue = true;
            return due;
        }
    }

    private final TcpProxy proxy;
    private final long index;
    private final SocketChannel client;
    private final SocketChannel upstream;
    private final SelectionKey clientKey;
    private final SelectionKey upstreamKey;
    private final Pipe toServer;
    private final Pipe toClient;
    private final long limit;
    private boolean connected;
    private boolean closed;

    TcpConnection(TcpProxy proxy, SocketChannel client, long index) throws IOException {
        this.proxy = proxy;
        this.index = index;
        this.client = client;
        this.limit = proxy.config.queueBytes();
        client.configureBlocking(false);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        upstream = SocketChannel.open();
        try {
            upstream.configureBlocking(false);
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            toServer = new Pipe(Direction.FORWARD, client, upstream);
            toClient = new Pipe(Direction.REPLY, upstream, client);
            clientKey = client.register(proxy.loop.selector(), 0, (RelayLoop.Handler) this::onClient);
            connected = upstream.connect(proxy.config.forward());
            upstreamKey = upstream.register(proxy.loop.selector(), connected ? 0 : SelectionKey.OP_CONNECT,
                    (RelayLoop.Handler) this::onUpstream);
        } catch (IOException | RuntimeException e) {
            upstream.close();
            throw e;
        }
        if (connected) {
            updateInterest();
        }
    }

    /** Closes with a reset (SO_LINGER 0), so the peer knows the stream did not end cleanly. */
    static void abort(SocketChannel ch) {
        try {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void onClient(SelectionKey key) {
        if (key.isValid() && key.isReadable()) {
            read(toServer);
        }
        if (!closed && key.isValid() && key.isWritable()) {
            flush(toClient);
        }
    }

    private void onUpstream(SelectionKey key) {
        if (!connected) {
            try {
                if (!upstream.finishConnect()) {
                    return;
                }
            } catch (IOException e) {
                closed = true;
                abort(upstream);
                abort(client);
                proxy.connectFailed(this, e);
                return;
            }
            connected = true;
            updateInterest();
            return;
        }
        if (key.isValid() && key.isReadable()) {
            read(toClient);
        }
        if (!closed && key.isValid() && key.isWritable()) {
            flush(toServer);
        }
    }

    private void read(Pipe p) {
        ByteBuffer buf = proxy.readBuffer;
        buf.clear();
        int n;
        try {
            n = p.src.read(buf);
        } catch (IOException e) {
            reset();
            return;
        }
        long now = System.nanoTime();
        if (n < 0) {
            p.eofRead = true;
            proxy.loop.schedule(p.due(now), () -> {
                if (!closed) {
                    p.eofDue = true;
                    flush(p);
                }
            });
            updateInterest();
            return;
        }
        buf.flip();
        while (buf.hasRemaining()) {
            byte[] piece = new byte[Math.min(proxy.pieceSize, buf.remaining())];
            buf.get(piece);
            long due = p.due(p.link.depart(now, piece.length) + p.impairment.nextChunkDelay());
            p.stats.in++;
            p.stats.bytesIn += piece.length;
            p.stats.queued++;
            p.stats.queuedBytes += piece.length;
            p.buffered += piece.length;
            p.chunks++;
            Chunk chunk = new Chunk(ByteBuffer.wrap(piece), now);
            proxy.loop.schedule(due, () -> {
                if (!closed) {
                    p.ready.add(chunk);
                    flush(p);
                }
            });
        }
        if (p.buffered >= limit) {
            p.readPaused = true;
            updateInterest();
        }
    }

    private void flush(Pipe p) {
        while (!p.ready.isEmpty()) {
            Chunk c = p.ready.peek();
            int n;
            try {
                n = p.dst.write(c.bytes());
            } catch (IOException e) {
                reset();
                return;
            }
            p.buffered -= n;
            p.stats.bytesOut += n;
            p.stats.queuedBytes -= n;
            if (c.bytes().hasRemaining()) {
                p.writeBlocked = true;
                updateInterest();
                return;
            }
            p.ready.poll();
            p.chunks--;
            p.stats.queued--;
            p.stats.out++;
            p.stats.recordDelay(System.nanoTime() - c.arrival());
        }
        p.writeBlocked = false;
        if (p.eofDue && !p.shut) {
            try {
                p.dst.shutdownOutput();
            } catch (IOException e) {
                reset();
                return;
            }
            p.shut = true;
            if (toServer.shut && toClient.shut) {
                finish();
                return;
            }
        }
        if (p.readPaused && p.buffered <= limit / 2) {
            p.readPaused = false;
        }
        updateInterest();
    }

    private void updateInterest() {
        if (closed) {
            return;
        }
        setOps(clientKey, ops(toServer, toClient));
        setOps(upstreamKey, connected ? ops(toClient, toServer) : SelectionKey.OP_CONNECT);
    }

    /** OP_READ while {@code from} may read, OP_WRITE while {@code to} waits for room. */
    private int ops(Pipe from, Pipe to) {
        int ops = 0;
        if (connected && !from.eofRead && !from.readPaused) {
            ops |= SelectionKey.OP_READ;
        }
        if (to.writeBlocked) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    private static void setOps(SelectionKey key, int ops) {
        if (key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Both directions ended cleanly. */
    private void finish() {
        close(false);
    }

    /** An error on either side: reset both. */
    private void reset() {
        close(true);
    }

    private void close(boolean abortive) {
        if (closed) {
            return;
        }
        closed = true;
        for (Pipe p : new Pipe[] {toServer, toClient}) {
            p.stats.queued -= p.chunks;
            p.stats.queuedBytes -= p.buffered;
        }
        if (abortive) {
            abort(client);
            abort(upstream);
        } else {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        proxy.closed(this);
    }
}
