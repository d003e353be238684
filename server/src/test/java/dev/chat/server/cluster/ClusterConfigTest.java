package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.chat.server.config.ServerConfig;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code --cluster} turns into: Hazelcast settings, the advertised host, member checks. */
class ClusterConfigTest {
    private static ServerConfig clustered(String host, String clusterHost, List<String> members) {
        return ServerConfig.forTests().toBuilder().host(host).cluster(true).clusterHost(clusterHost)
                .clusterPort(15701).clusterMembers(members).build();
    }

    @Test
    void memberNamesAreResolvedToAddresses() {
        // as in docker-compose, where members are service names: Hazelcast gets addresses
        Config cfg = ClusterBootstrap.hazelcastConfig(
                clustered("127.0.0.1", null, List.of("localhost:15702", "127.0.0.1:15703")), "127.0.0.1");
        assertThat(cfg.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("127.0.0.1:15702", "127.0.0.1:15703");
    }

    @Test
    void hazelcastJoinsOnlyTheGivenMembersOnTheClusterHost() {
        Config cfg = ClusterBootstrap.hazelcastConfig(
                clustered("127.0.0.1", null, List.of("127.0.0.1:15702", "127.0.0.1:15703")), "127.0.0.1");
        assertThat(cfg.getNetworkConfig().getPort()).isEqualTo(15701);
        assertThat(cfg.getNetworkConfig().isPortAutoIncrement()).isFalse();
        assertThat(cfg.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(cfg.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        JoinConfig join = cfg.getNetworkConfig().getJoin();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:15702", "127.0.0.1:15703");
        assertThat(cfg.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(cfg.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
        assertThat(cfg.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
        // the base config carries the maps Vert.x needs
        assertThat(cfg.getMapConfigs()).containsKey("__vertx.nodeInfo");
        assertThat(cfg.getMapConfig(Directory.NICKS).getBackupCount()).isEqualTo(2);
        assertThat(cfg.getMetricsConfig().isEnabled()).as("Hazelcast's own metrics collection is off").isFalse();
    }

    @Test
    void theAdvertisedHostIsTheClusterHostElseASpecificBindAddress() throws Exception {
        assertThat(ClusterBootstrap.advertisedHost(clustered("0.0.0.0", "127.0.0.2", List.of()))).isEqualTo("127.0.0.2");
        assertThat(ClusterBootstrap.advertisedHost(clustered("127.0.0.1", null, List.of()))).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ClusterBootstrap.advertisedHost(clustered("127.0.0.1", "0.0.0.0", List.of())))
                .hasMessageContaining("specific address");
        String derived;
        try {
            derived = ClusterBootstrap.advertisedHost(clustered("0.0.0.0", null, List.of()));
        } catch (IllegalArgumentException e) {
            assertThat(e).hasMessageContaining("--cluster-host");
            return; // a machine without a non-loopback IPv4 address
        }
        InetAddress a = InetAddress.getByName(derived);
        assertThat(a.isLoopbackAddress()).isFalse();
        assertThat(a.isAnyLocalAddress()).isFalse();
    }

    @Test
    void membersMustBeHostAndPort() {
        assertThat(clustered("127.0.0.1", null, List.of("h1:5701", "10.0.0.2:1", "[::1]:5701")).clusterMembers())
                .hasSize(3);
        for (String bad : List.of("h1", "h1:", ":5701", "h1:0", "h1:70000", "h1:port", "::1:5701")) {
            assertThatThrownBy(() -> clustered("127.0.0.1", null, List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        }
        // without --cluster the members are not looked at
        assertThat(ServerConfig.forTests().toBuilder().clusterMembers(List.of("h1")).build().cluster()).isFalse();
    }
}
