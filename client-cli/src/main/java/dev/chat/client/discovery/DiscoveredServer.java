package dev.chat.client.discovery;

import java.net.InetAddress;

/**
 * A server heard announcing itself.
 *
 * @param address where its announcement came from: the address to connect to
 * @param tcpPort its chat port, from the announcement
 * @param udpPort the server's UDP port, where our beacons go: the port its announcements were sent to
 * @param lastHeardNanos {@link System#nanoTime()} of its latest announcement
 * @param tlsPort its TLS chat port, from the announcement; 0: none announced
 * @param tlsFingerprint the fingerprint of its TLS certificate, from the announcement; null: none
 */
public record DiscoveredServer(String name, String node, InetAddress address, int tcpPort, int udpPort,
                               long lastHeardNanos, int tlsPort, String tlsFingerprint) {

    /** A server that announced no TLS port. */
    public DiscoveredServer(String name, String node, InetAddress address, int tcpPort, int udpPort,
                            long lastHeardNanos) {
        this(name, node, address, tcpPort, udpPort, lastHeardNanos, 0, null);
    }

    /** Whether it announced a TLS port and the fingerprint of its certificate. */
    public boolean offersTls() {
        return tlsPort > 0 && tlsFingerprint != null;
    }

    /** {@code address:tcp_port}, as {@code --server} takes it. */
    public String endpoint() {
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + tcpPort;
    }
}
