package dev.chat.server.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate files: the self-signed pair kept across starts, and what PEM loading refuses. */
class CertificateFilesTest {
    @TempDir
    Path dir;

    @Test
    void theSelfSignedCertificateIsMadeOnceKeptPrivateAndReused() throws Exception {
        CertificateMaterial first = SelfSignedCertificate.loadOrCreate(dir, List.of("192.0.2.7", "chat.lan"));
        Path key = dir.resolve("tls").resolve(SelfSignedCertificate.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
        assertThat(first.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(first.leaf().getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .contains("localhost", "127.0.0.1", "192.0.2.7", "chat.lan");
        assertThat(first.leaf().getNotAfter().toInstant())
                .isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(3600)));

        CertificateMaterial again = SelfSignedCertificate.loadOrCreate(dir, List.of());
        assertThat(again.fingerprint()).as("the same certificate at the next start").isEqualTo(first.fingerprint());

        Files.writeString(key, "garbage");
        CertificateMaterial replaced = SelfSignedCertificate.loadOrCreate(dir, List.of());
        assertThat(replaced.fingerprint()).as("an unusable pair is replaced").isNotEqualTo(first.fingerprint());
    }

    @Test
    void pemLoadingNamesTheFileAndTheProblem() throws Exception {
        CertificateMaterial a = SelfSignedCertificate.generate("a.example", List.of());
        CertificateMaterial b = SelfSignedCertificate.generate("b.example", List.of());
        Path cert = Files.writeString(dir.resolve("cert.pem"), a.chainPem());
        Path key = Files.writeString(dir.resolve("key.pem"), a.keyPem());
        assertThat(PemFiles.load(cert, key).fingerprint()).isEqualTo(a.fingerprint());

        Path otherKey = Files.writeString(dir.resolve("other-key.pem"), b.keyPem());
        assertThatThrownBy(() -> PemFiles.load(cert, otherKey)).isInstanceOf(CertificateException.class)
                .hasMessageContaining("does not belong to the certificate in " + cert);
        assertThatThrownBy(() -> PemFiles.load(dir.resolve("missing.pem"), key))
                .hasMessageContaining("missing.pem does not exist");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        assertThatThrownBy(() -> PemFiles.load(junk, key)).hasMessageContaining("holds no certificate");
        assertThatThrownBy(() -> PemFiles.load(cert, junk)).hasMessageContaining("holds no private key");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi2\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.load(cert, encrypted)).hasMessageContaining(encrypted.toString());
    }

    @Test
    void firstBytesAreToldApart() {
        assertThat(HandshakeFailures.classifyBytes(MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "a"))))
                .isEqualTo(HandshakeFailures.Kind.PLAINTEXT_FRAME);
        assertThat(HandshakeFailures.classifyBytes("GET / HTTP/1.1\r\n".getBytes(UTF_8)))
                .isEqualTo(HandshakeFailures.Kind.PLAINTEXT_HTTP);
        assertThat(HandshakeFailures.classifyBytes("CAP LS 302\r\n".getBytes(UTF_8)))
                .isEqualTo(HandshakeFailures.Kind.PLAINTEXT_IRC);
        assertThat(HandshakeFailures.classifyBytes(new byte[] {1, 2, 3})).isEqualTo(HandshakeFailures.Kind.NOT_TLS);
        assertThat(HandshakeFailures.classifyBytes(new byte[] {0x7f, 0, 0, 1, '{'}))
                .as("a length above 16 MiB is no chat frame").isEqualTo(HandshakeFailures.Kind.NOT_TLS);
        assertThat(HandshakeFailures.firstBytes(new io.netty.handler.ssl.NotSslRecordException(
                "not an SSL/TLS record: 474554")))
                .containsExactly('G', 'E', 'T');
    }
}
