package dev.chat.client.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.client.discovery.DiscoveredServer;
import dev.chat.client.net.ServerAddress;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveredRouteTest {
    private static final String FP = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    private static DiscoveredServer server(String ip, int tlsPort, String fp) throws Exception {
        return new DiscoveredServer("s" + ip, "n" + ip, InetAddress.getByName(ip), 7420, 7421, 0, tlsPort, fp);
    }

    @Test
    void prefersTlsWhenTheChosenServerOffersItAndCarriesTheAnnouncedFingerprints() throws Exception {
        DiscoveredServer a = server("127.0.0.2", 7443, FP);
        DiscoveredServer b = server("127.0.0.3", 0, null);
        DiscoveredServer c = server("127.0.0.4", 7543, FP);
        DiscoveredRoute r = DiscoveredRoute.of(a, List.of(b, a, c), false);
        assertThat(r.tls()).isTrue();
        assertThat(r.servers()).containsExactly(new ServerAddress("127.0.0.2", 7443),
                new ServerAddress("127.0.0.4", 7543));
        assertThat(r.fingerprints()).containsEntry(new ServerAddress("127.0.0.2", 7443), FP);
    }

    @Test
    void staysInPlaintextWhenTheChosenServerOffersNoTlsUnlessTlsWasAskedFor() throws Exception {
        DiscoveredServer a = server("127.0.0.2", 0, null);
        DiscoveredServer b = server("127.0.0.3", 7443, FP);
        DiscoveredRoute r = DiscoveredRoute.of(a, List.of(a, b), false);
        assertThat(r.tls()).isFalse();
        assertThat(r.servers()).containsExactly(new ServerAddress("127.0.0.2", 7420),
                new ServerAddress("127.0.0.3", 7420));
        assertThat(DiscoveredRoute.of(a, List.of(a, b), true).servers()).isEmpty();
        // a TLS port without a fingerprint is not an offer to trust
        assertThat(DiscoveredRoute.of(server("127.0.0.5", 7443, null), List.of(), false).tls()).isFalse();
    }
}
