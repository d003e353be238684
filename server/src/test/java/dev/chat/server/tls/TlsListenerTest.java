package dev.chat.server.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.CertificateFingerprint;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.MessageCodec;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Vert.x {@code NetServer} made a TLS listener by {@link ServerTls#applyTo}, echoing every
 * byte it receives, against real clients on real sockets: the JDK's TLS client, {@code openssl
 * s_client}, and raw sockets that send garbage, plaintext frames, or stall mid-handshake. Runs
 * with both engines (OpenSSL where it loads, and the JDK's).
 */
class TlsListenerTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private ServerTls tls;

    @AfterEach
    void close() {
        if (tls != null) {
            tls.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private record Listener(NetServer server, ServerTls tls, HandshakeFailures failures, int port) {
    }

    private Listener start(TlsSettings settings, boolean openSsl) throws Exception {
        vertx = Vertx.vertx();
        tls = ServerTls.load(settings, openSsl);
        HandshakeFailures failures = tls.handshakeFailures("tls");
        NetServer server = vertx.createNetServer(tls.applyTo(new NetServerOptions().setHost("127.0.0.1").setPort(0),
                failures));
        server.exceptionHandler(failures);
        server.connectHandler(socket -> socket.handler(socket::write)); // echo
        tls.onReload(server::updateSSLOptions);
        server.listen().await(30, TimeUnit.SECONDS);
        return new Listener(server, tls, failures, server.actualPort());
    }

    @ParameterizedTest(name = "openssl={0}")
    @ValueSource(booleans = {true, false})
    void speaksTheFramedProtocolOverTls13WithTheSelfSignedCertificate(boolean openSsl) throws Exception {
        Listener l = start(TlsSettings.selfSigned(dir, java.util.List.of("chat.example")), openSsl);
        assertThat(l.tls().engine().isOpenSsl()).isEqualTo(openSsl);

        try (SSLSocket s = connect(l.port(), "TLSv1.3", "TLSv1.2")) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(CertificateFingerprint.of(leaf.getEncoded())).isEqualTo(l.tls().fingerprint());
            assertThat(leaf.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                    .contains("localhost", "127.0.0.1", "chat.example");
            byte[] frame = MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "alice"));
            s.getOutputStream().write(frame);
            s.getOutputStream().flush();
            byte[] back = new byte[frame.length];
            new DataInputStream(s.getInputStream()).readFully(back);
            assertThat(back).isEqualTo(frame);
        }
        // TLS 1.2 with a modern suite works too
        try (SSLSocket s = connect(l.port(), "TLSv1.2")) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(s.getSession().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_").contains("GCM");
        }
    }

    @ParameterizedTest(name = "openssl={0}")
    @ValueSource(booleans = {true, false})
    void refusesOldProtocolsAndWeakCiphers(boolean openSsl) throws Exception {
        Listener l = start(TlsSettings.selfSigned(dir, java.util.List.of()), openSsl);
        // TLS 1.2 offering only a CBC suite: the server finds nothing in common
        assertThatThrownBy(() -> {
            try (SSLSocket s = (SSLSocket) socketFactory().createSocket("127.0.0.1", l.port())) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
                s.setSoTimeout(20_000);
                s.startHandshake();
            }
        }).isInstanceOf(SSLHandshakeException.class);
        // TLS 1.1 (the JDK client will not even offer it; openssl will, at security level 0)
        String out = openssl("s_client", "-connect", "127.0.0.1:" + l.port(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
        assertThat(out).doesNotContain("BEGIN CERTIFICATE").doesNotContain("Cipher is ECDHE");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(l.failures().count(HandshakeFailures.Kind.NO_COMMON_PARAMETERS)).isEqualTo(2));
    }

    @ParameterizedTest(name = "openssl={0}")
    @ValueSource(booleans = {true, false})
    void closesOnGarbagePlaintextFramesAndHttpAndNamesTheMistake(boolean openSsl) throws Exception {
        Listener l = start(TlsSettings.selfSigned(dir, java.util.List.of()), openSsl);
        byte[] garbage = new byte[300];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x42; // not a TLS content type
        assertThat(replyBeforeClose(l.port(), garbage)).isEmpty();
        // a chat client without TLS gets one plaintext error frame it can decode, then the close
        byte[] reply = replyBeforeClose(l.port(), MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "alice")));
        ServerMessage.Error error = (ServerMessage.Error) MessageCodec.decodeServer(
                java.util.Arrays.copyOfRange(reply, 4, reply.length));
        assertThat(error.code()).isEqualTo(ErrorCode.TLS_REQUIRED);
        assertThat(error.message()).contains("--tls");
        assertThat(new String(replyBeforeClose(l.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8)),
                UTF_8)).startsWith("HTTP/1.1 400 ").contains("use https://");
        assertThat(new String(replyBeforeClose(l.port(), "NICK alice\r\nUSER a 0 * :A\r\n".getBytes(UTF_8)), UTF_8))
                .startsWith("ERROR :").contains("TLS");
        // a lone byte that cannot start TLS is refused at once, without waiting for more
        assertThat(replyBeforeClose(l.port(), new byte[] {'x'})).isEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(l.failures().count(HandshakeFailures.Kind.NOT_TLS)).isEqualTo(2);
            assertThat(l.failures().count(HandshakeFailures.Kind.PLAINTEXT_FRAME)).isEqualTo(1);
            assertThat(l.failures().count(HandshakeFailures.Kind.PLAINTEXT_HTTP)).isEqualTo(1);
            assertThat(l.failures().count(HandshakeFailures.Kind.PLAINTEXT_IRC)).isEqualTo(1);
        });
        // and the listener still serves TLS clients
        try (SSLSocket s = connect(l.port(), "TLSv1.3")) {
            assertThat(s.getSession().isValid()).isTrue();
        }
    }

    @ParameterizedTest(name = "openssl={0}")
    @ValueSource(booleans = {true, false})
    void cutsOffAClientThatStallsMidHandshake(boolean openSsl) throws Exception {
        TlsSettings settings = TlsSettings.selfSigned(dir, java.util.List.of()).withHandshakeTimeout(Duration.ofSeconds(1));
        Listener l = start(settings, openSsl);
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", l.port()), 10_000);
            raw.setSoTimeout(30_000);
            // the header of a handshake record announcing 512 bytes, then the first 10 of them
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03,
                0x03, 0, 0, 0, 0});
            raw.getOutputStream().flush();
            long start = System.nanoTime();
            assertThat(readUntilClosed(raw.getInputStream())).isTrue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("closed after the 1 s handshake timeout, not before").isGreaterThanOrEqualTo(800);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> l.failures().count(HandshakeFailures.Kind.TIMEOUT) == 1);
    }

    @ParameterizedTest(name = "openssl={0}")
    @ValueSource(booleans = {true, false})
    void reloadsChangedPemFilesWhileConnectionsStayUp(boolean openSsl) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        CertificateMaterial first = SelfSignedCertificate.generate("first.example", java.util.List.of());
        Files.writeString(cert, first.chainPem());
        Files.writeString(key, first.keyPem());
        TlsSettings settings = TlsSettings.pemFiles(cert, key, dir).withReloadInterval(Duration.ofMillis(200));
        Listener l = start(settings, openSsl);
        l.tls().watch(vertx);
        assertThat(l.tls().fingerprint()).isEqualTo(first.fingerprint());

        try (SSLSocket old = connect(l.port(), "TLSv1.3")) {
            assertThat(fingerprintOf(old)).isEqualTo(first.fingerprint());

            // a broken pair is refused and the old certificate stays
            Files.writeString(cert, "not a certificate");
            CertificateMaterial second = SelfSignedCertificate.generate("second.example", java.util.List.of());
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                    .until(() -> l.tls().fingerprint().equals(first.fingerprint()));

            Files.writeString(key, second.keyPem());
            Files.writeString(cert, second.chainPem());
            await().atMost(Duration.ofSeconds(20)).until(() -> l.tls().fingerprint().equals(second.fingerprint()));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (SSLSocket fresh = connect(l.port(), "TLSv1.3")) {
                    assertThat(fingerprintOf(fresh)).isEqualTo(second.fingerprint());
                }
            });

            // the connection opened before the reload still works
            old.getOutputStream().write("still here".getBytes(UTF_8));
            old.getOutputStream().flush();
            byte[] back = new byte[10];
            new DataInputStream(old.getInputStream()).readFully(back);
            assertThat(new String(back, UTF_8)).isEqualTo("still here");
        }
    }

    @ParameterizedTest(name = "openssl={0}")
    @ValueSource(booleans = {true})
    void opensslSClientConnectsAndSeesTheFingerprint(boolean openSsl) throws Exception {
        Listener l = start(TlsSettings.selfSigned(dir, java.util.List.of()), openSsl);
        String out = openssl("s_client", "-connect", "127.0.0.1:" + l.port(), "-servername", "localhost", "-showcerts");
        assertThat(out).contains("TLSv1.3").contains("BEGIN CERTIFICATE");
        Path pem = dir.resolve("served.pem");
        Files.writeString(pem, out.substring(out.indexOf("-----BEGIN CERTIFICATE-----"),
                out.indexOf("-----END CERTIFICATE-----") + 25) + "\n");
        String line = openssl("x509", "-in", pem.toString(), "-noout", "-fingerprint", "-sha256").strip();
        assertThat(CertificateFingerprint.parse(line)).isEqualTo(l.tls().fingerprint());
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Runs openssl with stdin at EOF (s_client then says goodbye after the handshake); its output. */
    private static String openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Sends {@code bytes} on a raw socket; what the server sent back before it closed the connection. */
    private static byte[] replyBeforeClose(int port, byte[] bytes) throws IOException {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            raw.setSoTimeout(30_000);
            OutputStream out = raw.getOutputStream();
            out.write(bytes);
            out.flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[1024];
            try {
                int n;
                while ((n = raw.getInputStream().read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close the connection", e);
            } catch (SocketException reset) {
                // closed with a reset: what came before still counts
            }
            return got.toByteArray();
        }
    }

    /** Reads until the server closes; true when it did (EOF or reset), false on our timeout. */
    private static boolean readUntilClosed(InputStream in) throws IOException {
        byte[] buf = new byte[1024];
        try {
            while (in.read(buf) >= 0) {
                // an alert, if any: keep reading until the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    private static String fingerprintOf(SSLSocket s) throws Exception {
        return CertificateFingerprint.of(s.getSession().getPeerCertificates()[0].getEncoded());
    }

    private static SSLSocket connect(int port, String... protocols) throws Exception {
        SSLSocket s = (SSLSocket) socketFactory().createSocket("127.0.0.1", port);
        s.setEnabledProtocols(protocols);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return s;
    }

    // These tests check the server; the client's certificate checks have their own tests.
    private static javax.net.ssl.SSLSocketFactory socketFactory() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx.getSocketFactory();
    }
}
