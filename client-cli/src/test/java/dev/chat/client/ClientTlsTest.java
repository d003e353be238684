package dev.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.client.tls.FakeTlsChatServer;
import dev.chat.client.tls.TestCertificates;
import dev.chat.client.tls.TestCertificates.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./chat client --tls} in script mode ({@code --send}) against a TLS server on a real
 * socket, with certificates made for each case: what is accepted, what is refused with exit
 * code 4 and which words, what lands in {@code known_servers}. The known_servers file is in a
 * temporary directory, never the user's.
 */
@Timeout(120)
class ClientTlsTest {

    @TempDir
    Path dir;

    private Path known() {
        return dir.resolve("config").resolve("chat").resolve("known_servers");
    }

    private CliRun send(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + port, "--nick", "alice", "--send", "hi",
                "--beacon-interval", "0s", "--connect-timeout", "10s", "--known-servers", known().toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void selfSignedIsTrustedOnFirstUseThenRememberedAndAChangeIsRefusedWithExitCode4() throws Exception {
        Issued first = TestCertificates.selfSigned();
        int port;
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(first)) {
            port = server.port();
            CliRun run = send(port, "--tls");
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
            assertThat(server.says()).isEqualTo(1);
            assertThat(run.err()).contains("first TLS connection to 127.0.0.1:" + port)
                    .contains(first.fingerprint()).contains(known().toString());
            assertThat(Files.readAllLines(known())).contains("127.0.0.1:" + port + " " + first.fingerprint());
            assertThat(Files.getPosixFilePermissions(known())).hasSize(2); // rw------- : owner read and write

            CliRun again = send(port, "--tls");
            assertThat(again.code()).as(again.err()).isEqualTo(ExitCode.OK);
            assertThat(again.err()).doesNotContain("first TLS connection");
        }
        // the same address, another certificate: the server was replaced, or someone is in between
        Issued second = TestCertificates.selfSigned();
        try (FakeTlsChatServer other = FakeTlsChatServer.tls(second)) {
            // a new socket cannot be forced onto the old port; point the entry at the new port instead
            String entry = Files.readString(known()).replace(":" + port + " ", ":" + other.port() + " ");
            Files.writeString(known(), entry);
            CliRun run = send(other.port(), "--tls");
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(run.err()).contains("has CHANGED").contains(first.fingerprint()).contains(second.fingerprint())
                    .contains("delete line 3 of " + known());
            assertThat(other.says()).isZero();
            assertThat(other.sessions()).as("not one frame went to the impostor").isZero();
        }
    }

    @Test
    void aPinnedFingerprintIsAcceptedAndAnyOtherRefused() throws Exception {
        Issued cert = TestCertificates.selfSigned();
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(cert)) {
            CliRun ok = send(server.port(), "--tls-fingerprint", cert.fingerprint());
            assertThat(ok.code()).as(ok.err()).isEqualTo(ExitCode.OK);
            assertThat(Files.exists(known())).as("pinning does not write known_servers").isFalse();

            // openssl's hex form works as well
            String hex = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(cert.leaf().getEncoded()));
            assertThat(send(server.port(), "--tls-fingerprint", hex).code()).isEqualTo(ExitCode.OK);

            String wrong = TestCertificates.selfSigned().fingerprint();
            CliRun refused = send(server.port(), "--tls-fingerprint", wrong);
            assertThat(refused.code()).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(refused.err()).contains("not the one given with --tls-fingerprint").contains(wrong)
                    .contains(cert.fingerprint());
            assertThat(server.says()).isEqualTo(2);
        }
    }

    @Test
    void insecureAcceptsAnythingAndSaysLoudlyWhatItGivesUp() throws Exception {
        Issued expired = TestCertificates.selfSigned(List.of("elsewhere.example"),
                Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(expired)) {
            CliRun run = send(server.port(), "--tls", "--insecure");
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
            assertThat(run.errLines()).filteredOn(l -> l.contains("WARNING")).singleElement().asString()
                    .contains("--insecure").contains("NOT checked").contains("pose as the server");
            assertThat(Files.exists(known())).isFalse();
        }
        assertThat(CliRun.of("--insecure", "--send", "x").code()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.of("--insecure", "--tls-fingerprint", expired.fingerprint(), "--send", "x").err())
                .contains("contradict");
    }

    @Test
    void aCaSignedCertificateForThisHostIsTrustedByTheTrustStoreWithoutKnownServers() throws Exception {
        Issued ca = TestCertificates.ca("Test CA");
        Path caFile = ca.writePem(dir.resolve("ca.pem"));
        Issued cert = TestCertificates.signedBy(ca, List.of("localhost", "127.0.0.1"),
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(cert)) {
            CliRun run = send(server.port(), "--tls-ca", caFile.toString(), "--trace");
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.OK);
            assertThat(run.err()).contains("TLS: TLSv1.3").contains("signed by a trusted CA, name checked");
            assertThat(Files.exists(known())).isFalse();
        }
    }

    @Test
    void withTlsCaACertificateFromElsewhereIsRefusedNotTrustedOnFirstUse() throws Exception {
        Path caFile = TestCertificates.ca("Test CA").writePem(dir.resolve("ca.pem"));
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(TestCertificates.selfSigned())) {
            CliRun run = send(server.port(), "--tls-ca", caFile.toString());
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(run.err()).contains("is not signed by a CA in " + caFile);
            assertThat(Files.exists(known())).isFalse();
        }
    }

    @Test
    void anExpiredCaSignedCertificateIsRefused() throws Exception {
        Issued ca = TestCertificates.ca("Test CA");
        Path caFile = ca.writePem(dir.resolve("ca.pem"));
        Issued cert = TestCertificates.signedBy(ca, List.of("localhost", "127.0.0.1"),
                Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(cert)) {
            CliRun run = send(server.port(), "--tls-ca", caFile.toString());
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(run.err()).contains("expired on").contains("operator must renew it");
            assertThat(Files.exists(known())).as("not trusted on first use instead").isFalse();
        }
    }

    @Test
    void anExpiredSelfSignedCertificateIsRefusedEvenOnFirstUse() throws Exception {
        Issued cert = TestCertificates.selfSigned(List.of("localhost", "127.0.0.1"),
                Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(cert)) {
            CliRun run = send(server.port(), "--tls");
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(run.err()).contains("expired on");
            assertThat(Files.exists(known())).isFalse();
        }
    }

    @Test
    void aCaSignedCertificateForAnotherHostIsRefused() throws Exception {
        Issued ca = TestCertificates.ca("Test CA");
        Path caFile = ca.writePem(dir.resolve("ca.pem"));
        Issued cert = TestCertificates.signedBy(ca, List.of("chat.example.org"),
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)));
        try (FakeTlsChatServer server = FakeTlsChatServer.tls(cert)) {
            CliRun run = send(server.port(), "--tls-ca", caFile.toString());
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.UNTRUSTED);
            assertThat(run.err()).contains("is not for '127.0.0.1'");
            assertThat(server.says()).isZero();
        }
    }

    @Test
    void wrongPortsGetAHintInsteadOfAPuzzle() throws Exception {
        try (FakeTlsChatServer plain = FakeTlsChatServer.plain()) {
            CliRun run = send(plain.port(), "--tls");
            assertThat(run.code()).isEqualTo(ExitCode.CONNECT);
            assertThat(run.err()).containsAnyOf("does not speak TLS", "TLS handshake", "closed the connection during");
        }
        try (FakeTlsChatServer tls = FakeTlsChatServer.tls(TestCertificates.selfSigned())) {
            CliRun run = send(tls.port());
            assertThat(run.code()).isEqualTo(ExitCode.CONNECT);
            assertThat(run.err()).contains("--tls");
        }
    }

    @Test
    void tlsUsesTheTlsPortByDefault() {
        // nothing listens on 127.0.0.1:7443 in a test; the message names the port tried
        CliRun run = CliRun.of("--tls", "--host", "127.0.0.1", "--send", "x", "--beacon-interval", "0s",
                "--connect-timeout", "2s", "--known-servers", known().toString());
        assertThat(run.err()).contains("127.0.0.1:7443");
    }

    @Test
    void badTlsOptionsAreUsageErrors() {
        assertThat(CliRun.of("--tls-fingerprint", "SHA1:abc", "--send", "x").err()).contains("--tls-fingerprint")
                .contains("not a certificate fingerprint");
        assertThat(CliRun.of("--tls-ca", dir.resolve("missing.pem").toString(), "--send", "x").code())
                .isEqualTo(ExitCode.USAGE);
    }
}
