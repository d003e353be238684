package dev.chat.tools.impair;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The TCP proxy: accepts on {@code --listen}, connects each accepted connection to
 * {@code --forward}, and relays both directions as {@link TcpConnection}s. Bytes are cut into
 * chunks (as read, or {@code --chunk} bytes each, or about 10 ms of {@code --rate} each), every
 * chunk is delayed, and a chunk never overtakes an earlier one of its connection and direction.
 * Both directions of all connections share one {@link Link} per direction, as they would share a
 * bottleneck.
 */
final class TcpProxy extends Relay {
    private static final int BATCH = 64;
    private static final int READ_BUFFER = 16 * 1024;

    private final ServerSocketChannel server;
    private final InetSocketAddress bound;
    private final Set<TcpConnection> open = new HashSet<>();
    final DirectionStats[] stats = {new DirectionStats(), new DirectionStats()};
    final Link[] links = new Link[2];
    /** Shared by every connection: the relay thread reads one socket at a time. */
    final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
    /** Largest chunk: --chunk, else about 10 ms of --rate, else whatever one read returns. */
    final int pieceSize;
    private long accepted;
    private long refused;
    private long failed;

    TcpProxy(ImpairConfig config, Consumer<String> out) throws IOException {
        super(config, out);
        for (Direction d : Direction.values()) {
            links[d.ordinal()] = new Link(d == Direction.REPLY && config.oneWay() ? 0 : config.rate());
        }
        if (config.chunk() > 0) {
            pieceSize = config.chunk();
        } else if (config.rate() > 0) {
            pieceSize = (int) Math.max(512, Math.min(READ_BUFFER, config.rate() / 100));
        } else {
            pieceSize = Integer.MAX_VALUE;
        }
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(config.listen(), 128);
            server.configureBlocking(false);
            server.register(loop.selector(), SelectionKey.OP_ACCEPT, (RelayLoop.Handler) k -> onAccept());
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        bound = (InetSocketAddress) server.getLocalAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound;
    }

    @Override
    ImpairReport snapshot() {
        return new ImpairReport(config, stats[0].snapshot(), stats[1].snapshot(), accepted, open.size(), refused, failed);
    }

    @Override
    void closeListener() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void onAccept() {
        for (int i = 0; i < BATCH; i++) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                warn("accept failed: " + e.getMessage());
                return;
            }
            if (client == null) {
                return;
            }
            if (open.size() >= config.maxFlows()) {
                refused++;
                TcpConnection.abort(client);
                continue;
            }
            try {
                open.add(new TcpConnection(this, client, accepted++));
            } catch (IOException e) {
                failed++;
                TcpConnection.abort(client);
                warn("cannot open a connection to " + ImpairConfig.hostPort(config.forward()) + ": " + e.getMessage());
            }
        }
    }

    /** The connection to --forward could not be made. */
    void connectFailed(TcpConnection c, IOException e) {
        failed++;
        open.remove(c);
    }

    void closed(TcpConnection c) {
        open.remove(c);
    }
}
