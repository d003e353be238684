package dev.chat.server.ircnet;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.ListenException;
import dev.chat.server.core.Transport;
import dev.chat.server.irc.IrcServerInfo;
import dev.chat.server.net.VertxNetty;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The IRC port ({@code --irc-port}, default {@value ServerConfig#DEFAULT_IRC_PORT}, on
 * {@code --host}): each loop listens with a Vert.x {@code NetServer} on the shared port, makes each
 * accepted socket an {@link IrcConnection} and registers it with the loop, so IRC clients share
 * the loop's rules, timers and limits with the framed clients. Shutdown is Vert.x's own: each
 * connection gets its shutdown event and says {@code ERROR :Closing link: server shutting down}.
 */
public final class IrcTransport implements Transport {
    /** Socket write queue: beyond it, lines wait in the connection's own bounded backlog. */
    static final int WRITE_QUEUE_BYTES = 128 * 1024;
    static final WriteBufferWaterMark WRITE_QUEUE = new WriteBufferWaterMark(WRITE_QUEUE_BYTES / 2, WRITE_QUEUE_BYTES);
    /** In {@code 002}, {@code 004} and {@code VERSION}. */
    static final String VERSION = "chat-server-0.1.0";

    private final ServerConfig config;
    private final IntSupplier framedPort;
    private final Instant created = Instant.now();
    private volatile int boundPort;
    /** TLS for {@code --irc-tls-port}, or null for the plaintext IRC port. */
    private final dev.chat.server.tls.ServerTls tls;
    private final dev.chat.server.tls.HandshakeFailures handshakeFailures;

    /**
     * @param framedPort the framed chat port once bound (named to a framed client that reached
     *        this port by mistake)
     */
    public IrcTransport(ServerConfig config, IntSupplier framedPort) {
        if (config.ircPort() == ServerConfig.PORT_OFF) {
            throw new IllegalArgumentException("--irc-port is off: no IRC transport");
        }
        this.config = config;
        this.framedPort = framedPort;
        this.tls = null;
        this.handshakeFailures = null;
    }

    private IrcTransport(ServerConfig config, IntSupplier framedPort, dev.chat.server.tls.ServerTls tls) {
        this.config = config;
        this.framedPort = framedPort;
        this.tls = tls;
        this.handshakeFailures = tls.handshakeFailures("irc-tls");
    }

    /**
     * IRC inside TLS on {@code --irc-tls-port} ({@link ServerConfig#ircTlsListenPort()}, 6697 by
     * default) with {@code tls}'s certificate, reloaded with it: the same IRC as the plaintext port.
     */
    public static IrcTransport tls(ServerConfig config, IntSupplier framedPort, dev.chat.server.tls.ServerTls tls) {
        if (config.ircTlsListenPort() == ServerConfig.PORT_OFF) {
            throw new IllegalArgumentException("--irc-tls-port is off: no IRC TLS transport");
        }
        return new IrcTransport(config, framedPort, java.util.Objects.requireNonNull(tls, "tls"));
    }

    @Override
    public String name() {
        return tls == null ? "irc" : "ircs";
    }

    @Override
    public Format format() {
        return IrcFormat.INSTANCE;
    }

    /** The port this transport is bound to, once it is (0 before). */
    public int boundPort() {
        return boundPort;
    }

    @Override
    public Listener listener(ChatLoop loop) {
        return new IrcListener((IrcFanout) loop.output(IrcFormat.INSTANCE));
    }

    private List<String> motd() {
        return List.of("Welcome to " + config.name() + ": the same chat as the framed clients.",
                "Channel #room is room 'room'; PRIVMSG #room is a message to it, PRIVMSG nick a direct message.");
    }

    private int port() {
        return tls == null ? config.ircPort() : config.ircTlsListenPort();
    }

    /** One loop's accept. */
    private final class IrcListener implements Listener {
        private final IrcFanout out;
        private NetServer server;
        /** Made at the first connection, when every listener's port is known. */
        private IrcServerInfo info;

        IrcListener(IrcFanout out) {
            this.out = out;
        }

        @Override
        public Future<Integer> listen() {
            NetServerOptions options = new NetServerOptions()
                    .setHost(config.host())
                    .setPort(port())
                    .setTcpNoDelay(true)
                    .setReuseAddress(true);
            if (tls != null) {
                tls.applyTo(options, handshakeFailures);
            }
            server = out.loop().vertx().createNetServer(options).connectHandler(this::accept);
            if (tls != null) {
                server.exceptionHandler(handshakeFailures); // before listen: failed handshakes come only here
                tls.onReload(server::updateSSLOptions);
            }
            String option = tls == null ? "--irc-port" : "--irc-tls-port";
            return server.listen()
                    .recover(e -> Future.failedFuture(new ListenException(option, config.host(), port(), e)))
                    .map(NetServer::actualPort)
                    .onSuccess(port -> boundPort = port);
        }

        private void accept(NetSocket socket) {
            if (info == null) {
                info = IrcServerInfo.of(config, VERSION, created, motd(), framedPort.getAsInt(), boundPort);
            }
            IrcConnection c = new IrcConnection(out, info);
            var ctx = VertxNetty.takeOver(socket, "irc", c);
            ctx.channel().config().setWriteBufferWaterMark(WRITE_QUEUE);
            c.open();
        }

        @Override
        public Future<Void> shutdown(Duration grace) {
            return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
