package dev.chat.server;

import dev.chat.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link ChatServer} in this JVM and, between it and the browser, a LAN the tests can
 * break: a TCP relay on loopback in front of the server's HTTP port, through which the pages,
 * {@code /api/*} and {@code /ws} pass unchanged (the browser's {@code Origin} and {@code Host}
 * both name the relay, so the server's same-origin check applies as it would on a LAN).
 *
 * <p>Tests steer outages through it: {@link #hold()} refuses new connections (the network is
 * down), {@link #dropBrowsers()} cuts every open one, {@link #restartServer()} stops the chat
 * server and starts a fresh one (empty history, new node id) behind the same address.
 */
final class WebFixture implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    private final ServerConfig config;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private volatile ChatServer server;
    private volatile boolean held;
    private NetServer relay;

    private WebFixture(ServerConfig config, ChatServer server) {
        this.config = config;
        this.server = server;
    }

    /** A chat server (this config) and the relay in front of its HTTP port, both on loopback with free ports. */
    static WebFixture start(ServerConfig config) throws Exception {
        WebFixture f = new WebFixture(config, await(ChatServer.start(config)));
        f.relay = await(f.vertx.createNetServer().connectHandler(f::accept).listen(0, "127.0.0.1"));
        return f;
    }

    private void accept(NetSocket browser) {
        if (held) {
            browser.close();
            return;
        }
        browser.pause();
        net.connect(server.httpPort(), "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                browser.close();
                return;
            }
            NetSocket toServer = ar.result();
            open.add(browser);
            open.add(toServer);
            browser.closeHandler(v -> {
                open.remove(browser);
                toServer.close();
            });
            toServer.closeHandler(v -> {
                open.remove(toServer);
                browser.close();
            });
            browser.handler(toServer::write);
            toServer.handler(browser::write);
            browser.resume();
        });
    }

    /** The page's URL through the relay; {@code host} is 127.0.0.1 or localhost (two origins, two storages). */
    String url(String host, String path) {
        return "http://" + host + ":" + relay.actualPort() + "/" + path;
    }

    String url(String path) {
        return url("127.0.0.1", path);
    }

    ChatServer server() {
        return server;
    }

    /** From now on new connections are refused, as if the network were down. */
    void hold() {
        held = true;
    }

    /** Connections are accepted again. */
    void release() {
        held = false;
    }

    /** Cuts every connection through the relay (the browsers' WebSockets among them). */
    void dropBrowsers() {
        for (NetSocket s : open) {
            s.close();
        }
    }

    /** Stops the chat server (its clients get bye) and starts a fresh one with the same config. */
    void restartServer() throws Exception {
        await(server.stop());
        server = await(ChatServer.start(config));
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
