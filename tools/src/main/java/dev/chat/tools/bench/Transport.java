package dev.chat.tools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The generator's network side: Netty event loops (the native epoll transport where it loads,
 * NIO otherwise), one per {@code --threads}, and each connection's pipeline for the chosen
 * {@link Protocol}: TLS first with {@code --tls}, the HTTP upgrade and WebSocket framing for
 * {@code ws}, then the client's own handler.
 *
 * <p>TLS here trusts any certificate and checks no host name: the generator measures servers
 * on this machine (self-signed certificates included); it protects nothing and must not be
 * taken as an example of a client.
 */
final class Transport implements AutoCloseable {
    /** Bytes queued for one connection beyond which the server is taken as not reading. */
    static final int MAX_PENDING_OUT = 1 << 20;
    /** Largest WebSocket message accepted from the server. */
    private static final int MAX_WS_MESSAGE = JsonWire.MAX_FRAME;

    private final Protocol protocol;
    private final Wire wire;
    private final MultiThreadIoEventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final SslContext ssl;
    private final String transportName;

    Transport(Protocol protocol, int threads, int textLength) {
        this.protocol = protocol;
        this.wire = protocol.kind() == Protocol.Kind.IRC ? new IrcWire(textLength, protocol.ircSetup())
                : new JsonWire(protocol.kind() == Protocol.Kind.WS, textLength);
        IoHandlerFactory io;
        if (Epoll.isAvailable()) {
            io = EpollIoHandler.newFactory();
            channelClass = EpollSocketChannel.class;
            transportName = "epoll";
        } else {
            io = NioIoHandler.newFactory();
            channelClass = NioSocketChannel.class;
            transportName = "nio";
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "bench-loop-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        this.group = new MultiThreadIoEventLoopGroup(threads, tf, io);
        try {
            this.ssl = protocol.tls() ? SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        } catch (SSLException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    Protocol protocol() {
        return protocol;
    }

    Wire wire() {
        return wire;
    }

    /** With {@code --tls}: {@code openssl} (BoringSSL through netty-tcnative) or {@code jdk}; else null. */
    String tlsEngine() {
        return ssl == null ? null : ssl instanceof io.netty.handler.ssl.OpenSslContext ? "openssl" : "jdk";
    }

    /** epoll or nio. */
    String name() {
        return transportName;
    }

    /** The event loops, one per thread, in a fixed order. */
    List<EventLoop> loops() {
        List<EventLoop> out = new ArrayList<>();
        group.forEach(e -> out.add((EventLoop) e));
        return out;
    }

    /** A bootstrap for connections served by {@code loop}; the handler is set per connection. */
    Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(MAX_PENDING_OUT / 2, MAX_PENDING_OUT));
    }

    /** The pipeline of one client's connection. */
    ChannelInitializer<Channel> initializer(LoadLoop loop, Conn c) {
        boolean websocket = protocol.kind() == Protocol.Kind.WS;
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                InetSocketAddress to = c.spec.server().socket();
                if (ssl != null) {
                    p.addLast(ssl.newHandler(ch.alloc(), to.getHostString(), to.getPort()));
                }
                if (websocket) {
                    p.addLast(new HttpClientCodec());
                    p.addLast(new HttpObjectAggregator(64 * 1024));
                    p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                            .webSocketUri(uri(to))
                            .version(WebSocketVersion.V13)
                            .customHeaders(new DefaultHttpHeaders())
                            .maxFramePayloadLength(MAX_WS_MESSAGE)
                            .handshakeTimeoutMillis(30_000)
                            .dropPongFrames(true)
                            .build()));
                    p.addLast(new WebSocketFrameAggregator(MAX_WS_MESSAGE));
                }
                p.addLast(new ClientHandler(loop, c, websocket));
            }
        };
    }

    /**
     * Once the WebSocket handshake is done: the server's frames are read straight from the byte
     * stream by the client's own handler ({@link JsonWire#read}), as framed ones are, instead of
     * one frame object per message, an aggregator and a UTF-8 validator in between. The frame
     * encoder stays: what the client sends is masked, as RFC 6455 requires.
     */
    static void readWebSocketRaw(ChannelPipeline p) {
        List<String> names = new ArrayList<>();
        for (java.util.Map.Entry<String, io.netty.channel.ChannelHandler> e : p) {
            if (e.getValue() instanceof io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder
                    || e.getValue() instanceof WebSocketFrameAggregator
                    || e.getValue() instanceof io.netty.handler.codec.http.websocketx.Utf8FrameValidator) {
                names.add(e.getKey());
            }
        }
        for (String name : names) {
            p.remove(name); // a decoder hands on what it holds, as bytes; the server sends nothing before hello
        }
    }

    private URI uri(InetSocketAddress to) {
        String host = to.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create((protocol.tls() ? "wss://" : "ws://") + host + ":" + to.getPort() + protocol.wsPath());
    }

    /** Stops the event loops (their connections are closed by then). */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
