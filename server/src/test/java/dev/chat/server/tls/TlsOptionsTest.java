package dev.chat.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class TlsOptionsTest {
    @Command(name = "t")
    static final class Holder {
        @Mixin
        TlsOptions tls;
    }

    private static TlsOptions parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.tls;
    }

    @Test
    void defaultsToTheSelfSignedCertificateAndOpenSsl() {
        TlsOptions o = parse();
        TlsSettings s = o.settings(Path.of("/data"), List.of("10.0.0.5"));
        assertThat(s.fromFiles()).isFalse();
        assertThat(s.handshakeTimeout()).isEqualTo(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT);
        assertThat(s.names()).containsExactly("10.0.0.5");
        assertThat(o.preferOpenSsl()).isTrue();
        assertThat(o.clusterTls()).isFalse();
    }

    @Test
    void takesFilesTimeoutEngineAndRefusesHalfAPair() {
        TlsOptions o = parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-handshake-timeout", "3s",
                "--tls-engine", "jdk", "--cluster-tls");
        TlsSettings s = o.settings(Path.of("/data"), List.of());
        assertThat(s.certFile()).isEqualTo(Path.of("c.pem"));
        assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.preferOpenSsl()).isFalse();
        assertThat(o.clusterTls()).isTrue();
        assertThatThrownBy(() -> parse("--tls-cert", "c.pem").settings(Path.of("/d"), List.of()))
                .hasMessageContaining("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> parse("--tls-engine", "gnutls").settings(Path.of("/d"), List.of()))
                .hasMessageContaining("openssl or jdk");
        assertThatThrownBy(() -> parse("--tls-handshake-timeout", "soon"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }
}
