package dev.chat.server;

import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.Frames;
import dev.chat.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * <b>TEST FIXTURE ONLY: delete it when the server's own {@code /ws} adapter lands</b> (docs/WEB.md,
 * "Still to be wired"). It stands in for the HTTP side of the server so the browser pages can be
 * developed and tested now: a Vert.x HTTP server on loopback that serves the pages from
 * {@code src/main/resources/web} (and uPlot from its WebJar) with the headers docs/WEB.md asks for,
 * and bridges each browser WebSocket on {@code /ws} to its own connection on a real in-process
 * {@link ChatServer}'s framed TCP port: a text frame in becomes one length-prefixed frame, each
 * frame out becomes one text frame. {@code /api/*} is answered by {@link WsBridgeNetworkApi}.
 *
 * <p>Tests steer outages through it: {@link #hold()} refuses new WebSocket upgrades (the network is
 * down), {@link #dropBrowsers()} cuts every open one, {@link #restartServer()} stops the chat
 * server and starts a fresh one (empty history, new node id) behind the same HTTP port.
 */
final class WsBridgeFixture implements AutoCloseable {
    /** The Content-Security-Policy every page response carries (docs/WEB.md, "Security"). */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private final Vertx vertx = Vertx.vertx();
    private final NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    private final ServerConfig config;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile ChatServer server;
    private volatile boolean held;
    private HttpServer http;
    final WsBridgeNetworkApi api;

    private WsBridgeFixture(ServerConfig config, ChatServer server) {
        this.config = config;
        this.server = server;
        this.api = new WsBridgeNetworkApi(vertx, server);
    }

    /** A chat server (this config) and the bridge in front of it, both on loopback with free ports. */
    static WsBridgeFixture start(ServerConfig config) throws Exception {
        ChatServer server = await(ChatServer.start(config));
        WsBridgeFixture f = new WsBridgeFixture(config, server);
        f.http = await(f.vertx.createHttpServer().requestHandler(f.router()).listen(0, "127.0.0.1"));
        return f;
    }

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(ctx -> {
            // what docs/WEB.md asks of every response of the pages' HTTP server
            ctx.response().putHeader("Content-Security-Policy", CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("X-Frame-Options", "DENY");
            ctx.next();
        });
        r.get("/ws").handler(this::upgrade);
        api.routes(r);
        r.get("/network").handler(ctx -> ctx.reroute("/network.html"));
        r.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(false));
        r.route("/*").handler(StaticHandler.create("web").setCachingEnabled(false).setIndexPage("index.html"));
        return r;
    }

    private void upgrade(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String origin = req.getHeader("Origin");
        if (origin != null && !origin.equals("http://" + req.getHeader("Host"))) {
            ctx.response().setStatusCode(403).end("cross-origin WebSocket refused\n");
            return;
        }
        if (held) {
            ctx.response().setStatusCode(503).end("held by the test\n");
            return;
        }
        ChatServer target = server;
        req.toWebSocket().onSuccess(ws -> {
            ws.pause();
            net.connect(target.tcpPort(), "127.0.0.1").onComplete(ar -> {
                if (ar.failed()) {
                    ws.close((short) 1011, "chat server unreachable");
                } else {
                    link(ws, ar.result());
                }
            });
        });
    }

    private void link(ServerWebSocket ws, NetSocket tcp) {
        Link link = new Link(ws, tcp);
        links.add(link);
        FrameDecoder decoder = new FrameDecoder(16 * 1024 * 1024);
        tcp.handler(buf -> {
            byte[] bytes = buf.getBytes();
            try {
                decoder.feed(bytes, 0, bytes.length, payload -> {
                    String text = new String(payload, StandardCharsets.UTF_8);
                    api.sent(text);
                    ws.writeTextMessage(text);
                });
            } catch (FrameTooLargeException e) {
                link.close();
            }
        });
        tcp.closeHandler(v -> {
            links.remove(link);
            if (!ws.isClosed()) {
                ws.close((short) 1001, "the chat server closed the connection");
            }
        });
        ws.textMessageHandler(text -> {
            api.received(text);
            tcp.write(Buffer.buffer(Frames.frame(text.getBytes(StandardCharsets.UTF_8))));
        });
        ws.binaryMessageHandler(b -> tcp.write(Buffer.buffer(Frames.frame(b.getBytes()))));
        ws.closeHandler(v -> link.close());
        ws.resume();
    }

    private final class Link {
        final ServerWebSocket ws;
        final NetSocket tcp;

        Link(ServerWebSocket ws, NetSocket tcp) {
            this.ws = ws;
            this.tcp = tcp;
        }

        void close() {
            links.remove(this);
            tcp.close();
            if (!ws.isClosed()) {
                ws.close((short) 1001, "closed by the bridge");
            }
        }
    }

    /** The page's URL on this bridge; {@code host} is 127.0.0.1 or localhost (two origins, two storages). */
    String url(String host, String path) {
        return "http://" + host + ":" + http.actualPort() + "/" + path;
    }

    String url(String path) {
        return url("127.0.0.1", path);
    }

    ChatServer server() {
        return server;
    }

    /** From now on WebSocket upgrades are refused (503), as if the network were down. */
    void hold() {
        held = true;
    }

    /** Upgrades are accepted again. */
    void release() {
        held = false;
    }

    /** Cuts every browser connection (and its TCP connection to the chat server). */
    void dropBrowsers() {
        for (Link l : links) {
            l.close();
        }
    }

    /** Number of browser connections bridged right now. */
    int browsers() {
        return links.size();
    }

    /** Stops the chat server (its clients get bye) and starts a fresh one with the same config. */
    void restartServer() throws Exception {
        await(server.stop());
        server = await(ChatServer.start(config));
        api.switchTo(server);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            await(server.stop());
        } finally {
            await(vertx.close());
        }
    }
}
