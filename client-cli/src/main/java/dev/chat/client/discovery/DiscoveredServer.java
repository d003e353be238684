package dev.chat.client.discovery;

import java.net.InetAddress;

/**
 * A server heard announcing itself.
 *
 * @param address where its announcement came from: the address to connect to
 * @param tcpPort its chat port, from the announcement
 * @param udpPort the server's UDP port, where our beacons go: the port its announcements were sent to
 * @param lastHeardNanos {@link System#nanoTime()} of its latest announcement
 */
public record DiscoveredServer(String name, String node, InetAddress address, int tcpPort, int udpPort,
                               long lastHeardNanos) {

    /** {@code address:tcp_port}, as {@code --server} takes it. */
    public String endpoint() {
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + tcpPort;
    }
}
