package dev.chat.client.tls;

import dev.chat.client.discovery.DiscoveredServer;
import dev.chat.client.net.ServerAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@code --discover} connects: over TLS when the chosen server announced a TLS port and
 * its certificate's fingerprint (then every other server that did so too follows it in the
 * failover order, and each announced fingerprint is checked at the handshake, see
 * {@link ServerTrust}); over plain TCP otherwise, unless the user asked for TLS.
 *
 * @param servers addresses in failover order, the chosen one first
 * @param tls whether to connect with TLS
 * @param fingerprints the announced fingerprint for each TLS address
 */
public record DiscoveredRoute(List<ServerAddress> servers, boolean tls, Map<ServerAddress, String> fingerprints) {

    /**
     * The route to {@code chosen}, then the other servers of {@code found}.
     *
     * @param tlsRequired the user asked for TLS ({@code --tls} and friends): servers without a TLS port are left out
     * @return the route; its server list is empty when TLS is required and {@code chosen} offers none
     */
    public static DiscoveredRoute of(DiscoveredServer chosen, List<DiscoveredServer> found, boolean tlsRequired) {
        boolean tls = tlsRequired || chosen.offersTls();
        List<DiscoveredServer> order = new ArrayList<>();
        order.add(chosen);
        for (DiscoveredServer s : found) {
            if (s != chosen) {
                order.add(s);
            }
        }
        List<ServerAddress> servers = new ArrayList<>();
        Map<ServerAddress, String> fingerprints = new LinkedHashMap<>();
        for (DiscoveredServer s : order) {
            String host = s.address().getHostAddress();
            if (!tls) {
                servers.add(new ServerAddress(host, s.tcpPort()));
            } else if (s.offersTls()) {
                ServerAddress a = new ServerAddress(host, s.tlsPort());
                servers.add(a);
                fingerprints.put(a, s.tlsFingerprint());
            } else if (s == chosen) {
                return new DiscoveredRoute(List.of(), true, Map.of());
            }
        }
        return new DiscoveredRoute(servers, tls, fingerprints);
    }
}
