package dev.chat.server.net;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.ListenException;
import dev.chat.server.core.Transport;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The framed-JSON chat port over TCP ({@code --tcp-port}): each loop listens with a Vert.x
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
    private volatile int boundPort;
    /** The IRC listener's bound port, named in the answer to text at this port ({@link FramedPort}); or off. */
    private volatile IntSupplier ircPort = () -> ServerConfig.PORT_OFF;

    public TcpTransport(ServerConfig config) {
        this.config = config;
    }

    /** The port this transport is bound to, once it is (0 before). */
    public int boundPort() {
        return boundPort;
    }

    /** Tells the answer to text at this port where IRC clients go: the IRC listener's bound port. */
    public void ircPort(IntSupplier port) {
        ircPort = port;
    }

    @Override
    public String name() {
        return "tcp";
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
                    .setPort(config.tcpPort())
                    .setTcpNoDelay(true)
                    .setReuseAddress(true);
            server = loop.vertx().createNetServer(options).connectHandler(this::accept);
            return server.listen()
                    .recover(e -> Future.failedFuture(new ListenException("--tcp-port", config.host(), config.tcpPort(), e)))
                    .map(NetServer::actualPort)
                    .onSuccess(port -> boundPort = port);
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
