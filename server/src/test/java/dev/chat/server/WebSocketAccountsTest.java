package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Accounts and the per-address limits over WebSocket, which shares the framed protocol's rules:
 * a password over {@code ws://} is fine from loopback and refused from another machine; the
 * connections of an address that have not said hello are counted.
 */
@Timeout(120)
class WebSocketAccountsTest {
    private final Vertx vertx = Vertx.vertx();
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
        vertx.close().await();
    }

    @Test
    void aPasswordOverWsFromLoopbackIsAccepted() throws Exception {
        fx = ServerFixture.start();
        try (WsClient c = WsClient.open(vertx, fx.server.httpPort())) {
            JsonObject w = c.request(new JsonObject().put("type", "register").put("nick", "wes").put("password", "pw"));
            assertThat(w.getString("type")).isEqualTo("welcome");
        }
    }

    @Test
    void aPasswordOverPlainWsFromAnotherMachineIsRefused() throws Exception {
        InetAddress lan = lanAddress();
        Assumptions.assumeTrue(lan != null, "no non-loopback IPv4 address on this machine");
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().host("0.0.0.0").build());
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions());
        WebSocket ws = client.connect(new WebSocketConnectOptions().setHost(lan.getHostAddress())
                .setPort(fx.server.httpPort()).setURI("/ws")).await(30, TimeUnit.SECONDS);
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        ws.textMessageHandler(t -> reply.complete(new JsonObject(t)));
        ws.writeTextMessage(new JsonObject().put("type", "register").put("id", 1).put("nick", "wes")
                .put("password", "pw").encode());
        JsonObject e = reply.get(30, TimeUnit.SECONDS);
        assertThat(e.getString("code")).isEqualTo("plaintext_password");
        assertThat(e.encode()).doesNotContain("\"pw\"");
        ws.close();
    }

    @Test
    void wsConnectionsWithoutHelloAreCountedPerAddress() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().maxPendingPerIp(1).build());
        try (WsClient first = WsClient.open(vertx, fx.server.httpPort());
             WsClient second = WsClient.open(vertx, fx.server.httpPort())) {
            // the two may be counted in either order (they can land on different event loops):
            // one of them is refused, the other is served
            WsClient refused = null;
            JsonObject full = null;
            long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (full == null && System.nanoTime() < until) {
                for (WsClient c : java.util.List.of(first, second)) {
                    JsonObject m = c.poll(100);
                    if (m != null && "error".equals(m.getString("type"))) {
                        full = m;
                        refused = c;
                        break;
                    }
                }
            }
            assertThat(full).as("one of two connections without hello refused").isNotNull();
            assertThat(full.getString("code")).isEqualTo("server_full");
            assertThat(full.getString("message")).contains("not said hello");
            WsClient served = refused == first ? second : first;
            assertThat(served.request(new JsonObject().put("type", "hello").put("nick", "one")).getString("type"))
                    .isEqualTo("welcome");
        }
    }

    private static InetAddress lanAddress() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
