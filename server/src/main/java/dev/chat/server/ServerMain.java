package dev.chat.server;

import dev.chat.protocol.Durations;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.config.Sizes;
import dev.chat.server.core.ListenException;
import dev.chat.server.store.Durability;
import dev.chat.server.store.StoreConfig;
import dev.chat.server.store.StoreStartException;
import dev.chat.server.tls.CertificateException;
import dev.chat.server.tls.ServerTls;
import dev.chat.server.tls.TlsOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./chat server}: parses the options (each also from a {@code CHAT_*} environment
 * variable), starts a node, prints the {@code READY} line on stdout and serves until SIGTERM.
 * Exit codes: 0 after a graceful stop, 1 if the node cannot start, 2 for bad options, for a
 * listener that cannot bind (the message names the option, address and port) and for a store
 * that cannot be opened (the message names the data directory, database file or URL and what is
 * wrong with it), and for a TLS certificate or key that cannot be used (the message names the
 * file and the problem).
 */
@Command(name = "chat server", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        version = "chat server 0.1.0",
        description = "Runs one chat server node: framed JSON over TCP and over TLS, IRC, UDP presence, HTTP /health and /metrics;"
                + " rooms and history in a store (SQLite by default).",
        footer = "%nEvery option can also be set by an environment variable: CHAT_ + the option in upper snake case"
                + " (e.g. CHAT_TCP_PORT=7420).%nDurations: 500ms, 30s, 2m. Sizes: 65536, 64k, 1m.")
public final class ServerMain implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:CHAT_HOST:-" + ServerConfig.DEFAULT_HOST + "}", description = "Bind address for TCP, UDP and HTTP (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--tcp-port", defaultValue = "${env:CHAT_TCP_PORT:-" + ServerConfig.DEFAULT_TCP_PORT + "}", converter = PortOrOffConverter.class, description = "Chat clients (framed JSON); 0 = any free port, off = TLS only (default: ${DEFAULT-VALUE}).")
    int tcpPort;
    @Option(names = "--udp-port", defaultValue = "${env:CHAT_UDP_PORT:-" + ServerConfig.DEFAULT_UDP_PORT + "}", description = "Presence beacons in, announcements out; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int udpPort;
    @Option(names = "--http-port", defaultValue = "${env:CHAT_HTTP_PORT:-" + ServerConfig.DEFAULT_HTTP_PORT + "}", description = "HTTP: /health, /metrics, the browser pages, /api/* and the WebSocket /ws; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int httpPort;
    @Option(names = "--name", defaultValue = "${env:CHAT_NAME}", description = "Server name shown to clients (default: the host name).")
    String name;
    @Option(names = "--max-frame", defaultValue = "${env:CHAT_MAX_FRAME:-" + ServerConfig.DEFAULT_MAX_FRAME_TEXT + "}", converter = SizeConverter.class, description = "Largest accepted frame payload, bytes (default: ${DEFAULT-VALUE}).")
    int maxFrame;
    @Option(names = "--heartbeat", defaultValue = "${env:CHAT_HEARTBEAT:-" + ServerConfig.DEFAULT_HEARTBEAT_TEXT + "}", converter = DurationConverter.class, description = "Idle time before the server pings a client; silent for twice this: closed (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;
    @Option(names = "--hello-timeout", defaultValue = "${env:CHAT_HELLO_TIMEOUT:-" + ServerConfig.DEFAULT_HELLO_TIMEOUT_TEXT + "}", converter = DurationConverter.class, description = "Time a new connection has to send hello (default: ${DEFAULT-VALUE}).")
    Duration helloTimeout;
    @Option(names = "--frame-timeout", defaultValue = "${env:CHAT_FRAME_TIMEOUT:-" + ServerConfig.DEFAULT_FRAME_TIMEOUT_TEXT + "}", converter = DurationConverter.class, description = "Time a started frame has to complete; later: bye, closed (default: ${DEFAULT-VALUE}).")
    Duration frameTimeout;
    @Option(names = "--request-timeout", defaultValue = "${env:CHAT_REQUEST_TIMEOUT:-" + ServerConfig.DEFAULT_REQUEST_TIMEOUT_TEXT + "}", converter = DurationConverter.class, description = "Longest a request may take; then the client gets unavailable and it is not applied (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;
    @Option(names = "--tcp-instances", defaultValue = "${env:CHAT_TCP_INSTANCES:-" + ServerConfig.DEFAULT_TCP_INSTANCES + "}", description = "Event loops serving connections; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int tcpInstances;
    @Option(names = "--max-connections", defaultValue = "${env:CHAT_MAX_CONNECTIONS:-" + ServerConfig.DEFAULT_MAX_CONNECTIONS + "}", description = "Connections beyond this get server_full (default: ${DEFAULT-VALUE}).")
    int maxConnections;
    @Option(names = "--rate-limit", defaultValue = "${env:CHAT_RATE_LIMIT:-" + ServerConfig.DEFAULT_RATE_LIMIT + "}", description = "say/dm per second per connection; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int rateLimit;
    @Option(names = "--rate-burst", defaultValue = "${env:CHAT_RATE_BURST:-" + ServerConfig.DEFAULT_RATE_BURST + "}", description = "Burst allowed above the rate (default: ${DEFAULT-VALUE}).")
    int rateBurst;
    @Option(names = "--max-backlog", defaultValue = "${env:CHAT_MAX_BACKLOG:-" + ServerConfig.DEFAULT_MAX_BACKLOG_TEXT + "}", converter = SizeConverter.class, description = "Bytes waiting for a slow reader before it is closed (default: ${DEFAULT-VALUE}).")
    int maxBacklog;
    @Option(names = "--max-rooms-per-session", defaultValue = "${env:CHAT_MAX_ROOMS_PER_SESSION:-" + ServerConfig.DEFAULT_MAX_ROOMS_PER_SESSION + "}", description = "Rooms one connection may join (default: ${DEFAULT-VALUE}).")
    int maxRoomsPerSession;
    @Option(names = "--max-room-members", defaultValue = "${env:CHAT_MAX_ROOM_MEMBERS:-" + ServerConfig.DEFAULT_MAX_ROOM_MEMBERS + "}", description = "Members one room may have (default: ${DEFAULT-VALUE}).")
    int maxRoomMembers;
    @Option(names = "--max-rooms", defaultValue = "${env:CHAT_MAX_ROOMS:-" + ServerConfig.DEFAULT_MAX_ROOMS + "}", description = "Rooms kept with their history; then the least recently used empty one goes (default: ${DEFAULT-VALUE}).")
    int maxRooms;
    @Option(names = "--data-dir", defaultValue = "${env:CHAT_DATA_DIR:-" + ServerConfig.DEFAULT_DATA_DIR + "}", description = "This node's files: the SQLite store (chat.db), created if missing; one server per directory, so servers on one machine each need their own (default: ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--store", defaultValue = "${env:CHAT_STORE:-" + ServerConfig.DEFAULT_STORE + "}", description = "Where rooms and history live: sqlite (a file in --data-dir), memory (lost when the server stops), or a PostgreSQL server given by its URL, postgresql://user:password@host:port/db. With --cluster the store is opened but not used yet: history stays in memory on every node (default: ${DEFAULT-VALUE}).")
    String store;
    @Option(names = "--durability", defaultValue = "${env:CHAT_DURABILITY:-" + ServerConfig.DEFAULT_DURABILITY_TEXT + "}", converter = DurabilityConverter.class, description = "What an acknowledged message survives: process (a crash or kill -9 of the server) or fsync (also a power cut) (default: ${DEFAULT-VALUE}).")
    Durability durability;
    @Option(names = {"--history-max-per-room", "--history"}, defaultValue = "${env:CHAT_HISTORY_MAX_PER_ROOM:-${env:CHAT_HISTORY:-" + ServerConfig.DEFAULT_HISTORY_LIMIT + "}}", description = "Messages kept per room; older ones are pruned (--history is the old name) (default: ${DEFAULT-VALUE}).")
    int historyMaxPerRoom;
    @Option(names = "--history-max-age", defaultValue = "${env:CHAT_HISTORY_MAX_AGE:-" + ServerConfig.DEFAULT_HISTORY_MAX_AGE_TEXT + "}", converter = MaxAgeConverter.class, description = "Messages older than this are pruned: 30d, 12h, 90m, or off; not applied with --cluster yet (default: ${DEFAULT-VALUE}).")
    Duration historyMaxAge;
    @Option(names = "--history-memory", defaultValue = "${env:CHAT_HISTORY_MEMORY:-" + ServerConfig.DEFAULT_HISTORY_MEMORY_TEXT + "}", converter = MemoryConverter.class, description = "Bytes of history kept in memory (the rest is read from the store; with --store memory it is dropped): e.g. 64m, or auto = a quarter of the heap; not applied with --cluster yet (default: ${DEFAULT-VALUE}).")
    long historyMemory;
    @Option(names = "--beacon-interval", defaultValue = "${env:CHAT_BEACON_INTERVAL:-" + ServerConfig.DEFAULT_BEACON_INTERVAL_TEXT + "}", converter = DurationConverter.class, description = "How often the server announces itself (default: ${DEFAULT-VALUE}).")
    Duration beaconInterval;
    @Option(names = "--no-announce", defaultValue = "${env:CHAT_NO_ANNOUNCE:-false}", description = "Do not announce this server on the LAN.")
    boolean noAnnounce;
    @Option(names = "--announce-interface", defaultValue = "${env:CHAT_ANNOUNCE_INTERFACE}", description = "Interface for announcements when --host is a wildcard (default: the first up, non-loopback, multicast-capable one).")
    String announceInterface;
    @Option(names = "--announce-broadcast", defaultValue = "${env:CHAT_ANNOUNCE_BROADCAST}", description = "Also announce to this broadcast address.")
    String announceBroadcast;
    @Option(names = "--max-peers", defaultValue = "${env:CHAT_MAX_PEERS:-" + ServerConfig.DEFAULT_MAX_PEERS + "}", description = "Presence table size; the stalest peer goes first (default: ${DEFAULT-VALUE}).")
    int maxPeers;
    @Option(names = "--cluster", defaultValue = "${env:CHAT_CLUSTER:-false}", description = "Join a cluster (Vert.x clustered event bus on Hazelcast).")
    boolean cluster;
    @Option(names = "--cluster-members", defaultValue = "${env:CHAT_CLUSTER_MEMBERS}", split = ",", description = "host:port,... Hazelcast members to join.")
    List<String> clusterMembers;
    @Option(names = "--cluster-host", defaultValue = "${env:CHAT_CLUSTER_HOST}", description = "Address this node advertises to the others (default: --host, or the first non-loopback address).")
    String clusterHost;
    @Option(names = "--cluster-port", defaultValue = "${env:CHAT_CLUSTER_PORT:-" + ServerConfig.DEFAULT_CLUSTER_PORT + "}", description = "This node's Hazelcast member port (default: ${DEFAULT-VALUE}).")
    int clusterPort;
    @Option(names = "--bus-port", defaultValue = "${env:CHAT_BUS_PORT:-" + ServerConfig.DEFAULT_BUS_PORT + "}", description = "This node's event-bus port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int busPort;
    @Option(names = "--tls-port", defaultValue = "${env:CHAT_TLS_PORT:-" + ServerConfig.DEFAULT_TLS_PORT + "}", converter = PortOrOffConverter.class, description = "Chat clients over TLS (the same framed JSON inside TLS 1.2/1.3; docs/TLS.md); 0 = any free port, off = none (default: ${DEFAULT-VALUE}).")
    int tlsPort;
    @Option(names = "--irc-tls-port", defaultValue = "${env:CHAT_IRC_TLS_PORT:-auto}", converter = PortOrAutoConverter.class, description = "IRC clients over TLS (docs/IRC.md, docs/TLS.md); 0 = any free port, off = none, auto = "
            + ServerConfig.DEFAULT_IRC_TLS_PORT + " if --tls-port is a port, any free port if it is 0, off if it is off (default: ${DEFAULT-VALUE}).")
    int ircTlsPort;
    @Option(names = "--https-port", defaultValue = "${env:CHAT_HTTPS_PORT:-auto}", converter = PortOrAutoConverter.class, description = "The HTTP port's pages, /api, /ws (as wss://), /health and /metrics inside TLS; 0 = any free port, off = none, auto = "
            + ServerConfig.DEFAULT_HTTPS_PORT + " if --tls-port is a port, any free port if it is 0, off if it is off (default: ${DEFAULT-VALUE}).")
    int httpsPort;
    @Mixin
    TlsOptions tlsOptions = new TlsOptions();
    @Option(names = "--web", description = "Serve the browser pages (/, /network) and /api/* on the HTTP port: the default.")
    boolean webOn;
    @Option(names = "--no-web", defaultValue = "${env:CHAT_NO_WEB:-false}", description = "Do not serve the browser pages and /api/*; /ws, /health and /metrics stay.")
    boolean noWeb;
    @Option(names = "--web-origin", defaultValue = "${env:CHAT_WEB_ORIGIN}", split = ",", description = "Origin (http://host[:port]) whose pages may also open /ws; repeatable or comma-separated (default: the server's own origin only).")
    List<String> webOrigins;
    @Option(names = "--log-level", defaultValue = "${env:CHAT_LOG_LEVEL:-" + DEFAULT_LOG_LEVEL + "}", description = "Logging on stderr: error, warn, info, debug (each connection), trace (default: ${DEFAULT-VALUE}).")
    String logLevel;
    @Option(names = "--irc-port", defaultValue = "${env:CHAT_IRC_PORT:-" + ServerConfig.DEFAULT_IRC_PORT + "}", converter = PortOrOffConverter.class, description = "IRC clients (irssi, WeeChat, nc: docs/IRC.md), on --host; 0 = any free port, off = no IRC listener (default: ${DEFAULT-VALUE}).")
    int ircPort;

    @Option(names = "--require-account", defaultValue = "${env:CHAT_REQUIRE_ACCOUNT:-false}", description = "Refuse guests: every session must log in to an account (register or login; docs/PROTOCOL.md).")
    boolean requireAccount;
    @Option(names = "--allow-plaintext-passwords", defaultValue = "${env:CHAT_ALLOW_PLAINTEXT_PASSWORDS:-false}", description = "Also accept passwords over plaintext TCP and ws:// from other machines, where anyone on the path can read them; without it only TLS and loopback are trusted with passwords.")
    boolean allowPlaintextPasswords;
    @Option(names = "--max-connections-per-ip", defaultValue = "${env:CHAT_MAX_CONNECTIONS_PER_IP:-" + ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_IP + "}", description = "Connections from one address beyond this get server_full; raise it for load tests from one machine (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;
    @Option(names = "--max-pending-per-ip", defaultValue = "${env:CHAT_MAX_PENDING_PER_IP:-" + ServerConfig.DEFAULT_MAX_PENDING_PER_IP + "}", description = "Connections from one address that have not said hello yet beyond this get server_full (default: ${DEFAULT-VALUE}).")
    int maxPendingPerIp;

    /** Connections are logged at debug; info has a summary a minute. */
    static final String DEFAULT_LOG_LEVEL = "info";
    private static final java.util.Set<String> LOG_LEVELS = java.util.Set.of("error", "warn", "info", "debug", "trace");

    /** Made after --log-level is applied (the logging backend reads the level once, at its first logger). */
    private static Logger log() {
        return LoggerFactory.getLogger(ServerMain.class);
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
        // started: the Vert.x threads keep the process alive until a signal stops it
    }

    /** The configured picocli command line; exit code 2 with one line for any bad option. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ServerMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("chat server: " + oneLine(ex.getMessage()));
            err.println("Try './chat server --help' for more information.");
            err.flush();
            return 2;
        });
        return cl;
    }

    /** Builds the immutable configuration from the parsed options (every default comes from {@link ServerConfig}). */
    ServerConfig toConfig() {
        return ServerConfig.builder()
                .host(host).tcpPort(tcpPort).udpPort(udpPort).httpPort(httpPort)
                .name(name != null && !name.isBlank() ? name.trim() : hostName())
                .maxFrame(maxFrame).heartbeat(heartbeat).helloTimeout(helloTimeout)
                .frameTimeout(frameTimeout).requestTimeout(requestTimeout)
                .tcpInstances(tcpInstances).maxConnections(maxConnections)
                .rateLimit(rateLimit).rateBurst(rateBurst).maxBacklog(maxBacklog)
                .maxRoomsPerSession(maxRoomsPerSession).maxRoomMembers(maxRoomMembers).maxRooms(maxRooms)
                .historyLimit(historyMaxPerRoom).beaconInterval(beaconInterval).announce(!noAnnounce)
                .announceInterface(blankToNull(announceInterface)).announceBroadcast(blankToNull(announceBroadcast))
                .maxPeers(maxPeers).cluster(cluster)
                .clusterMembers(clusterMembers == null ? List.of() : clean(clusterMembers))
                .clusterHost(blankToNull(clusterHost)).clusterPort(clusterPort).busPort(busPort)
                .dataDir(dataDir).store(store.trim()).durability(durability).historyMaxAge(historyMaxAge)
                .historyMemory(historyMemory).tlsPort(tlsPort)
                .ircPort(ircPort).ircTlsPort(ircTlsPort).httpsPort(httpsPort)
                .web(!noWeb).webOrigins(webOrigins == null ? List.of() : clean(webOrigins))
                .requireAccount(requireAccount).allowPlaintextPasswords(allowPlaintextPasswords)
                .maxConnectionsPerIp(maxConnectionsPerIp).maxPendingPerIp(maxPendingPerIp)
                .build();
    }

    @Override
    public Integer call() {
        String level = logLevel == null ? DEFAULT_LOG_LEVEL : logLevel.trim().toLowerCase(java.util.Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            System.err.println("chat server: --log-level must be one of error, warn, info, debug, trace: '" + logLevel + "'");
            System.err.println("Try './chat server --help' for more information.");
            return 2;
        }
        // the logging backend (slf4j-simple) reads this once, when the first logger is made: now
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        if (level.equals("debug") || level.equals("trace")) {
            System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "warn"); // its bursts, for a diagnosis
        }
        ServerConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            System.err.println("chat server: " + oneLine(e.getMessage()));
            System.err.println("Try './chat server --help' for more information.");
            return 2;
        }
        if (tlsOptions.clusterTls() && !config.cluster()) {
            System.err.println("chat server: --cluster-tls needs --cluster");
            return 2;
        }
        if (tlsOptions.clusterTls() && !tlsOptions.hasCertificateFiles()) {
            System.err.println("chat server: --cluster-tls needs --tls-cert and --tls-key, the same on every node: a"
                    + " self-signed certificate made at first start differs per node (docs/TLS.md)");
            return 2;
        }
        ServerTls tls = null;
        if (config.needsTls() || tlsOptions.clusterTls()) {
            try {
                tls = ServerTls.load(tlsOptions.settings(config.dataDir(), ChatServer.certificateNames(config)),
                        tlsOptions.preferOpenSsl());
            } catch (IllegalArgumentException | CertificateException e) {
                System.err.println("chat server: " + oneLine(e.getMessage()));
                return 2; // a certificate, key or data directory to fix
            }
        }
        ChatServer server;
        try {
            server = ChatServer.start(config, tls, tlsOptions.clusterTls())
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ListenException) {
                System.err.println("chat server: " + oneLine(cause.getMessage()));
                return 2; // a port or address to change: like a bad option
            }
            StoreStartException store = storeFailure(cause);
            if (store != null) {
                System.err.println("chat server: " + oneLine(store.getMessage()));
                return 2; // a data directory, database file or URL to fix
            }
            System.err.println("chat server: could not start: " + oneLine(String.valueOf(cause.getMessage())));
            return 1;
        }
        installStopHandler(server);
        System.err.println(server.bindLine());
        if (tls != null) {
            System.err.println("chat server: TLS certificate " + tls.fingerprint() + " (" + tls.material().source()
                    + "), valid until " + tls.material().notAfter());
        }
        System.err.flush();
        System.out.println(server.readyLine());
        System.out.flush();
        return 0;
    }

    /** SIGTERM and SIGINT: bye to every client, close, exit 0 (within the contract's 10 s). */
    private static void installStopHandler(ChatServer server) {
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            log().info("stopping: saying bye to {} connection(s)", server.metrics().connections.get());
            server.stop().onComplete(ar -> stopped.countDown());
            try {
                if (!stopped.await(8, TimeUnit.SECONDS)) {
                    log().warn("stop took over 8 s; exiting anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
                    Thread t = new Thread(() -> {
                        stop.run();
                        System.exit(0);
                    }, "chat-stop");
                    t.start();
                });
            } catch (IllegalArgumentException e) {
                log().debug("cannot handle SIG{}: {}", sig, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "chat-shutdown"));
    }

    /** The store's refusal to start, if that is what stopped the start. */
    private static StoreStartException storeFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StoreStartException s) {
                return s;
            }
        }
        return null;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (Exception e) {
            return ServerConfig.DEFAULT_NAME;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> clean(List<String> members) {
        List<String> out = new ArrayList<>();
        for (String m : members) {
            if (!m.isBlank()) {
                out.add(m.trim());
            }
        }
        return out;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** picocli converter for 500ms / 30s / 2m. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli converter for process / fsync. */
    static final class DurabilityConverter implements CommandLine.ITypeConverter<Durability> {
        @Override
        public Durability convert(String value) {
            try {
                return Durability.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli converter for 30d / 12h / off. */
    static final class MaxAgeConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return StoreConfig.parseMaxAge(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli converter for auto (0) / 64m / 2g. */
    static final class MemoryConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.trim().equalsIgnoreCase(ServerConfig.DEFAULT_HISTORY_MEMORY_TEXT)) {
                return ServerConfig.DEFAULT_HISTORY_MEMORY;
            }
            try {
                return Sizes.parseLong(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * picocli converter for a listener's port: 0..65535 (0 = any free port) or {@code off}
     * ({@link ServerConfig#PORT_OFF}: the listener is not started and the READY line leaves it out).
     */
    static final class PortOrOffConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase("off")) {
                return ServerConfig.PORT_OFF;
            }
            try {
                int port = Integer.parseInt(v);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a port: 0..65535 (0 = any free port) or off");
        }
    }

    /** picocli converter for a TLS listener that can follow {@code --tls-port}: {@code auto}, a port, or {@code off}. */
    static final class PortOrAutoConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().equalsIgnoreCase("auto")) {
                return ServerConfig.PORT_AUTO;
            }
            try {
                return new PortOrOffConverter().convert(value);
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a port: 0..65535 (0 = any free port), off or auto");
            }
        }
    }

    /** picocli converter for 65536 / 64k / 1m. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Sizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
