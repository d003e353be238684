package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.http.WebTransport;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP port as a browser and a hostile client see it: the pages, their headers, 404/405, --no-web, the bounds. */
@Timeout(120)
class WebHttpTest {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private final HttpClient http = HttpClient.newHttpClient();
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.server.httpPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path);
    }

    private static String type(HttpResponse<?> r) {
        return r.headers().firstValue("content-type").orElse("");
    }

    @Test
    void thePagesAndTheirFilesComeFromTheJarWithTheSecurityHeaders() throws Exception {
        fx = ServerFixture.start();
        for (String path : List.of("/", "/network", "/assets/css/base.css", "/assets/js/chat/main.js",
                "/webjars/uplot/1.6.30/dist/uPlot.esm.js", "/webjars/uplot/1.6.30/dist/uPlot.min.css", "/api/info",
                "/health", "/metrics", "/nope")) {
            HttpResponse<String> r = get(path);
            assertThat(r.headers().firstValue("content-security-policy")).as(path).hasValue(CSP);
            assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("referrer-policy")).as(path).hasValue("no-referrer");
            assertThat(r.headers().firstValue("x-frame-options")).as(path).hasValue("DENY");
        }
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(type(index)).isEqualTo("text/html; charset=utf-8");
        assertThat(index.body()).contains("assets/js/chat/main.js");
        assertThat(get("/network").body()).contains("assets/js/network/");
        assertThat(type(get("/assets/css/base.css"))).startsWith("text/css");
        assertThat(type(get("/assets/js/chat/main.js"))).containsPattern("^(text|application)/javascript");
        HttpResponse<String> uplot = get("/webjars/uplot/1.6.30/dist/uPlot.esm.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(type(uplot)).containsPattern("^(text|application)/javascript");
        HttpResponse<String> info = get("/api/info");
        assertThat(type(info)).isEqualTo("application/json; charset=utf-8");
        assertThat(info.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(type(get("/health"))).isEqualTo("application/json");

        for (String missing : List.of("/nope", "/index.html", "/assets/", "/assets/../index.html", "/assets/%2e%2e/network.html",
                "/webjars/../db/migration/sqlite/V1__messages.sql", "/api/nope")) {
            HttpResponse<String> r = get(missing);
            assertThat(r.statusCode()).as(missing).isEqualTo(404);
            assertThat(r.body()).as(missing).doesNotContain("CREATE TABLE", "<html");
        }
        HttpResponse<String> post = send("POST", "/");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(send("DELETE", "/health").statusCode()).isEqualTo(405);
        HttpResponse<String> head = send("HEAD", "/");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(get("/ws").statusCode()).as("/ws without an upgrade").isEqualTo(400);
    }

    @Test
    void noWebTurnsOffThePagesAndTheApiButNotTheWebSocketHealthAndMetrics() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().web(false).build());
        for (String path : List.of("/", "/network", "/assets/css/base.css", "/webjars/uplot/1.6.30/dist/uPlot.esm.js",
                "/api/info", "/api/network", "/api/rooms/x/frames")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
        Vertx vertx = Vertx.vertx();
        try (WsClient c = WsClient.registered(vertx, fx.server.httpPort(), "still")) {
            assertThat(c.request(new io.vertx.core.json.JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
        } finally {
            WsClient.await(vertx.close());
        }
    }

    /** A raw connection that has sent one request and read its answer: counted by the server. */
    private Socket answered() throws IOException {
        Socket s = new Socket("127.0.0.1", fx.server.httpPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = readHead(s.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 200");
        return s;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            b.append((char) c);
            if (b.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    @Test
    void connectionsBeyondTheBoundAreClosedAtOnce() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().maxConnections(4).build());
        int bound = 4 + WebTransport.PAGE_CONNECTIONS;
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < bound; i++) {
                held.add(answered());
            }
            try (Socket extra = new Socket("127.0.0.1", fx.server.httpPort())) {
                extra.setSoTimeout(10_000);
                try {
                    extra.getOutputStream().write("GET /health HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(extra.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
                } catch (IOException reset) {
                    // closed before the request was written: as good
                }
            }
            held.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                answered().close();
                return true;
            });
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aClientThatTricklesItsHeadersIsClosedAfterTheHeadTimeout() throws Exception {
        fx = ServerFixture.start();
        for (int i = 0; i < 300; i++) { // timer ids past the JVM's cache of small Longs, as in a server that has run a while
            fx.server.vertx().cancelTimer(fx.server.vertx().setTimer(60_000, t -> { }));
        }
        try (Socket s = new Socket("127.0.0.1", fx.server.httpPort())) {
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: t\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < Duration.ofSeconds(40).toNanos()) {
                try {
                    out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII)); // a byte now and then: never idle
                    closed = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException still) {
                    // no answer yet
                } catch (IOException reset) {
                    closed = true;
                }
            }
            long secs = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertThat(closed).as("closed").isTrue();
            assertThat(secs).isBetween(WebTransport.HEAD_TIMEOUT.toSeconds() - 1, WebTransport.HEAD_TIMEOUT.toSeconds() + 15);
        }
        assertThat(get("/health").statusCode()).as("the server is fine").isEqualTo(200);
    }

    @Test
    void headersBeyondTheBoundAreRefused() throws Exception {
        fx = ServerFixture.start();
        try (Socket s = new Socket("127.0.0.1", fx.server.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(WebTransport.MAX_HEADER_SIZE + 100)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            assertThat(head).matches("(?s)HTTP/1.[01] (431|400) .*");
        }
        try (Socket s = new Socket("127.0.0.1", fx.server.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /" + "a".repeat(WebTransport.MAX_INITIAL_LINE + 100) + " HTTP/1.1\r\nHost: t\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            assertThat(head).matches("(?s)HTTP/1.[01] (414|400) .*");
        }
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void closedConnectionsAndWebSocketsGiveTheirPlaceBack() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().maxConnections(2).build());
        int bound = 2 + WebTransport.PAGE_CONNECTIONS;
        Vertx vertx = Vertx.vertx();
        try {
            for (int i = 0; i < bound + 20; i++) {
                WsClient c = WsClient.open(vertx, fx.server.httpPort());
                c.ws.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> c.closeStatus() != null);
                answered().close();
            }
            assertThat(get("/health").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> fx.server.metrics().connections.get() == 0);
        } finally {
            WsClient.await(vertx.close());
        }
    }
}
