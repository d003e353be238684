package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Which interface announcements would leave through. Nothing is sent here. */
class AnnounceRouteTest {

    @Test
    void aLoopbackHostAnnouncesOnLoopbackOnly() throws Exception {
        AnnounceRoute r = AnnounceRoute.choose("127.0.0.1", "eth0");
        assertThat(r.nif().isLoopback()).isTrue();
        assertThat(r.source().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void aHostNameIsResolvedToItsInterface() throws Exception {
        assertThat(AnnounceRoute.choose("localhost", null).nif().isLoopback()).isTrue();
    }

    @Test
    void anAddressNoInterfaceHoldsMeansNoAnnouncements() {
        assertThatThrownBy(() -> AnnounceRoute.choose("127.0.0.2", null))
                .isInstanceOf(AnnounceRoute.NoRouteException.class)
                .hasMessageContaining("no interface holds --host 127.0.0.2");
    }

    @Test
    void aWildcardHostUsesTheNamedInterface() throws Exception {
        String lo = NetworkInterface.getByInetAddress(java.net.InetAddress.getLoopbackAddress()).getName();
        AnnounceRoute r = AnnounceRoute.choose("0.0.0.0", lo);
        assertThat(r.nif().getName()).isEqualTo(lo);
        assertThat(r.source().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void anUnknownInterfaceNameMeansNoAnnouncements() {
        assertThatThrownBy(() -> AnnounceRoute.choose("0.0.0.0", "nosuch0"))
                .isInstanceOf(AnnounceRoute.NoRouteException.class)
                .hasMessage("no interface named nosuch0");
    }

    @Test
    void otherwiseTheFirstUpNonLoopbackMulticastInterfaceWithIpv4() throws Exception {
        NetworkInterface expected = null;
        java.util.List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
        all.sort(java.util.Comparator.comparingInt(NetworkInterface::getIndex));
        for (NetworkInterface n : all) {
            if (n.isUp() && !n.isLoopback() && n.supportsMulticast() && !n.isVirtual()
                    && n.getInterfaceAddresses().stream().anyMatch(a -> a.getAddress() instanceof java.net.Inet4Address)) {
                expected = n;
                break;
            }
        }
        assumeTrue(expected != null, "this machine has no such interface");
        AnnounceRoute r = AnnounceRoute.choose("0.0.0.0", null);
        assertThat(r.nif()).isEqualTo(expected);
        assertThat(r.nif().isLoopback()).isFalse();
    }
}
