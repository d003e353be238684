package dev.chat.server.config;

import dev.chat.protocol.Durations;
import dev.chat.protocol.Frames;
import dev.chat.server.store.Durability;
import dev.chat.server.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server node is configured with, immutable, built once (by {@link Builder}, which
 * the command line uses too) and handed to every verticle. Each default is a {@code DEFAULT_*}
 * constant here, defined once: the builder starts from them and {@code ServerMain}'s options
 * show and use the same constants ({@code --help} prints them).
 *
 * @param host bind address for TCP, UDP and HTTP
 * @param tcpPort chat listener; 0 = any free port, {@link #PORT_OFF} = none (TLS only)
 * @param udpPort presence beacons in, announcements out; 0 = any free port
 * @param httpPort {@code /health} and {@code /metrics}; 0 = any free port
 * @param name server name shown to clients
 * @param maxFrame largest accepted TCP frame payload, bytes
 * @param heartbeat idle time before a ping; silent for twice this: closed
 * @param helloTimeout time a new connection has to send {@code hello}
 * @param frameTimeout time a started frame has to complete
 * @param requestTimeout how long a request may take end to end before the client gets
 *        {@code unavailable} (each layer inward has less: see {@code core.Deadlines})
 * @param tcpInstances event loops serving connections (one per core by default)
 * @param maxConnections connections beyond this get {@code server_full}
 * @param rateLimit say/dm per second per connection; 0 disables the limit
 * @param rateBurst token bucket size for {@code rateLimit}
 * @param maxBacklog bytes queued for one slow reader before it is closed as {@code slow_consumer}
 * @param maxRoomsPerSession rooms one connection may be in
 * @param maxRoomMembers members one room may have
 * @param maxRooms rooms kept in memory; beyond it the least recently used empty one is dropped from
 *        memory (its history and numbering stay in the store)
 * @param historyLimit messages kept per room ({@code --history-max-per-room}, alias {@code --history})
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
 * @param dataDir the node's own files: the SQLite store, the TLS self-signed certificate
 * @param store where rooms and history are kept: {@code sqlite}, {@code memory} or
 *        {@code postgresql://user:password@host:port/db}
 * @param durability what an acknowledged message has survived ({@code process} or {@code fsync})
 * @param historyMaxAge messages older than this are pruned; {@link Duration#ZERO}: no age limit
 * @param historyMemory bytes of history the node may keep in memory (its cache, or with
 *        {@code --store memory} the history itself); 0 = {@link #historyMemoryBytes() a quarter of the heap}
 * @param tlsPort the framed protocol inside TLS ({@code --tls-port}); 0 = any free port, {@link #PORT_OFF} = none
 * @param ircPort the IRC listener (docs/IRC.md); 0 = any free port, {@link #PORT_OFF}: not started
 * @param ircTlsPort IRC inside TLS ({@code --irc-tls-port}); {@link #PORT_AUTO}: as {@code --tls-port} says
 *        ({@link #ircTlsListenPort()})
 * @param httpsPort the HTTP port's routes inside TLS ({@code --https-port}); {@link #PORT_AUTO}: as
 *        {@code --tls-port} says ({@link #httpsListenPort()})
 * @param web whether the HTTP port serves the browser pages and {@code /api/*} ({@code --no-web}: only
 *        {@code /ws}, {@code /health} and {@code /metrics})
 * @param webOrigins origins besides the server's own whose pages may open {@code /ws}
 *        ({@code --web-origin}, {@code scheme://host[:port]})
 * @param requireAccount a guest {@code hello} is refused: every session logs in to an account
 * @param allowPlaintextPasswords passwords are accepted over plaintext TCP or {@code ws://} from
 *        other machines too (by default only over TLS, or from loopback)
 * @param maxConnectionsPerIp connections from one address beyond this get {@code server_full}
 * @param maxPendingPerIp connections from one address that have not said {@code hello} yet beyond
 *        this get {@code server_full}
 */
public record ServerConfig(
        String host, int tcpPort, int udpPort, int httpPort, String name, int maxFrame,
        Duration heartbeat, Duration helloTimeout, Duration frameTimeout, Duration requestTimeout,
        int tcpInstances, int maxConnections,
        int rateLimit, int rateBurst, int maxBacklog, int maxRoomsPerSession, int maxRoomMembers,
        int maxRooms, int historyLimit,
        Duration beaconInterval, boolean announce, String announceInterface, String announceBroadcast,
        int maxPeers,
        boolean cluster, List<String> clusterMembers, String clusterHost, int clusterPort, int busPort,
        Path dataDir, String store, Durability durability, Duration historyMaxAge, long historyMemory,
        int tlsPort, int ircPort, boolean web, List<String> webOrigins, int ircTlsPort, int httpsPort,
        boolean requireAccount, boolean allowPlaintextPasswords, int maxConnectionsPerIp, int maxPendingPerIp) {

    // Defaults. Durations and sizes are also kept as the text the command line shows (picocli
    // annotations need compile-time constants); the values are parsed from that text.
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_TCP_PORT = 7420;
    public static final int DEFAULT_UDP_PORT = 7421;
    public static final int DEFAULT_HTTP_PORT = 7422;
    public static final int DEFAULT_TLS_PORT = 7443;
    /** A listener's port option set to {@code off}: that listener is not started. */
    public static final int PORT_OFF = -1;
    /**
     * {@code --irc-tls-port} and {@code --https-port} left to {@code auto}: off when
     * {@code --tls-port} is off, any free port when it is 0, else their own default port.
     */
    public static final int PORT_AUTO = -2;
    public static final int DEFAULT_IRC_TLS_PORT = 6697;
    public static final int DEFAULT_HTTPS_PORT = 7444;
    /** The IRC listener's port ({@code --irc-port}; {@code off} turns it off). */
    public static final int DEFAULT_IRC_PORT = 6667;
    public static final String DEFAULT_MAX_FRAME_TEXT = "65536";
    public static final int DEFAULT_MAX_FRAME = Frames.DEFAULT_MAX_FRAME;
    public static final String DEFAULT_HEARTBEAT_TEXT = "30s";
    public static final Duration DEFAULT_HEARTBEAT = Durations.parse(DEFAULT_HEARTBEAT_TEXT);
    public static final String DEFAULT_HELLO_TIMEOUT_TEXT = "10s";
    public static final Duration DEFAULT_HELLO_TIMEOUT = Durations.parse(DEFAULT_HELLO_TIMEOUT_TEXT);
    public static final String DEFAULT_FRAME_TIMEOUT_TEXT = "30s";
    public static final Duration DEFAULT_FRAME_TIMEOUT = Durations.parse(DEFAULT_FRAME_TIMEOUT_TEXT);
    public static final String DEFAULT_REQUEST_TIMEOUT_TEXT = "10s";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Durations.parse(DEFAULT_REQUEST_TIMEOUT_TEXT);
    /** 0 = one per core. */
    public static final int DEFAULT_TCP_INSTANCES = 0;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 64;
    public static final int DEFAULT_MAX_PENDING_PER_IP = 16;
    public static final int DEFAULT_RATE_LIMIT = 50;
    public static final int DEFAULT_RATE_BURST = 100;
    public static final String DEFAULT_MAX_BACKLOG_TEXT = "1m";
    public static final int DEFAULT_MAX_BACKLOG = Sizes.parse(DEFAULT_MAX_BACKLOG_TEXT);
    public static final int DEFAULT_MAX_ROOMS_PER_SESSION = 100;
    public static final int DEFAULT_MAX_ROOM_MEMBERS = 10_000;
    public static final int DEFAULT_MAX_ROOMS = 10_000;
    public static final int DEFAULT_HISTORY_LIMIT = StoreConfig.DEFAULT_HISTORY_MAX_PER_ROOM;
    /** The node's own files (the SQLite store, the TLS certificate); {@code CHAT_DATA_DIR}. */
    public static final String DEFAULT_DATA_DIR = StoreConfig.DEFAULT_DATA_DIR;
    public static final String DEFAULT_STORE = StoreConfig.DEFAULT_STORE;
    public static final String DEFAULT_DURABILITY_TEXT = "process";
    public static final Durability DEFAULT_DURABILITY = Durability.parse(DEFAULT_DURABILITY_TEXT);
    public static final String DEFAULT_HISTORY_MAX_AGE_TEXT = "off";
    public static final Duration DEFAULT_HISTORY_MAX_AGE = StoreConfig.parseMaxAge(DEFAULT_HISTORY_MAX_AGE_TEXT);
    /** {@code --history-memory auto}: a quarter of the heap ({@link #historyMemoryBytes()}). */
    public static final String DEFAULT_HISTORY_MEMORY_TEXT = "auto";
    public static final long DEFAULT_HISTORY_MEMORY = 0;
    /** The least {@code --history-memory} takes. */
    public static final long MIN_HISTORY_MEMORY = 64 * 1024;
    public static final String DEFAULT_BEACON_INTERVAL_TEXT = "2s";
    public static final Duration DEFAULT_BEACON_INTERVAL = Durations.parse(DEFAULT_BEACON_INTERVAL_TEXT);
    public static final int DEFAULT_MAX_PEERS = 10_000;
    public static final int DEFAULT_CLUSTER_PORT = 5701;
    public static final int DEFAULT_BUS_PORT = 0;
    /** Used when no name is given and the host has none. */
    public static final String DEFAULT_NAME = "chat";

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(helloTimeout, "helloTimeout");
        Objects.requireNonNull(frameTimeout, "frameTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(beaconInterval, "beaconInterval");
        clusterMembers = List.copyOf(clusterMembers);
        webOrigins = List.copyOf(webOrigins);
        webOrigins.forEach(ServerConfig::requireOrigin);
        requirePortOrOff(tcpPort, "--tcp-port");
        requirePortOrOff(tlsPort, "--tls-port");
        if (ircTlsPort != PORT_AUTO) {
            requirePortOrOff(ircTlsPort, "--irc-tls-port");
        }
        if (httpsPort != PORT_AUTO) {
            requirePortOrOff(httpsPort, "--https-port");
        }
        if (tcpPort == PORT_OFF && tlsPort == PORT_OFF) {
            throw new IllegalArgumentException("--tcp-port and --tls-port are both off: a server needs a chat port");
        }
        requirePort(udpPort, "--udp-port");
        requirePort(httpPort, "--http-port");
        requirePort(clusterPort, "--cluster-port");
        requirePort(busPort, "--bus-port");
        requirePortOrOff(ircPort, "--irc-port");
        requirePositive(maxFrame, "--max-frame");
        requirePositive(tcpInstances, "--tcp-instances");
        requirePositive(maxConnections, "--max-connections");
        requirePositive(maxConnectionsPerIp, "--max-connections-per-ip");
        requirePositive(maxPendingPerIp, "--max-pending-per-ip");
        requirePositive(maxBacklog, "--max-backlog");
        requirePositive(maxRoomsPerSession, "--max-rooms-per-session");
        requirePositive(maxRoomMembers, "--max-room-members");
        requirePositive(maxRooms, "--max-rooms");
        requirePositive(historyLimit, "--history-max-per-room");
        requirePositive(maxPeers, "--max-peers");
        if (rateLimit < 0 || rateBurst < 1) {
            throw new IllegalArgumentException("--rate-limit must be >= 0 and --rate-burst >= 1");
        }
        requireAtLeast(heartbeat, 10, "--heartbeat");
        requireAtLeast(helloTimeout, 10, "--hello-timeout");
        requireAtLeast(frameTimeout, 10, "--frame-timeout");
        requireAtLeast(requestTimeout, 100, "--request-timeout");
        requireAtLeast(beaconInterval, 10, "--beacon-interval");
        if (cluster) {
            for (String member : clusterMembers) {
                requireMember(member);
            }
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(historyMaxAge, "historyMaxAge");
        if (historyMemory != 0 && historyMemory < MIN_HISTORY_MEMORY) {
            throw new IllegalArgumentException("--history-memory must be auto or at least 64k: " + historyMemory);
        }
        try { // checks --store (a PostgreSQL URL that does not parse) and the history bounds
            storeConfig(store, dataDir, durability, historyLimit, historyMaxAge, historyMemory);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("store ") ? "--" + m : "--store: " + m, e);
        }
    }

    /**
     * The history the node may keep in memory, bytes: {@code --history-memory}, or with
     * {@code auto} a quarter of the JVM's maximum heap.
     */
    public long historyMemoryBytes() {
        return historyMemory > 0 ? historyMemory : Runtime.getRuntime().maxMemory() / 4;
    }

    /** The store's configuration: {@code --store}, {@code --data-dir}, {@code --durability} and the history bounds. */
    public StoreConfig storeConfig() {
        return storeConfig(store, dataDir, durability, historyLimit, historyMaxAge, historyMemoryBytes());
    }

    private static StoreConfig storeConfig(String store, Path dataDir, Durability durability, int perRoom,
                                           Duration maxAge, long memory) {
        return StoreConfig.defaults().withStore(store).withDataDir(dataDir).withDurability(durability)
                .withHistoryMaxPerRoom(perRoom).withHistoryMaxAge(maxAge).withMemoryMaxBytes(memory);
    }

    /** Every default; {@code name} is {@link #DEFAULT_NAME} and there is one event loop per core. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults for everything, on loopback with free ports, two event loops and the memory store
     * (no data directory: tests in one JVM do not share one): what tests start from.
     */
    public static ServerConfig forTests() {
        return builder().host("127.0.0.1").tcpPort(0).udpPort(0).httpPort(0).name("test").tcpInstances(2)
                .store(StoreConfig.MEMORY).tlsPort(PORT_OFF).ircPort(0).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
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

    /** {@code http://host[:port]} or {@code https://host[:port]}: what a browser sends as {@code Origin}. */
    private static void requireOrigin(String origin) {
        if (!origin.matches("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("--web-origin must be http://host[:port] or https://host[:port]: '" + origin + "'");
        }
    }

    /** The IRC-over-TLS port to listen on: {@code --irc-tls-port}, or from {@code --tls-port} when auto. */
    public int ircTlsListenPort() {
        return follow(ircTlsPort, DEFAULT_IRC_TLS_PORT);
    }

    /** The HTTPS port to listen on: {@code --https-port}, or from {@code --tls-port} when auto. */
    public int httpsListenPort() {
        return follow(httpsPort, DEFAULT_HTTPS_PORT);
    }

    /** True when some listener needs the certificate. */
    public boolean needsTls() {
        return tlsPort != PORT_OFF || ircTlsListenPort() != PORT_OFF || httpsListenPort() != PORT_OFF;
    }

    private int follow(int port, int dflt) {
        if (port != PORT_AUTO) {
            return port;
        }
        return tlsPort == PORT_OFF ? PORT_OFF : tlsPort == 0 ? 0 : dflt;
    }

    /** A port (0..65535, 0 = any free port) or {@link #PORT_OFF}. */
    static void requirePortOrOff(int port, String option) {
        if (port != PORT_OFF) {
            requirePort(port, option);
        }
    }

    private static void requirePort(int port, String option) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " must be 0..65535: " + port);
        }
    }

    private static void requirePositive(int n, String option) {
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1: " + n);
        }
    }

    private static void requireAtLeast(Duration d, long ms, String option) {
        if (d.toMillis() < ms) {
            throw new IllegalArgumentException(option + " must be at least " + ms + "ms: " + Durations.format(d));
        }
    }

    /**
     * Builds a configuration: starts from the defaults ({@link ServerConfig#builder()}) or from an
     * existing configuration ({@link ServerConfig#toBuilder()}); {@link #build()} validates.
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int tcpPort = DEFAULT_TCP_PORT;
        private int udpPort = DEFAULT_UDP_PORT;
        private int httpPort = DEFAULT_HTTP_PORT;
        private String name = DEFAULT_NAME;
        private int maxFrame = DEFAULT_MAX_FRAME;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private Duration helloTimeout = DEFAULT_HELLO_TIMEOUT;
        private Duration frameTimeout = DEFAULT_FRAME_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int tcpInstances = DEFAULT_TCP_INSTANCES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int rateLimit = DEFAULT_RATE_LIMIT;
        private int rateBurst = DEFAULT_RATE_BURST;
        private int maxBacklog = DEFAULT_MAX_BACKLOG;
        private int maxRoomsPerSession = DEFAULT_MAX_ROOMS_PER_SESSION;
        private int maxRoomMembers = DEFAULT_MAX_ROOM_MEMBERS;
        private int maxRooms = DEFAULT_MAX_ROOMS;
        private int historyLimit = DEFAULT_HISTORY_LIMIT;
        private Duration beaconInterval = DEFAULT_BEACON_INTERVAL;
        private boolean announce = true;
        private String announceInterface;
        private String announceBroadcast;
        private int maxPeers = DEFAULT_MAX_PEERS;
        private boolean cluster;
        private List<String> clusterMembers = List.of();
        private String clusterHost;
        private int clusterPort = DEFAULT_CLUSTER_PORT;
        private int busPort = DEFAULT_BUS_PORT;
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private String store = DEFAULT_STORE;
        private Durability durability = DEFAULT_DURABILITY;
        private Duration historyMaxAge = DEFAULT_HISTORY_MAX_AGE;
        private long historyMemory = DEFAULT_HISTORY_MEMORY;
        private int tlsPort = DEFAULT_TLS_PORT;
        private int ircPort = DEFAULT_IRC_PORT;
        private int ircTlsPort = PORT_AUTO;
        private int httpsPort = PORT_AUTO;
        private boolean web = true;
        private List<String> webOrigins = List.of();
        private boolean requireAccount;
        private boolean allowPlaintextPasswords;
        private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
        private int maxPendingPerIp = DEFAULT_MAX_PENDING_PER_IP;

        Builder() {
        }

        Builder(ServerConfig c) {
            host = c.host; tcpPort = c.tcpPort; udpPort = c.udpPort; httpPort = c.httpPort; name = c.name;
            maxFrame = c.maxFrame; heartbeat = c.heartbeat; helloTimeout = c.helloTimeout;
            frameTimeout = c.frameTimeout; requestTimeout = c.requestTimeout;
            tcpInstances = c.tcpInstances; maxConnections = c.maxConnections; rateLimit = c.rateLimit;
            rateBurst = c.rateBurst; maxBacklog = c.maxBacklog; maxRoomsPerSession = c.maxRoomsPerSession;
            maxRoomMembers = c.maxRoomMembers; maxRooms = c.maxRooms; historyLimit = c.historyLimit;
            beaconInterval = c.beaconInterval; announce = c.announce; announceInterface = c.announceInterface;
            announceBroadcast = c.announceBroadcast; maxPeers = c.maxPeers; cluster = c.cluster;
            clusterMembers = c.clusterMembers; clusterHost = c.clusterHost; clusterPort = c.clusterPort;
            busPort = c.busPort; dataDir = c.dataDir; store = c.store; durability = c.durability;
            historyMaxAge = c.historyMaxAge; historyMemory = c.historyMemory;
            tlsPort = c.tlsPort;
            ircPort = c.ircPort;
            ircTlsPort = c.ircTlsPort; httpsPort = c.httpsPort;
            web = c.web; webOrigins = c.webOrigins;
            requireAccount = c.requireAccount; allowPlaintextPasswords = c.allowPlaintextPasswords;
            maxConnectionsPerIp = c.maxConnectionsPerIp; maxPendingPerIp = c.maxPendingPerIp;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder tcpPort(int v) { tcpPort = v; return this; }
        public Builder udpPort(int v) { udpPort = v; return this; }
        public Builder httpPort(int v) { httpPort = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder maxFrame(int v) { maxFrame = v; return this; }
        public Builder heartbeat(Duration v) { heartbeat = v; return this; }
        public Builder helloTimeout(Duration v) { helloTimeout = v; return this; }
        public Builder frameTimeout(Duration v) { frameTimeout = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        /** 0: one per core. */
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
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder store(String v) { store = v; return this; }
        public Builder durability(Durability v) { durability = v; return this; }
        /** {@link Duration#ZERO}: no age limit. */
        public Builder historyMaxAge(Duration v) { historyMaxAge = v; return this; }
        /** Bytes; 0: a quarter of the heap. */
        public Builder historyMemory(long v) { historyMemory = v; return this; }
        /** 0: any free port; {@link ServerConfig#PORT_OFF}: no TLS listener. */
        public Builder tlsPort(int v) { tlsPort = v; return this; }
        /** 0: any free port; {@link ServerConfig#PORT_OFF}: no IRC listener. */
        public Builder ircPort(int v) { ircPort = v; return this; }
        /** {@link ServerConfig#PORT_AUTO}: as {@code --tls-port}; 0: any free port; {@link ServerConfig#PORT_OFF}: none. */
        public Builder ircTlsPort(int v) { ircTlsPort = v; return this; }
        /** {@link ServerConfig#PORT_AUTO}: as {@code --tls-port}; 0: any free port; {@link ServerConfig#PORT_OFF}: none. */
        public Builder httpsPort(int v) { httpsPort = v; return this; }
        public Builder web(boolean v) { web = v; return this; }
        public Builder webOrigins(List<String> v) { webOrigins = v; return this; }
        public Builder requireAccount(boolean v) { requireAccount = v; return this; }
        public Builder allowPlaintextPasswords(boolean v) { allowPlaintextPasswords = v; return this; }
        public Builder maxConnectionsPerIp(int v) { maxConnectionsPerIp = v; return this; }
        public Builder maxPendingPerIp(int v) { maxPendingPerIp = v; return this; }

        /** @throws IllegalArgumentException naming the option whose value is out of range */
        public ServerConfig build() {
            int loops = tcpInstances > 0 ? tcpInstances : Math.max(1, Runtime.getRuntime().availableProcessors());
            return new ServerConfig(host, tcpPort, udpPort, httpPort, name, maxFrame, heartbeat, helloTimeout,
                    frameTimeout, requestTimeout, loops, maxConnections, rateLimit, rateBurst, maxBacklog,
                    maxRoomsPerSession, maxRoomMembers, maxRooms, historyLimit, beaconInterval, announce,
                    announceInterface, announceBroadcast, maxPeers, cluster, clusterMembers, clusterHost,
                    clusterPort, busPort, dataDir, store, durability, historyMaxAge, historyMemory, tlsPort, ircPort,
                    web, webOrigins, ircTlsPort, httpsPort, requireAccount, allowPlaintextPasswords,
                    maxConnectionsPerIp, maxPendingPerIp);
        }
    }
}
