package dev.chat.server.tls;

import dev.chat.protocol.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The certificate options of {@code ./chat server}, as a picocli mixin
 * ({@code @Mixin TlsOptions tls;} in the command): where the certificate comes from and how the
 * TLS listeners behave. The ports ({@code --tls-port}, {@code --https-port}, {@code --irc-tls-port})
 * belong with the other port options of the command. Every option has its {@code CHAT_*}
 * environment variable, like the rest.
 */
public final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:CHAT_TLS_CERT}",
            description = "PEM certificate chain for every TLS listener, the server's own first (certbot's "
                    + "fullchain.pem); reloaded when it changes. Default: a self-signed certificate made in the data "
                    + "directory at first start.")
    Path certFile;

    @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:CHAT_TLS_KEY}",
            description = "PEM private key of --tls-cert, unencrypted (PKCS#8, PKCS#1 or SEC 1).")
    Path keyFile;

    @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION",
            defaultValue = "${env:CHAT_TLS_HANDSHAKE_TIMEOUT:-10s}", converter = DurationOption.class,
            description = "A client that has not completed its TLS handshake after this is cut off "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--tls-engine", paramLabel = "ENGINE", defaultValue = "${env:CHAT_TLS_ENGINE:-openssl}",
            description = "openssl (BoringSSL through netty-tcnative, the JDK's engine where it does not load) or "
                    + "jdk (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--cluster-tls", defaultValue = "${env:CHAT_CLUSTER_TLS:-false}",
            description = "Encrypt and authenticate the event bus between cluster nodes with the TLS certificate "
                    + "(every node must trust every other's: share one --tls-cert/--tls-key). Hazelcast's own "
                    + "traffic stays plaintext (docs/TLS.md).")
    boolean clusterTls;

    /**
     * The settings these options describe.
     *
     * @param dataDir the node's data directory (the self-signed certificate lives under it)
     * @param names the bound and advertised addresses, for the self-signed certificate's names
     * @throws IllegalArgumentException with a message for a usage error
     */
    public TlsSettings settings(Path dataDir, List<String> names) {
        if (!engine.equals("openssl") && !engine.equals("jdk")) {
            throw new IllegalArgumentException("--tls-engine must be openssl or jdk, not '" + engine + "'");
        }
        return new TlsSettings(certFile, keyFile, dataDir, names, handshakeTimeout, TlsSettings.DEFAULT_RELOAD_INTERVAL);
    }

    /** Whether {@code --tls-engine openssl} (the default): BoringSSL where it loads. */
    public boolean preferOpenSsl() {
        return !engine.equals("jdk");
    }

    /** Whether {@code --tls-cert} and {@code --tls-key} are given (not the self-signed certificate). */
    public boolean hasCertificateFiles() {
        return certFile != null && keyFile != null;
    }

    /** {@code --cluster-tls}. */
    public boolean clusterTls() {
        return clusterTls;
    }

    /** picocli converter for 500ms / 10s / 1m. */
    static final class DurationOption implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
