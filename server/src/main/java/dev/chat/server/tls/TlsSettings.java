package dev.chat.server.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a node's TLS certificate comes from, and how its TLS listeners behave; one for every
 * TLS listener of the node (framed TLS, HTTPS, IRC over TLS).
 *
 * @param certFile PEM certificate chain, leaf first ({@code --tls-cert}), or null for the
 *        self-signed certificate in {@code dataDir}
 * @param keyFile PEM private key of the leaf ({@code --tls-key}); given exactly when {@code certFile} is
 * @param dataDir where the self-signed certificate is created at first start and kept
 *        ({@value SelfSignedCertificate#DIRECTORY}/ under it)
 * @param names host names and IP addresses the self-signed certificate names (its subject
 *        alternative names, besides the host name, {@code localhost}, 127.0.0.1 and ::1): the
 *        bound and advertised addresses
 * @param handshakeTimeout a client that has not finished its handshake after this is cut off
 * @param reloadInterval how often the PEM files are checked for changes; zero: never
 */
public record TlsSettings(Path certFile, Path keyFile, Path dataDir, List<String> names, Duration handshakeTimeout,
                          Duration reloadInterval) {

    /** Handshake timeout: far above a real handshake (milliseconds), short enough to free a stalled socket. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** How often {@code --tls-cert}/{@code --tls-key} are checked for a new certificate. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

    public TlsSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        names = List.copyOf(names);
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the TLS handshake timeout must be above 0");
        }
        if (reloadInterval.isNegative()) {
            throw new IllegalArgumentException("the certificate reload interval must not be negative");
        }
    }

    /** Settings for the self-signed certificate in {@code dataDir}, with the defaults. */
    public static TlsSettings selfSigned(Path dataDir, List<String> names) {
        return new TlsSettings(null, null, dataDir, names, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_RELOAD_INTERVAL);
    }

    /** Settings for PEM files given by the operator, with the defaults. */
    public static TlsSettings pemFiles(Path certFile, Path keyFile, Path dataDir) {
        return new TlsSettings(certFile, keyFile, dataDir, List.of(), DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_RELOAD_INTERVAL);
    }

    /** Whether the certificate comes from operator-given PEM files (and so can be reloaded). */
    public boolean fromFiles() {
        return certFile != null;
    }

    /** The same settings with another handshake timeout. */
    public TlsSettings withHandshakeTimeout(Duration d) {
        return new TlsSettings(certFile, keyFile, dataDir, names, d, reloadInterval);
    }

    /** The same settings with another reload interval. */
    public TlsSettings withReloadInterval(Duration d) {
        return new TlsSettings(certFile, keyFile, dataDir, names, handshakeTimeout, d);
    }
}
