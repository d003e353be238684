package dev.chat.client.tls;

import dev.chat.client.net.ServerAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@code ./chat client --tls} decides whether to trust a server, fixed at start.
 *
 * @param insecure {@code --insecure}: accept any certificate (still encrypted, not authenticated)
 * @param pinned {@code --tls-fingerprint}: accept exactly this certificate, nothing else; null: not pinned
 * @param caFile {@code --tls-ca}: trust certificates signed by the CAs in this PEM file instead of
 *        the system's trust store; null: the system's
 * @param knownServers the {@code known_servers} file
 * @param announced fingerprints servers announced on the LAN ({@code --discover}), by address:
 *        checked when the server is not known yet
 * @param trace {@code --trace}: say which TLS version, cipher and certificate each connection got
 */
public record TlsClientSettings(boolean insecure, String pinned, Path caFile, Path knownServers,
                               Map<ServerAddress, String> announced, boolean trace) {

    /** The TLS port a server listens on unless told otherwise. */
    public static final int DEFAULT_TLS_PORT = 7443;

    public TlsClientSettings {
        Objects.requireNonNull(knownServers, "knownServers");
        announced = Map.copyOf(announced);
        if (insecure && pinned != null) {
            throw new IllegalArgumentException("--insecure and --tls-fingerprint contradict each other");
        }
    }

    /** The same settings with fingerprints announced by discovered servers. */
    public TlsClientSettings withAnnounced(Map<ServerAddress, String> fingerprints) {
        return new TlsClientSettings(insecure, pinned, caFile, knownServers, fingerprints, trace);
    }
}
