package dev.chat.server.http;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.ListenException;
import dev.chat.server.core.Transport;
import dev.chat.server.net.WsConnection;
import dev.chat.server.net.WsFormat;
import dev.chat.server.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port ({@code --http-port}): {@code /health}, {@code /metrics}, the browser pages and
 * {@code /api/*} ({@link WebRoutes}, docs/WEB.md), and {@code /ws}, the chat protocol over
 * WebSocket. Like the TCP port, every chat loop listens on it (Vert.x spreads the connections),
 * so that a WebSocket accepted on a loop becomes a session of that loop ({@link WsConnection}):
 * one more adapter over the same rules.
 *
 * <p>Bounds, none of which a client can stretch: at most {@code --max-connections} +
 * {@link #PAGE_CONNECTIONS} open HTTP connections (WebSockets included; the chat's own
 * {@code --max-connections} still applies to the sessions), more are closed at once; a request
 * line of {@link #MAX_INITIAL_LINE} bytes and headers of {@link #MAX_HEADER_SIZE}; each request's
 * head must arrive within {@link #HEAD_TIMEOUT} of the connection opening or of the previous
 * answer (a slow or idle client is closed); a WebSocket message of at most {@code --max-frame}
 * bytes (the adapter's rule) and never more than twice that in memory.
 */
public final class WebTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(WebTransport.class);
    /** HTTP connections allowed beyond {@code --max-connections}: page loads, API polls, refused upgrades. */
    public static final int PAGE_CONNECTIONS = 256;
    public static final int MAX_INITIAL_LINE = 4096;
    public static final int MAX_HEADER_SIZE = 8192;
    /** How long a connection may take to send a request's head (from its opening, or the previous answer). */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

    private final ServerConfig config;
    private final String nodeId;
    private final Supplier<MessageStore> store;
    private final IntSupplier tcpPort;
    /** TLS for the HTTPS port, or null for the plain HTTP port. */
    private final dev.chat.server.tls.ServerTls tls;
    private final dev.chat.server.tls.HandshakeFailures handshakeFailures;
    /** Open HTTP connections on every loop. */
    private final AtomicInteger open = new AtomicInteger();
    /** What other parts add to every {@code /health} answer ({@code tls_port}, {@code tls_fingerprint}). */
    private final java.util.List<java.util.function.Consumer<io.vertx.core.json.JsonObject>> healthFields =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param store the node's store, for {@code /health} (null: none)
     * @param tcpPort the bound chat port, for {@code /api/network}
     */
    public WebTransport(ServerConfig config, String nodeId, Supplier<MessageStore> store, IntSupplier tcpPort) {
        this.config = config;
        this.nodeId = nodeId;
        this.store = store;
        this.tcpPort = tcpPort;
        this.tls = null;
        this.handshakeFailures = null;
    }

    private WebTransport(WebTransport plain, dev.chat.server.tls.ServerTls tls) {
        this.config = plain.config;
        this.nodeId = plain.nodeId;
        this.store = plain.store;
        this.tcpPort = plain.tcpPort;
        this.healthFields.addAll(plain.healthFields);
        this.tls = tls;
        this.handshakeFailures = tls.handshakeFailures("https");
    }

    /**
     * The same routes inside TLS on {@code --https-port} ({@link ServerConfig#httpsListenPort()}),
     * with {@code tls}'s certificate (reloaded with it); {@code wss://} for {@code /ws}.
     */
    public WebTransport https(dev.chat.server.tls.ServerTls tls) {
        return new WebTransport(this, java.util.Objects.requireNonNull(tls, "tls"));
    }

    /**
     * Adds fields to every {@code /health} answer (called at each request, on the loop that
     * answers it): e.g. {@code tls_port} and {@code tls_fingerprint}. Before the server starts.
     */
    public WebTransport healthFields(java.util.function.Consumer<io.vertx.core.json.JsonObject> fields) {
        healthFields.add(fields);
        return this;
    }

    /** {@code http}: the READY line's {@code http=} field. */
    @Override
    public String name() {
        return tls == null ? "http" : "https";
    }

    @Override
    public Format format() {
        return WsFormat.INSTANCE;
    }

    @Override
    public Listener listener(ChatLoop loop) {
        return new WebListener(loop);
    }

    private int port() {
        return tls == null ? config.httpPort() : config.httpsListenPort();
    }

    /** Connections allowed open at once. */
    int maxOpen() {
        return (int) Math.min(Integer.MAX_VALUE, (long) config.maxConnections() + PAGE_CONNECTIONS);
    }

    /** An open connection's place in the count, and its head timer (null when none runs). */
    private static final class Slot {
        Long timer;
    }

    /** One loop's HTTP server. Loop thread only. */
    private final class WebListener implements Listener {
        private final ChatLoop loop;
        /** This loop's open HTTP connections (each counted in {@link #open} once). */
        private final Map<HttpConnection, Slot> conns = new HashMap<>();
        private HttpServer server;

        WebListener(ChatLoop loop) {
            this.loop = loop;
        }

        @Override
        public Future<Integer> listen() {
            long idle = Math.max(120, config.heartbeat().toSeconds() * 3);
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(config.host())
                    .setPort(port())
                    .setReuseAddress(true)
                    .setTcpNoDelay(true)
                    // no HTTP/2 over cleartext (browsers never use it): with it, Vert.x waits for the
                    // first request's head before it shows the connection, so a slow head went unseen
                    .setHttp2ClearTextEnabled(false)
                    .setMaxInitialLineLength(MAX_INITIAL_LINE)
                    .setMaxHeaderSize(MAX_HEADER_SIZE)
                    .setIdleTimeout((int) idle).setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setMaxWebSocketFrameSize(twice(config.maxFrame()))
                    .setMaxWebSocketMessageSize(twice(config.maxFrame()))
                    .setWebSocketClosingTimeout(5)
                    // no permessage-deflate: a room message goes out as the same bytes to every
                    // member, laid out once per loop (WsConnection), not compressed per member
                    .setPerMessageWebSocketCompressionSupported(false)
                    .setPerFrameWebSocketCompressionSupported(false);
            if (tls != null) {
                tls.applyTo(options, handshakeFailures);
            }
            return loop.vertx().executeBlocking(WebRoutes::readPages).compose(pages -> {
                WebRoutes routes = new WebRoutes(loop, config, nodeId, store, tcpPort, this::upgrade, pages, healthFields);
                server = loop.vertx().createHttpServer(options)
                        .connectionHandler(this::connected)
                        .requestHandler(req -> {
                            headArrived(req);
                            routes.router().handle(req);
                        });
                if (tls != null) {
                    server.exceptionHandler(handshakeFailures); // failed handshakes come only here
                    tls.onReload(server::updateSSLOptions);
                }
                return server.listen()
                        .recover(e -> Future.failedFuture(new ListenException(tls == null ? "--http-port" : "--https-port", config.host(), port(), e)))
                        .map(HttpServer::actualPort);
            });
        }

        private int twice(int n) {
            return (int) Math.min(Integer.MAX_VALUE, 2L * n);
        }

        private void connected(HttpConnection c) {
            if (open.incrementAndGet() > maxOpen()) {
                open.decrementAndGet();
                LOG.debug("HTTP connection from {} refused: {} open", c.remoteAddress(), maxOpen());
                c.close();
                return;
            }
            conns.put(c, new Slot());
            c.closeHandler(v -> release(c)); // not called once the connection is a WebSocket: see upgrade
            awaitHead(c);
        }

        /** The connection is gone: its place is free (once, however many ways it is told). */
        private void release(HttpConnection c) {
            Slot slot = conns.remove(c);
            if (slot != null) {
                open.decrementAndGet();
                if (slot.timer != null) {
                    loop.vertx().cancelTimer(slot.timer);
                }
            }
        }

        /** Closes the connection unless a request head arrives within {@link #HEAD_TIMEOUT}. */
        private void awaitHead(HttpConnection c) {
            Slot slot = conns.get(c);
            if (slot == null) {
                return;
            }
            if (slot.timer != null) {
                loop.vertx().cancelTimer(slot.timer);
            }
            slot.timer = loop.vertx().setTimer(HEAD_TIMEOUT.toMillis(), t -> {
                if (conns.get(c) == slot && t.equals(slot.timer)) {
                    LOG.debug("HTTP connection from {} closed: no request within {} s", c.remoteAddress(),
                            HEAD_TIMEOUT.toSeconds());
                    slot.timer = null;
                    c.close();
                    release(c);
                }
            });
        }

        private void headArrived(HttpServerRequest req) {
            HttpConnection c = req.connection();
            Slot slot = conns.get(c);
            if (slot != null && slot.timer != null) {
                loop.vertx().cancelTimer(slot.timer);
                slot.timer = null;
            }
            if (!isUpgrade(req)) {
                req.response().endHandler(v -> awaitHead(c)); // the next request (keep-alive) has as long
            }
        }

        /**
         * {@code GET /ws}: refused with 403 unless the {@code Origin} is the server's own or one of
         * {@code --web-origin} (a request without one is not from a browser page: accepted).
         */
        private void upgrade(RoutingContext ctx) {
            HttpServerRequest req = ctx.request();
            String origin = req.getHeader("Origin");
            if (origin != null && !allowed(origin, req)) {
                LOG.debug("WebSocket from {} refused: origin {}", req.remoteAddress(), origin);
                ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("cross-origin WebSocket refused: " + origin + " (see --web-origin)\n");
                return;
            }
            if (!isUpgrade(req)) {
                ctx.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("/ws is a WebSocket endpoint (docs/PROTOCOL.md)\n");
                return;
            }
            HttpConnection c = req.connection();
            req.toWebSocket().onSuccess(ws -> WsConnection.serve(loop, ws, c, () -> release(c)))
                    .onFailure(e -> {
                        LOG.debug("WebSocket handshake from {} failed: {}", req.remoteAddress(), e.toString());
                        awaitHead(c);
                    });
        }

        private boolean allowed(String origin, HttpServerRequest req) {
            String host = req.getHeader("Host");
            String own = (req.isSSL() ? "https://" : "http://") + (host == null ? "" : host);
            if (origin.equalsIgnoreCase(own)) {
                return true;
            }
            for (String o : config.webOrigins()) {
                if (o.equalsIgnoreCase(origin)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Future<Void> shutdown(Duration grace) {
            return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    static boolean isUpgrade(HttpServerRequest req) {
        String upgrade = req.getHeader("Upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).equals("websocket");
    }
}
