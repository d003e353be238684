package dev.chat.server.net;

import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.ListenException;
import dev.chat.server.core.Transport;
import dev.chat.server.tls.HandshakeFailures;
import dev.chat.server.tls.ServerTls;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The framed-JSON chat port over TCP ({@code --tcp-port}), or the same inside TLS
 * ({@code --tls-port}, {@link #tls}: the listener's {@code NetServer} does the TLS, below the
 * same {@link TcpConnection}s, so frames and batching are the same): each loop listens with a Vert.x
 * {@code NetServer} on the shared port (Vert.x spreads the accepted connections over the loops),
 * makes each accepted socket a {@link TcpConnection}, and registers it with the loop. Shutdown is
 * Vert.x's own: {@code NetServer.shutdown} sends each connection its shutdown event (the
 * connection says {@code bye} and closes) and waits for them.
 */
public final class TcpTransport implements Transport {
    /** Socket write queue: beyond it, frames wait in the connection's own bounded backlog. */
    static final int WRITE_QUEUE_BYTES = 128 * 1024;
    /** Shared by every channel (immutable): not one object per connection. */
    static final WriteBufferWaterMark WRITE_QUEUE = new WriteBufferWaterMark(WRITE_QUEUE_BYTES / 2, WRITE_QUEUE_BYTES);

    private final ServerConfig config;
    private final ServerTls tls;
    private final HandshakeFailures handshakeFailures;
    private final AtomicInteger boundPort = new AtomicInteger();
    /** The IRC listener's bound port, named in the answer to text at this port ({@link FramedPort}); or off. */
    private volatile IntSupplier ircPort = () -> ServerConfig.PORT_OFF;

    /** The plaintext port, {@code --tcp-port}. */
    public TcpTransport(ServerConfig config) {
        this(config, null);
    }

    private TcpTransport(ServerConfig config, ServerTls tls) {
        this.config = config;
        this.tls = tls;
        this.handshakeFailures = tls == null ? null : tls.handshakeFailures("tls");
    }

    /**
     * The framed protocol inside TLS on {@code --tls-port} with {@code tls}'s certificate (every
     * loop's listener gets a new certificate when {@code tls} reloads one).
     */
    public static TcpTransport tls(ServerConfig config, ServerTls tls) {
        return new TcpTransport(config, java.util.Objects.requireNonNull(tls, "tls"));
    }

    /** Tells the answer to text at this port where IRC clients go: the IRC listener's bound port. */
    public void ircPort(IntSupplier port) {
        ircPort = port;
    }

    @Override
    public String name() {
        return tls == null ? "tcp" : "tls";
    }

    /** The node's TLS (certificate, engine), or null for the plaintext port. */
    public ServerTls serverTls() {
        return tls;
    }

    /** Failed handshakes on this TLS port (null for the plaintext port): logged, counted for {@code /metrics}. */
    public HandshakeFailures handshakeFailures() {
        return handshakeFailures;
    }

    /** The port bound (0 before it is). */
    public int boundPort() {
        return boundPort.get();
    }

    /** The TLS port adds itself and its certificate's fingerprint to every {@code welcome}, on every port. */
    @Override
    public ServerMessage.Welcome welcome(ServerMessage.Welcome w) {
        int port = boundPort.get();
        if (tls == null || port <= 0) {
            return w;
        }
        return new ServerMessage.Welcome(w.id(), w.nick(), w.server(), w.node(), w.protocol(), w.heartbeatMs(),
                w.maxFrame(), w.udpPort(), port, tls.fingerprint(), w.beaconKey());
    }

    private int configuredPort() {
        return tls == null ? config.tcpPort() : config.tlsPort();
    }

    private String option() {
        return tls == null ? "--tcp-port" : "--tls-port";
    }

    @Override
    public Format format() {
        return FramedFormat.INSTANCE;
    }

    @Override
    public Listener listener(ChatLoop loop) {
        return new TcpListener(loop, (FrameScheduler) loop.output(FramedFormat.INSTANCE));
    }

    /** One loop's accept: a connection becomes a {@link TcpConnection}, then a session of the loop. */
    private final class TcpListener implements Listener {
        private final ChatLoop loop;
        private final FrameScheduler out;
        private NetServer server;
        private boolean answerSet;

        TcpListener(ChatLoop loop, FrameScheduler out) {
            this.loop = loop;
            this.out = out;
        }

        @Override
        public Future<Integer> listen() {
            NetServerOptions options = new NetServerOptions()
                    .setHost(config.host())
                    .setPort(configuredPort())
                    .setTcpNoDelay(true)
                    .setReuseAddress(true);
            if (tls != null) {
                tls.applyTo(options, handshakeFailures);
            }
            server = loop.vertx().createNetServer(options).connectHandler(this::accept);
            if (tls != null) {
                server.exceptionHandler(handshakeFailures); // before listen: failed handshakes come only here
                tls.onReload(server::updateSSLOptions);
            }
            return server.listen()
                    .recover(e -> Future.failedFuture(new ListenException(option(), config.host(), configuredPort(), e)))
                    .map(s -> {
                        boundPort.set(s.actualPort());
                        return s.actualPort();
                    });
        }

        private void accept(NetSocket socket) {
            if (!answerSet) { // every listener is bound before the first connection is accepted
                answerSet = true;
                out.textAnswer(FramedPort.textAnswer(ircPort.getAsInt()));
            }
            TcpConnection c = new TcpConnection(out, config.maxFrame());
            var ctx = VertxNetty.takeOver(socket, "chat", c);
            ctx.channel().config().setWriteBufferWaterMark(WRITE_QUEUE);
            c.open();
        }

        @Override
        public Future<Void> shutdown(Duration grace) {
            return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
