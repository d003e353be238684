package dev.chat.server.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.ClientAuth;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Looks at the first bytes of every connection to a TLS listener before TLS does, so that a
 * client speaking plaintext is told so in its own language and the log names it with its
 * address, whatever the engine (BoringSSL reports a non-TLS record without its bytes, and
 * Vert.x reports failed handshakes without their connection).
 *
 * <p>How, with public API only: Vert.x 5 takes the TLS engine as an {@link SSLEngineOptions},
 * whose {@link SslContextFactory} (a public SPI) makes Netty's {@link SslContext}; this wraps the
 * chosen engine's factory so that its contexts make a {@link SslHandler} subclass, with the
 * chosen engine inside (BoringSSL keeps its faster non-JDK-compatible mode). That handler checks
 * the first 5 bytes: a TLS record header goes on to the handshake untouched; anything else is
 * classified ({@link HandshakeFailures#classifyBytes}), answered in plaintext where there is a
 * useful answer (a chat {@code error} frame {@code tls_required}; an HTTP 400 saying "use
 * https"; an IRC {@code ERROR} line), reported, and the connection closed.
 */
final class FirstBytesGuard extends SSLEngineOptions {

    /** Receives what the guard saw: the kind of mistake, the client's address, the first bytes. */
    interface Sink {
        void rejected(HandshakeFailures.Kind kind, SocketAddress remote, byte[] firstBytes);
    }

    static final byte[] CHAT_REPLY = frame("{\"type\":\"error\",\"code\":\"tls_required\",\"message\":\"this port speaks "
            + "TLS: connect with TLS (./chat client --tls), or to the plaintext port\"}");
    static final byte[] HTTP_REPLY = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Connection: close\r\nContent-Length: 58\r\n\r\n"
            + "This port speaks HTTPS: use https:// instead of http://.\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] IRC_REPLY = "ERROR :This port speaks TLS: connect with TLS, or to the plaintext port\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SSLEngineOptions engine;
    private final Sink sink;

    FirstBytesGuard(SSLEngineOptions engine, Sink sink) {
        super(engine);
        this.engine = engine;
        this.sink = sink;
    }

    @Override
    public SSLEngineOptions copy() {
        return new FirstBytesGuard(engine.copy(), sink);
    }

    @Override
    public SslContextFactory sslContextFactory() {
        SslContextFactory f = engine.sslContextFactory();
        return new SslContextFactory() {
            @Override
            public SslContextFactory useAlpn(boolean useAlpn) {
                f.useAlpn(useAlpn);
                return this;
            }

            @Override
            public SslContextFactory clientAuth(ClientAuth clientAuth) {
                f.clientAuth(clientAuth);
                return this;
            }

            @Override
            public SslContextFactory forClient(boolean forClient) {
                f.forClient(forClient);
                return this;
            }

            @Override
            public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
                f.keyMananagerFactory(kmf);
                return this;
            }

            @Override
            public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
                f.trustManagerFactory(tmf);
                return this;
            }

            @Override
            public SslContextFactory enabledCipherSuites(Set<String> suites) {
                f.enabledCipherSuites(suites);
                return this;
            }

            @Override
            public SslContextFactory applicationProtocols(List<String> protocols) {
                f.applicationProtocols(protocols);
                return this;
            }

            @Override
            public SslContextFactory serverName(String serverName) {
                f.serverName(serverName);
                return this;
            }

            @Override
            public SslContext create() throws SSLException {
                SslContext ctx = f.create();
                return ctx.isClient() ? ctx : new GuardedContext(ctx, sink);
            }
        };
    }

    private static byte[] frame(String json) {
        byte[] payload = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** The engine's context, making {@link GuardedHandler}s around the engine's own engines. */
    private static final class GuardedContext extends DelegatingSslContext {
        private final Sink sink;

        GuardedContext(SslContext ctx, Sink sink) {
            super(ctx);
            this.sink = sink;
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            // nothing to change: the engine is configured by the context
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
            return guard(super.newHandler(alloc, startTls, executor), startTls, executor);
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls,
                                        Executor executor) {
            return guard(super.newHandler(alloc, peerHost, peerPort, startTls, executor), startTls, executor);
        }

        // The engine's handler is only a carrier for its engine: ours takes the engine over.
        private SslHandler guard(SslHandler made, boolean startTls, Executor executor) {
            return new GuardedHandler(made.engine(), startTls, executor, sink);
        }
    }

    /** An {@link SslHandler} that first checks that the client speaks TLS at all. */
    static final class GuardedHandler extends SslHandler {
        private static final int SNIFF = 64;
        private final Sink sink;
        private boolean checked;

        GuardedHandler(SSLEngine engine, boolean startTls, Executor executor, Sink sink) {
            super(engine, startTls, executor);
            this.sink = sink;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws SSLException {
            if (!checked) {
                int n = in.readableBytes();
                if (n == 0) {
                    return;
                }
                if (n < 5 && couldStartTls(in.getUnsignedByte(in.readerIndex()))) {
                    return; // wait for a whole record header
                }
                if (n < 5 || !SslHandler.isEncrypted(in, true)) {
                    reject(ctx, in);
                    return;
                }
                checked = true;
            }
            super.decode(ctx, in, out);
        }

        private void reject(ChannelHandlerContext ctx, ByteBuf in) {
            byte[] first = new byte[Math.min(in.readableBytes(), SNIFF)];
            in.getBytes(in.readerIndex(), first);
            in.skipBytes(in.readableBytes());
            checked = true;
            HandshakeFailures.Kind kind = HandshakeFailures.classifyBytes(first);
            sink.rejected(kind, ctx.channel().remoteAddress(), first);
            byte[] reply = switch (kind) {
                case PLAINTEXT_FRAME -> CHAT_REPLY;
                case PLAINTEXT_HTTP -> HTTP_REPLY;
                case PLAINTEXT_IRC -> IRC_REPLY;
                default -> null;
            };
            if (reply == null) {
                ctx.close();
            } else {
                // written from this handler's context: it goes out below TLS, in plaintext
                ctx.writeAndFlush(Unpooled.wrappedBuffer(reply)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        // A TLS record starts with content type 20-23, or an SSLv2-style hello with the high bit set.
        private static boolean couldStartTls(int b) {
            return (b >= 20 && b <= 23) || (b & 0x80) != 0;
        }
    }
}
