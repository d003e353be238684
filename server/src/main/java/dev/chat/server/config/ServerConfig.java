package dev.chat.server.config;

import dev.chat.protocol.Frames;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server node is configured with, immutable, built once from the command line
 * (and its {@code CHAT_*} environment variables) and handed to every verticle.
 *
 * @param host bind address for TCP, UDP and HTTP
 * @param tcpPort chat listener; 0 = any free port
 * @param udpPort presence beacons in, announcements out; 0 = any free port
 * @param httpPort {@code /health} and {@code /metrics}; 0 = any free port
 * @param name server name shown to clients
 * @param maxFrame largest accepted TCP frame payload, bytes
 * @param heartbeat idle time before a ping; silent for twice this: closed
 * @param helloTimeout time a new connection has to send {@code hello}
 * @param tcpInstances listener verticle instances (event loops serving sockets)
 * @param maxConnections connections beyond this get {@code server_full}
 * @param rateLimit say/dm per second per connection; 0 disables the limit
 * @param rateBurst token bucket size for {@code rateLimit}
 * @param maxBacklog bytes queued for one slow reader before it is closed as {@code slow_consumer}
 * @param maxRoomsPerSession rooms one connection may be in
 * @param maxRoomMembers members one room may have
 * @param maxRooms rooms kept (with their history); the emptiest idle ones are dropped beyond it
 * @param historyLimit messages kept per room
 * @param beaconInterval how often the server announces itself over UDP
 * @param announce whether to announce at all
 * @param announceInterface network interface for announcements when {@code host} is a wildcard
 * @param announceBroadcast also announce to this broadcast address, or null
 * @param maxPeers presence table size; the stalest peer is evicted beyond it
 * @param cluster join a cluster
 * @param clusterMembers Hazelcast members to join, {@code host:port}
 * @param clusterHost address advertised to other nodes, or null to derive it
 * @param clusterPort this node's Hazelcast port
 * @param busPort this node's event-bus port; 0 = any free port
 */
public record ServerConfig(
        String host, int tcpPort, int udpPort, int httpPort, String name, int maxFrame,
        Duration heartbeat, Duration helloTimeout, int tcpInstances, int maxConnections,
        int rateLimit, int rateBurst, int maxBacklog, int maxRoomsPerSession, int maxRoomMembers,
        int maxRooms, int historyLimit,
        Duration beaconInterval, boolean announce, String announceInterface, String announceBroadcast,
        int maxPeers,
        boolean cluster, List<String> clusterMembers, String clusterHost, int clusterPort, int busPort) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_TCP_PORT = 7420;
    public static final int DEFAULT_UDP_PORT = 7421;
    public static final int DEFAULT_HTTP_PORT = 7422;
    public static final int DEFAULT_MAX_FRAME = Frames.DEFAULT_MAX_FRAME;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_RATE_LIMIT = 50;
    public static final int DEFAULT_RATE_BURST = 100;
    public static final int DEFAULT_MAX_BACKLOG = 1 << 20;
    public static final int DEFAULT_MAX_ROOMS_PER_SESSION = 100;
    public static final int DEFAULT_MAX_ROOM_MEMBERS = 10_000;
    public static final int DEFAULT_MAX_ROOMS = 10_000;
    public static final int DEFAULT_HISTORY_LIMIT = 10_000;
    public static final Duration DEFAULT_BEACON_INTERVAL = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_PEERS = 10_000;
    public static final int DEFAULT_CLUSTER_PORT = 5701;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(helloTimeout, "helloTimeout");
        Objects.requireNonNull(beaconInterval, "beaconInterval");
        clusterMembers = List.copyOf(clusterMembers);
        requirePort(tcpPort, "tcp port");
        requirePort(udpPort, "udp port");
        requirePort(httpPort, "http port");
        requirePort(clusterPort, "cluster port");
        requirePort(busPort, "bus port");
        requirePositive(maxFrame, "max frame");
        requirePositive(tcpInstances, "tcp instances");
        requirePositive(maxConnections, "max connections");
        requirePositive(maxBacklog, "max backlog");
        requirePositive(maxRoomsPerSession, "max rooms per session");
        requirePositive(maxRoomMembers, "max room members");
        requirePositive(maxRooms, "max rooms");
        requirePositive(historyLimit, "history limit");
        requirePositive(maxPeers, "max peers");
        if (rateLimit < 0 || rateBurst < 1) {
            throw new IllegalArgumentException("rate limit must be >= 0 and burst >= 1");
        }
        if (heartbeat.toMillis() < 10 || helloTimeout.toMillis() < 10 || beaconInterval.toMillis() < 10) {
            throw new IllegalArgumentException("durations must be at least 10ms");
        }
        if (cluster) {
            for (String member : clusterMembers) {
                requireMember(member);
            }
        }
    }

    /** {@code host:port} (an IPv6 host in brackets), port 1..65535. */
    private static void requireMember(String member) {
        int colon = member.lastIndexOf(':');
        String host = colon > 0 ? member.substring(0, colon) : "";
        int port;
        try {
            port = Integer.parseInt(member.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        boolean bareIpv6 = host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"));
        if (host.isBlank() || bareIpv6 || port < 1 || port > 65535) {
            throw new IllegalArgumentException("cluster member must be host:port: '" + member + "'");
        }
    }

    /** Defaults for everything, on loopback with free ports: what tests start from. */
    public static ServerConfig forTests() {
        return new ServerConfig("127.0.0.1", 0, 0, 0, "test", DEFAULT_MAX_FRAME, DEFAULT_HEARTBEAT,
                DEFAULT_HELLO_TIMEOUT, 2, DEFAULT_MAX_CONNECTIONS, DEFAULT_RATE_LIMIT, DEFAULT_RATE_BURST,
                DEFAULT_MAX_BACKLOG, DEFAULT_MAX_ROOMS_PER_SESSION, DEFAULT_MAX_ROOM_MEMBERS, DEFAULT_MAX_ROOMS,
                DEFAULT_HISTORY_LIMIT, DEFAULT_BEACON_INTERVAL, true, null, null, DEFAULT_MAX_PEERS,
                false, List.of(), null, DEFAULT_CLUSTER_PORT, 0);
    }

    private static void requirePort(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0..65535: " + port);
        }
    }

    private static void requirePositive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1: " + n);
        }
    }

    public ServerConfig withHeartbeat(Duration d) {
        return new Builder(this).heartbeat(d).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of an existing config (tests and the command line use it). */
    public static final class Builder {
        private String host; private int tcpPort; private int udpPort; private int httpPort; private String name;
        private int maxFrame; private Duration heartbeat; private Duration helloTimeout; private int tcpInstances;
        private int maxConnections; private int rateLimit; private int rateBurst; private int maxBacklog;
        private int maxRoomsPerSession; private int maxRoomMembers; private int maxRooms; private int historyLimit;
        private Duration beaconInterval; private boolean announce; private String announceInterface;
        private String announceBroadcast; private int maxPeers; private boolean cluster;
        private List<String> clusterMembers; private String clusterHost; private int clusterPort; private int busPort;

        Builder(ServerConfig c) {
            host = c.host; tcpPort = c.tcpPort; udpPort = c.udpPort; httpPort = c.httpPort; name = c.name;
            maxFrame = c.maxFrame; heartbeat = c.heartbeat; helloTimeout = c.helloTimeout;
            tcpInstances = c.tcpInstances; maxConnections = c.maxConnections; rateLimit = c.rateLimit;
            rateBurst = c.rateBurst; maxBacklog = c.maxBacklog; maxRoomsPerSession = c.maxRoomsPerSession;
            maxRoomMembers = c.maxRoomMembers; maxRooms = c.maxRooms; historyLimit = c.historyLimit;
            beaconInterval = c.beaconInterval; announce = c.announce; announceInterface = c.announceInterface;
            announceBroadcast = c.announceBroadcast; maxPeers = c.maxPeers; cluster = c.cluster;
            clusterMembers = c.clusterMembers; clusterHost = c.clusterHost; clusterPort = c.clusterPort;
            busPort = c.busPort;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder tcpPort(int v) { tcpPort = v; return this; }
        public Builder udpPort(int v) { udpPort = v; return this; }
        public Builder httpPort(int v) { httpPort = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder maxFrame(int v) { maxFrame = v; return this; }
        public Builder heartbeat(Duration v) { heartbeat = v; return this; }
        public Builder helloTimeout(Duration v) { helloTimeout = v; return this; }
        public Builder tcpInstances(int v) { tcpInstances = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder rateLimit(int v) { rateLimit = v; return this; }
        public Builder rateBurst(int v) { rateBurst = v; return this; }
        public Builder maxBacklog(int v) { maxBacklog = v; return this; }
        public Builder maxRoomsPerSession(int v) { maxRoomsPerSession = v; return this; }
        public Builder maxRoomMembers(int v) { maxRoomMembers = v; return this; }
        public Builder maxRooms(int v) { maxRooms = v; return this; }
        public Builder historyLimit(int v) { historyLimit = v; return this; }
        public Builder beaconInterval(Duration v) { beaconInterval = v; return this; }
        public Builder announce(boolean v) { announce = v; return this; }
        public Builder announceInterface(String v) { announceInterface = v; return this; }
        public Builder announceBroadcast(String v) { announceBroadcast = v; return this; }
        public Builder maxPeers(int v) { maxPeers = v; return this; }
        public Builder cluster(boolean v) { cluster = v; return this; }
        public Builder clusterMembers(List<String> v) { clusterMembers = v; return this; }
        public Builder clusterHost(String v) { clusterHost = v; return this; }
        public Builder clusterPort(int v) { clusterPort = v; return this; }
        public Builder busPort(int v) { busPort = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(host, tcpPort, udpPort, httpPort, name, maxFrame, heartbeat, helloTimeout,
                    tcpInstances, maxConnections, rateLimit, rateBurst, maxBacklog, maxRoomsPerSession,
                    maxRoomMembers, maxRooms, historyLimit, beaconInterval, announce, announceInterface,
                    announceBroadcast, maxPeers, cluster, clusterMembers, clusterHost, clusterPort, busPort);
        }
    }
}
