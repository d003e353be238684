package dev.chat.server.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.chat.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * Starts a clustered Vert.x on Hazelcast for {@code --cluster}: TCP/IP join with the configured
 * members (no multicast, no auto-detection), the member port and the event bus bound to the
 * advertised cluster host only, and failure detection tuned to seconds instead of a minute.
 * Nothing of Hazelcast is touched unless {@link #start} is called.
 */
public final class ClusterBootstrap {

    private ClusterBootstrap() {
    }

    /** Joins the cluster; completes once this node is a member and its event bus listens. */
    public static Future<ClusterNode> start(ServerConfig config, VertxOptions options) {
        return start(config, options, null);
    }

    /** As {@link #start(ServerConfig, VertxOptions)}; with {@code busTls}, the event bus runs inside TLS ({@code --cluster-tls}). */
    public static Future<ClusterNode> start(ServerConfig config, VertxOptions options, dev.chat.server.tls.ServerTls busTls) {
        if (!config.cluster()) {
            throw new IllegalArgumentException("not a cluster configuration");
        }
        String host;
        try {
            host = advertisedHost(config);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        // load the JSON codec here rather than on an event loop with the first cluster message
        new JsonObject(new JsonObject().put("warm", true).toBuffer());
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config, host));
        EventBusOptions bus = new EventBusOptions()
                .setHost(host)
                .setClusterPublicHost(host)
                .setPort(config.busPort());
        if (busTls != null) {
            dev.chat.server.tls.ClusterTls.applyTo(bus, busTls);
        }
        options.setEventBusOptions(bus);
        return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
                .map(vertx -> new ClusterNode(vertx, manager));
    }

    /** The Hazelcast member configuration: Vert.x's base config plus our network and timing settings. */
    static Config hazelcastConfig(ServerConfig config, String host) {
        Config cfg = ConfigUtil.loadConfig();
        cfg.setClusterName("chat");
        cfg.setProperty("hazelcast.logging.type", "slf4j");
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        // bind the member port to the cluster host only, not to every interface
        cfg.setProperty("hazelcast.socket.bind.any", "false");
        cfg.setProperty("hazelcast.local.localAddress", host);
        // a hung member is noticed after 5 s instead of 60 s
        cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        cfg.setProperty("hazelcast.wait.seconds.before.join", "1");
        // a member that was cut off (partition, hung process) looks for the others every 10 s, not 2 min
        cfg.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        cfg.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        // Hazelcast's own metrics (collected every 5 s, published over JMX) are not used: the node's
        // /metrics says what matters, and the collection costs CPU on every node
        cfg.getMetricsConfig().setEnabled(false);
        cfg.getMetricsConfig().getJmxConfig().setEnabled(false);
        cfg.setProperty("hazelcast.jmx", "false");
        // the registries (nicks, room owners) survive two members dying at once
        cfg.addMapConfig(new MapConfig("chat.*").setBackupCount(2));
        NetworkConfig net = cfg.getNetworkConfig();
        net.setPort(config.clusterPort()).setPortAutoIncrement(false);
        // a node restarted at once binds its member port again, whatever the old connections' TIME_WAIT
        net.setReuseAddress(true);
        net.getInterfaces().setEnabled(true).setInterfaces(Collections.singletonList(host));
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(memberAddresses(config.clusterMembers()));
        return cfg;
    }

    /**
     * The members as {@code ip:port}. With interfaces restricted to the cluster host, Hazelcast
     * does not reliably match a member given by name (as in docker-compose, {@code node2:5701}),
     * and each node then forms a cluster of its own; so names are resolved here. A name that does
     * not resolve yet (a container that has not started) is kept as given: the member behind it
     * joins this one when it starts, since it can resolve us.
     */
    static java.util.List<String> memberAddresses(java.util.List<String> members) {
        java.util.List<String> out = new java.util.ArrayList<>(members.size());
        for (String member : members) {
            int colon = member.lastIndexOf(':');
            String host = colon < 0 ? member : member.substring(0, colon);
            String port = colon < 0 ? "" : member.substring(colon);
            try {
                out.add(InetAddress.getByName(host).getHostAddress() + port);
            } catch (UnknownHostException e) {
                out.add(member);
            }
        }
        return out;
    }

    /**
     * How many nodes the cluster has by configuration: the distinct {@code --cluster-members} and
     * this node (whether it is listed or not). A majority of this number must hold an event
     * before it is acknowledged, so every node must be given the same list (docs/CLUSTER.md).
     */
    public static int configuredSize(ServerConfig config, String host) {
        java.util.Set<String> nodes = new java.util.HashSet<>();
        for (String member : memberAddresses(config.clusterMembers())) {
            nodes.add(member.lastIndexOf(':') > member.lastIndexOf(']') ? member : member + ":" + ServerConfig.DEFAULT_CLUSTER_PORT);
        }
        nodes.add(host + ":" + config.clusterPort());
        return nodes.size();
    }

    /**
     * The address this node advertises to the others: {@code --cluster-host}, else {@code --host}
     * unless it is a wildcard, else the first non-loopback IPv4 address of an interface that is up.
     */
    public static String advertisedHost(ServerConfig config) {
        if (config.clusterHost() != null) {
            return literal(config.clusterHost());
        }
        InetAddress bind = resolve(config.host());
        if (!bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot list network interfaces: " + e.getMessage());
        }
        throw new IllegalArgumentException("no non-loopback IPv4 address found; set --cluster-host");
    }

    private static String literal(String host) {
        InetAddress a = resolve(host);
        if (a.isAnyLocalAddress()) {
            throw new IllegalArgumentException("--cluster-host must be a specific address, not " + host);
        }
        return a.getHostAddress();
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'");
        }
    }
}
