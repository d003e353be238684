package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.CertificateFingerprint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./chat client --tls} (the real client jar) against the real server jar's TLS port
 * ({@code --tls-port}, its self-signed certificate): trust on first use remembered in
 * {@code known_servers} (also where {@code XDG_CONFIG_HOME} says), a changed certificate refused
 * with exit 4, a pinned fingerprint, {@code --insecure}, and a client without {@code --tls} at
 * the TLS port. The fingerprint to compare with is the one the server printed on stderr.
 */
@Timeout(300)
class TlsIT {
    private static ServerProcess server;
    private static int tlsPort;
    private static String fingerprint;

    @TempDir
    static Path dataDir;

    @TempDir
    Path config;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start("--tls-port", "0", "--data-dir", dataDir.resolve("server").toString());
        tlsPort = server.port("tls");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stderr().contains("chat server: TLS certificate "));
        String line = server.stderr().lines().filter(l -> l.startsWith("chat server: TLS certificate ")).findFirst()
                .orElseThrow();
        fingerprint = line.split(" ")[4];
        assertThat(fingerprint).startsWith("SHA256:").hasSize(50);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static ClientProcess send(Map<String, String> env, String nick, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("--server", "127.0.0.1:" + tlsPort, "--nick", nick, "--send",
                "hello from " + nick, "--beacon-interval", "0s"));
        a.addAll(List.of(more));
        return ClientProcess.start(env, a.toArray(String[]::new));
    }

    @Test
    void trustOnFirstUseIsRememberedAndAChangedCertificateIsRefusedWithExitFour() throws Exception {
        Path known = config.resolve("known_servers");
        try (ClientProcess c = send(Map.of(), "first", "--tls", "--known-servers", known.toString())) {
            assertThat(c.waitFor()).as(c.err.joined()).isZero();
            assertThat(c.err.joined()).contains("first TLS connection to 127.0.0.1:" + tlsPort).contains(fingerprint);
        }
        assertThat(Files.readAllLines(known)).contains("127.0.0.1:" + tlsPort + " " + fingerprint);
        try (ClientProcess c = send(Map.of(), "second", "--tls", "--known-servers", known.toString())) {
            assertThat(c.waitFor()).as(c.err.joined()).isZero();
            assertThat(c.err.joined()).doesNotContain("first TLS connection");
        }

        // the server's certificate is not the one remembered any more
        String other = CertificateFingerprint.of("another certificate".getBytes(StandardCharsets.UTF_8));
        Files.writeString(known, "127.0.0.1:" + tlsPort + " " + other + "\n");
        try (ClientProcess c = send(Map.of(), "third", "--tls", "--known-servers", known.toString())) {
            assertThat(c.waitFor()).as(c.err.joined()).isEqualTo(4);
            assertThat(c.err.joined()).contains("has CHANGED").contains(other).contains(fingerprint);
        }
        assertThat(Files.readString(known)).doesNotContain(fingerprint);
    }

    @Test
    void knownServersLivesUnderXdgConfigHome() throws Exception {
        try (ClientProcess c = send(Map.of("XDG_CONFIG_HOME", config.toString()), "xdg", "--tls")) {
            assertThat(c.waitFor()).as(c.err.joined()).isZero();
        }
        assertThat(Files.readString(config.resolve("chat/known_servers")))
                .contains("127.0.0.1:" + tlsPort + " " + fingerprint);
    }

    @Test
    void aKnownServersFileThatCannotBeWrittenTrustsForThisRunAndSaysSo() throws Exception {
        // a home the client may not write (a container's nobody: /nonexistent): it connects anyway.
        // These tests may run as root, who can write anywhere but under /proc.
        Path blocked = Path.of("/proc", "chat-test-" + ProcessHandle.current().pid(), "known_servers");
        try (ClientProcess c = send(Map.of(), "readonly", "--tls", "--known-servers", blocked.toString())) {
            assertThat(c.waitFor()).as(c.err.joined()).isZero();
            assertThat(c.err.joined()).contains("trusted for this run only").contains(fingerprint);
        }
    }

    @Test
    void aPinnedFingerprintMustMatch() throws Exception {
        try (ClientProcess c = send(Map.of(), "pinned", "--tls-fingerprint", fingerprint)) {
            assertThat(c.waitFor()).as(c.err.joined()).isZero();
        }
        String other = CertificateFingerprint.of("another certificate".getBytes(StandardCharsets.UTF_8));
        try (ClientProcess c = send(Map.of(), "wrongpin", "--tls-fingerprint", other)) {
            assertThat(c.waitFor()).as(c.err.joined()).isEqualTo(4);
            assertThat(c.err.joined()).contains(fingerprint);
        }
    }

    @Test
    void discoverPrefersTheAnnouncedTlsPortAndChecksItsFingerprint() throws Exception {
        Path known = config.resolve("known_servers");
        try (ServerProcess announcing = ServerProcess.startAnnouncing("--beacon-interval", "200ms", "--tls-port", "0",
                "--data-dir", config.resolve("announcing").toString())) {
            int port = announcing.port("tls");
            try (ClientProcess c = ClientProcess.start("--discover", "--discover-port", String.valueOf(announcing.udpPort),
                    "--discover-timeout", "1500ms", "--nick", "finder", "--send", "found you over TLS",
                    "--beacon-interval", "0s", "--known-servers", known.toString())) {
                assertThat(c.waitFor()).as(c.err.joined()).isZero();
            }
            // it went to the TLS port, and remembered the certificate the announcement named
            assertThat(Files.readString(known)).contains("127.0.0.1:" + port + " SHA256:");
        }
    }

    @Test
    void insecureWarnsAndAClientWithoutTlsIsToldWhatPortItReached() throws Exception {
        try (ClientProcess c = send(Map.of(), "careless", "--tls", "--insecure", "--known-servers",
                config.resolve("ks").toString())) {
            assertThat(c.waitFor()).as(c.err.joined()).isZero();
            assertThat(c.err.joined()).contains("WARNING: --insecure");
        }
        assertThat(config.resolve("ks")).doesNotExist();
        try (ClientProcess c = send(Map.of(), "plain")) {
            assertThat(c.waitFor()).as(c.err.joined()).isEqualTo(3);
            assertThat(c.err.joined()).contains("tls_required");
        }
    }
}
