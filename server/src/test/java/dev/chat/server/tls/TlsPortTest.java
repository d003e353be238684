package dev.chat.server.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.CertificateFingerprint;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS port of a whole server ({@code --tls-port}), on real sockets: the framed protocol
 * inside TLS end to end, what {@code welcome}, {@code /health} and {@code /metrics} say about
 * it, what happens to clients that do not speak TLS 1.2+, a certificate replaced on disk, and
 * the command line ({@code --tcp-port off}, a certificate that cannot be read). Clients trust
 * the server only by the fingerprint it advertises, as a pinned client would.
 */
@Timeout(180)
class TlsPortTest {

    @TempDir
    Path dir;

    private ChatServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static ServerConfig.Builder config(Path dataDir) {
        return ServerConfig.forTests().toBuilder().tlsPort(0).dataDir(dataDir).announce(false);
    }

    private ChatServer start(ServerConfig config, ServerTls tls) throws Exception {
        server = ChatServer.start(config, ChatServer.transports(config, tls)).toCompletionStage()
                .toCompletableFuture().get(60, TimeUnit.SECONDS);
        return server;
    }

    @Test
    void aClientTrustingTheFingerprintChatsOverTlsAndEveryPortAdvertisesIt() throws Exception {
        server = ChatServer.start(config(dir).build()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        int tlsPort = server.tlsPort();
        String fingerprint = server.tlsFingerprint();
        assertThat(tlsPort).isPositive().isNotEqualTo(server.tcpPort());
        assertThat(Files.readString(dir.resolve("tls/self-signed-cert.pem"))).contains("BEGIN CERTIFICATE");
        assertThat(fingerprint).isEqualTo(CertificateFingerprint.of(PemFiles.load(dir.resolve("tls/self-signed-cert.pem"),
                dir.resolve("tls/self-signed-key.pem")).leaf().getEncoded()));
        assertThat(server.readyLine()).contains(" tls=127.0.0.1:" + tlsPort).startsWith("READY tcp=127.0.0.1:");

        try (SSLSocket s = tlsSocket(tlsPort, fingerprint, "TLSv1.3", "TLSv1.2");
             ChatClient alice = ChatClient.over(s)) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            ServerMessage.Welcome w = (ServerMessage.Welcome) alice.request(id -> new ClientMessage.Hello(id, "alice"));
            assertThat(w.tlsPort()).isEqualTo(tlsPort);
            assertThat(w.tlsFingerprint()).isEqualTo(fingerprint);
            assertThat(alice.request(id -> new ClientMessage.Join(id, "tls"))).isInstanceOf(ServerMessage.Joined.class);

            // a plaintext client in the same room sees what the TLS client says, and is told where TLS is
            try (ChatClient bob = ChatClient.connect(server.tcpPort())) {
                ServerMessage.Welcome plain = (ServerMessage.Welcome) bob.request(id -> new ClientMessage.Hello(id, "bob"));
                assertThat(plain.tlsPort()).isEqualTo(tlsPort);
                assertThat(plain.tlsFingerprint()).isEqualTo(fingerprint);
                bob.request(id -> new ClientMessage.Join(id, "tls"));
                assertThat(alice.request(id -> new ClientMessage.Say(id, "tls", "secret", false)))
                        .isInstanceOf(ServerMessage.Ok.class);
                assertThat(bob.await(ServerMessage.ChatMessage.class, m -> m.text().equals("secret")).from())
                        .isEqualTo("alice");
            }
            ServerMessage.HistoryReply h = (ServerMessage.HistoryReply) alice.request(
                    id -> new ClientMessage.History(id, "tls", null, 10));
            assertThat(h.messages()).extracting(ServerMessage.ChatMessage::text).containsExactly("secret");
        }

        String health = http(server.httpPort(), "/health");
        assertThat(health).contains("\"tls_port\":" + tlsPort).contains("\"tls_fingerprint\":\"" + fingerprint + "\"");

        // kept: a second start on the same data directory serves the same certificate
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        server = null;
        server = ChatServer.start(config(dir).build()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(server.tlsFingerprint()).isEqualTo(fingerprint);
        try (SSLSocket again = tlsSocket(server.tlsPort(), fingerprint, "TLSv1.3")) {
            assertThat(again.getSession().isValid()).isTrue();
        }
    }

    @Test
    void plaintextAndTls11OnTheTlsPortAreRefusedCountedAndTheServerKeepsServing() throws Exception {
        ServerTls tls = ServerTls.load(TlsSettings.selfSigned(dir, List.of()), true);
        ServerConfig config = config(dir).build();
        start(config, tls);
        int tlsPort = server.tlsPort();

        // a chat client without TLS: one plaintext error it can read, then the close
        byte[] reply = replyBeforeClose(tlsPort, MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "plain")));
        ServerMessage.Error error = (ServerMessage.Error) MessageCodec.decodeServer(Arrays.copyOfRange(reply, 4, reply.length));
        assertThat(error.code()).isEqualTo(ErrorCode.TLS_REQUIRED);

        // TLS 1.1: refused at the handshake (openssl offers it; the JDK client will not)
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + tlsPort, "-tls1_1",
                "-cipher", "DEFAULT:@SECLEVEL=0").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("BEGIN CERTIFICATE").doesNotContain("Cipher is ECDHE");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = http(server.httpPort(), "/metrics");
            assertThat(metrics).contains("chat_tls_handshakes_failed_total{kind=\"plaintext_frame\"} 1")
                    .contains("chat_tls_handshakes_failed_total{kind=\"no_common_parameters\"} 1");
        });

        // still serving: TLS and plaintext
        try (ChatClient c = ChatClient.over(tlsSocket(tlsPort, server.tlsFingerprint(), "TLSv1.2"))) {
            assertThat(c.request(id -> new ClientMessage.Hello(id, "after"))).isInstanceOf(ServerMessage.Welcome.class);
        }
        try (ChatClient c = ChatClient.registered(server.tcpPort(), "plainafter")) {
            assertThat(c.request(id -> new Ping(id))).isInstanceOf(Pong.class);
        }
    }

    @Test
    void aCertificateReplacedOnDiskIsWhatNewConnectionsGet() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        CertificateMaterial first = SelfSignedCertificate.generate("first.example", List.of());
        Files.writeString(cert, first.chainPem());
        Files.writeString(key, first.keyPem());
        ServerTls tls = ServerTls.load(TlsSettings.pemFiles(cert, key, dir).withReloadInterval(Duration.ofMillis(200)),
                true);
        start(config(dir).tcpInstances(2).build(), tls);
        int tlsPort = server.tlsPort();

        try (ChatClient old = ChatClient.over(tlsSocket(tlsPort, first.fingerprint(), "TLSv1.3"))) {
            assertThat(((ServerMessage.Welcome) old.request(id -> new ClientMessage.Hello(id, "old"))).tlsFingerprint())
                    .isEqualTo(first.fingerprint());

            CertificateMaterial second = SelfSignedCertificate.generate("second.example", List.of());
            Files.writeString(key, second.keyPem());
            Files.writeString(cert, second.chainPem());
            await().atMost(Duration.ofSeconds(30)).until(() -> second.fingerprint().equals(server.tlsFingerprint()));
            // the listeners get it a moment after the server knows it
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                try (SSLSocket fresh = tlsSocket(tlsPort, second.fingerprint(), "TLSv1.3")) {
                    assertThat(fresh.getSession().isValid()).isTrue();
                }
            });
            // then every loop's listener serves it (several connections, spread over the loops)
            for (int i = 0; i < 6; i++) {
                try (SSLSocket fresh = tlsSocket(tlsPort, second.fingerprint(), "TLSv1.3");
                     ChatClient c = ChatClient.over(fresh)) {
                    ServerMessage.Welcome w = (ServerMessage.Welcome) c.request(id -> new ClientMessage.Hello(id, "n"
                            + System.nanoTime() % 100000));
                    assertThat(w.tlsFingerprint()).isEqualTo(second.fingerprint());
                }
            }
            assertThat(http(server.httpPort(), "/health")).contains(second.fingerprint());
            // the connection made before keeps going on its session
            assertThat(old.request(id -> new Ping(id))).isInstanceOf(Pong.class);
        }
    }

    @Test
    void tlsOnlyWithTcpPortOff() throws Exception {
        try (ServerProcess p = ServerProcess.start("--tcp-port", "off", "--tls-port", "0", "--data-dir",
                dir.resolve("data").toString())) {
            assertThat(p.field("tcp")).isNull();
            int tlsPort = p.port("tls");
            assertThat(p.udpPort()).isPositive();
            assertThat(p.httpPort()).isPositive();
            // the fingerprint on stderr, in one line, is the one the TLS port serves
            await().atMost(Duration.ofSeconds(10)).until(() -> p.stderr().contains("chat server: TLS certificate "));
            String line = p.stderr().lines().filter(l -> l.startsWith("chat server: TLS certificate ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no fingerprint line in " + p.stderr()));
            String fingerprint = line.split(" ")[4];
            try (ChatClient c = ChatClient.over(tlsSocket(tlsPort, fingerprint, "TLSv1.3"))) {
                ServerMessage.Welcome w = (ServerMessage.Welcome) c.request(id -> new ClientMessage.Hello(id, "only"));
                assertThat(w.tlsPort()).isEqualTo(tlsPort);
                assertThat(w.tlsFingerprint()).isEqualTo(fingerprint);
            }
            // a client without TLS is told, and the server's log names the mistake and the address
            byte[] reply = replyBeforeClose(tlsPort, MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "plain")));
            assertThat(new String(reply, UTF_8)).contains(ErrorCode.TLS_REQUIRED);
            await().atMost(Duration.ofSeconds(20)).until(() -> p.stderr().contains(
                    "tls port: /127.0.0.1:") && p.stderr().contains("sent a plaintext chat frame instead of a TLS ClientHello"));
        }
    }

    @Test
    void aCertificateThatCannotBeReadIsOneLineAndExitTwo() throws Exception {
        Path missing = dir.resolve("nope/cert.pem");
        assertUsageError(List.of("--tls-port", "0", "--tls-cert", missing.toString(), "--tls-key",
                dir.resolve("nope/key.pem").toString()), "nope/cert.pem");
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not a certificate\n");
        assertUsageError(List.of("--tls-port", "0", "--tls-cert", garbage.toString(), "--tls-key", garbage.toString()),
                "garbage.pem");
        assertUsageError(List.of("--tls-port", "0", "--tls-cert", garbage.toString()), "--tls-key");
        assertUsageError(List.of("--tcp-port", "off", "--tls-port", "off"), "--tls-port");
        assertUsageError(List.of("--tls-port", "none"), "--tls-port");
        assertUsageError(List.of("--tls-port", "0", "--cluster-tls"), "--cluster-tls");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertUsageError(List.of("--tls-port", String.valueOf(port)),
                    "--tls-port " + port + " (127.0.0.1:" + port + ") is in use");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void assertUsageError(List<String> options, String named) throws Exception {
        ServerProcess p = ServerProcess.launch("bad-tls", null, options);
        try {
            assertThat(p.process().waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
            assertThat(p.process().exitValue()).as("exit code with %s", options).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> p.stderr().contains("chat server: "));
            String err = p.stderr();
            String line = err.lines().filter(l -> l.startsWith("chat server: ")).findFirst().orElseThrow();
            assertThat(line).as(err).contains(named);
            assertThat(err).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(p.extraStdout()).isEmpty();
        } finally {
            p.close();
        }
    }

    /** {@code wss://}: the chat's WebSocket frames, written as bytes below Vert.x, go through TLS whole and in order. */
    @Test
    void aWebSocketOverTheHttpsPortGetsARoomsMessagesInOrder() throws Exception {
        server = ChatServer.start(config(dir).rateLimit(0).build()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (ChatClient framed = ChatClient.registered(server.tcpPort(), "framed")) {
            java.util.concurrent.BlockingQueue<io.vertx.core.json.JsonObject> got = new java.util.concurrent.LinkedBlockingQueue<>();
            io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
                    .setSsl(true).setTrustAll(true).setVerifyHost(false));
            io.vertx.core.http.WebSocket ws = client.connect(server.port("https"), "127.0.0.1", "/ws")
                    .map(w -> w.textMessageHandler(t -> got.add(new io.vertx.core.json.JsonObject(t))))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(ws.isSsl()).isTrue();
            ws.writeTextMessage("{\"type\":\"hello\",\"nick\":\"secure\"}");
            ws.writeTextMessage("{\"type\":\"join\",\"room\":\"vault\",\"id\":1}");
            io.vertx.core.json.JsonObject m;
            do {
                m = got.poll(20, TimeUnit.SECONDS);
                assertThat(m).as("the join's answer").isNotNull();
            } while (!"joined".equals(m.getString("type")));
            framed.request(id -> new ClientMessage.Join(id, "vault"));
            String long1 = "x".repeat(3000);
            for (int i = 0; i < 200; i++) {
                framed.send(new ClientMessage.Say(null, "vault", i + ":" + (i % 2 == 0 ? long1 : "short")));
            }
            for (int i = 0; i < 200; i++) {
                do {
                    m = got.poll(20, TimeUnit.SECONDS);
                    assertThat(m).as("message %d", i).isNotNull();
                } while (!"message".equals(m.getString("type")));
                assertThat(m.getString("text")).isEqualTo(i + ":" + (i % 2 == 0 ? long1 : "short"));
            }
            ws.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    /** A TLS socket, handshake done, that accepts the server only with this certificate fingerprint. */
    @Test
    void ircAndHttpsSpeakInsideTlsWithTheSameCertificate() throws Exception {
        server = ChatServer.start(config(dir).build()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String fingerprint = server.tlsFingerprint();
        int ircs = server.port("ircs");
        int https = server.port("https");
        assertThat(ircs).as("--irc-tls-port auto follows --tls-port 0").isPositive();
        assertThat(https).as("--https-port auto follows --tls-port 0").isPositive();
        assertThat(server.readyLine()).contains(" ircs=127.0.0.1:" + ircs, " https=127.0.0.1:" + https);

        // an IRC client over TLS: registered, in a room with a framed client, both ways
        try (SSLSocket s = tlsSocket(ircs, fingerprint, "TLSv1.3", "TLSv1.2");
             ChatClient framed = ChatClient.registered(server.tcpPort(), "framed")) {
            s.setSoTimeout(20_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), UTF_8));
            var out = s.getOutputStream();
            out.write("NICK secure\r\nUSER secure 0 * :Secure\r\nJOIN #vault\r\n".getBytes(UTF_8));
            out.flush();
            String line;
            boolean welcomed = false;
            boolean joined = false;
            while (!(welcomed && joined) && (line = in.readLine()) != null) {
                welcomed |= line.contains(" 001 secure ");
                joined |= line.startsWith(":secure!") && line.contains("JOIN") && line.contains("#vault");
            }
            assertThat(welcomed && joined).as("001 and the JOIN over TLS").isTrue();
            framed.request(id -> new ClientMessage.Join(id, "vault"));
            framed.request(id -> new ClientMessage.Say(id, "vault", "over tls?"));
            String privmsg = null;
            while ((line = in.readLine()) != null) {
                if (line.contains("PRIVMSG #vault")) {
                    privmsg = line;
                    break;
                }
            }
            assertThat(privmsg).startsWith(":framed!").endsWith(":over tls?");
        }

        // HTTPS: /health with the certificate's fingerprint, over a socket that checks it
        try (SSLSocket s = tlsSocket(https, fingerprint, "TLSv1.3", "TLSv1.2")) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(UTF_8));
            String answer = new String(s.getInputStream().readAllBytes(), UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"tls_fingerprint\":\"" + fingerprint + "\"")
                    .contains("\"https_port\":" + https).contains("Content-Security-Policy");
        }
        // plain HTTP at the HTTPS port: told to use https://, and closed
        String plain = new String(replyBeforeClose(https, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8)), UTF_8);
        assertThat(plain).startsWith("HTTP/1.1 400").contains("https://");
        // and the IRC port's twin: plaintext IRC at the TLS one gets an ERROR line
        String irc = new String(replyBeforeClose(ircs, "NICK plain\r\n".getBytes(UTF_8)), UTF_8);
        assertThat(irc).startsWith("ERROR :");
    }

    private static SSLSocket tlsSocket(int port, String fingerprint, String... protocols) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                String got = CertificateFingerprint.of(chain[0].getEncoded());
                if (!got.equals(fingerprint)) {
                    throw new CertificateException("certificate " + got + ", expected " + fingerprint);
                }
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setEnabledProtocols(protocols);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        s.startHandshake();
        return s;
    }

    private static String http(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Sends {@code bytes} on a raw socket; what the server sent back before it closed the connection. */
    private static byte[] replyBeforeClose(int port, byte[] bytes) throws IOException {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write(bytes);
            raw.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = raw.getInputStream();
            byte[] buf = new byte[1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // closed with a reset: what came before still counts
            }
            return got.toByteArray();
        }
    }
}
