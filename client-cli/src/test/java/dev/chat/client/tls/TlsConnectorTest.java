package dev.chat.client.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.client.net.ServerAddress;
import dev.chat.client.net.UntrustedServerException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TlsConnector} on its own, for what the command line cannot reach directly: announced fingerprints. */
class TlsConnectorTest {
    @TempDir
    Path dir;

    private Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return s;
    }

    @Test
    void anAnnouncedFingerprintMustMatchAndIsThenRemembered() throws Exception {
        TestCertificates.Issued cert = TestCertificates.selfSigned();
        List<String> notices = new ArrayList<>();
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(cert)) {
            ServerAddress a = new ServerAddress("127.0.0.1", server.port());
            Path known = dir.resolve("known_servers");
            TlsClientSettings base = new TlsClientSettings(false, null, null, known, Map.of(), false);

            TlsConnector liar = new TlsConnector(base.withAnnounced(Map.of(a, TestCertificates.selfSigned().fingerprint())),
                    notices::add);
            assertThatThrownBy(() -> liar.wrap(connect(server.port()), a, Duration.ofSeconds(10)))
                    .isInstanceOf(UntrustedServerException.class).hasMessageContaining("LAN announcement said");
            assertThat(Files.exists(known)).isFalse();

            TlsConnector honest = new TlsConnector(base.withAnnounced(Map.of(a, cert.fingerprint())), notices::add);
            try (Socket s = honest.wrap(connect(server.port()), a, Duration.ofSeconds(10))) {
                assertThat(((SSLSocket) s).getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            assertThat(Files.readString(known)).contains(cert.fingerprint());
            assertThat(notices).anyMatch(n -> n.contains("first TLS connection"));
        }
    }

    @Test
    void aStalledServerHandshakeTimesOut() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            TlsConnector c = new TlsConnector(new TlsClientSettings(false, null, null, dir.resolve("k"), Map.of(), false),
                    n -> { });
            ServerAddress a = new ServerAddress("127.0.0.1", silent.getLocalPort());
            assertThatThrownBy(() -> c.wrap(connect(silent.getLocalPort()), a, Duration.ofMillis(500)))
                    .hasMessageContaining("no TLS handshake with 127.0.0.1:" + silent.getLocalPort());
        }
    }
}
