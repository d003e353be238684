package dev.chat.server;

import dev.chat.server.bus.LocalCodec;
import dev.chat.server.cluster.ClusterBootstrap;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Transport;
import dev.chat.server.http.WebTransport;
import dev.chat.server.ircnet.IrcTransport;
import dev.chat.server.metrics.ActivityLog;
import dev.chat.server.metrics.EventLoopDelay;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.metrics.StoreMetricsView;
import dev.chat.server.net.TcpTransport;
import dev.chat.server.net.VertxNetty;
import dev.chat.server.presence.BeaconVerticle;
import dev.chat.server.rooms.HubVerticle;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoreCounters;
import dev.chat.server.store.Stores;
import dev.chat.server.tls.CertificateException;
import dev.chat.server.tls.HandshakeFailures;
import dev.chat.server.tls.ServerTls;
import dev.chat.server.tls.TlsSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server node: a Vert.x instance with the node's store open ({@code --store}), the
 * UDP beacon listener, the hub and one {@link ChatLoop} per event loop (each listening with every
 * registered {@link Transport}, and with the HTTP port's {@link WebTransport}) deployed, in that order: the store is open
 * before any chat listener, and the hub knows the bound UDP port ({@code welcome.udp_port})
 * before any client can say {@code hello}. {@link #start} completes once every listener is bound
 * and announcements started; {@link #stop} stops the verticles (every connection gets
 * {@code bye}), then closes the store (committing what it accepted), then Vert.x.
 */
public final class ChatServer {
    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
    private final Vertx vertx;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private final List<Transport> transports;
    private final Lanes lanes;
    private final List<Format> formats;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final AtomicInteger udpPort = new AtomicInteger();
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private final StoreCounters storeCounters = new StoreCounters();
    private volatile MessageStore store;
    private volatile String announcements = "";
    /** The TLS port's transport ({@code --tls-port}), or null. */
    private final TcpTransport tlsTransport;
    /** The certificate every TLS listener serves (framed, IRC, HTTPS), or null when none is on. */
    private final ServerTls tls;

    private ChatServer(Vertx vertx, ServerConfig config, String nodeId, List<Transport> transports, ServerTls tls) {
        this.vertx = vertx;
        this.config = config;
        this.nodeId = nodeId;
        this.metrics = new ServerMetrics();
        this.tls = tls;
        List<Transport> all = new ArrayList<>(transports);
        // the HTTP port: /health, /metrics, the pages, /api/* and /ws (a session of the loop that accepted it)
        WebTransport web = new WebTransport(config, nodeId, this::store, this::tcpPort).healthFields(this::tlsHealth);
        all.add(web);
        if (tls != null && config.httpsListenPort() != ServerConfig.PORT_OFF) {
            all.add(web.https(tls)); // the same routes inside TLS, wss:// for /ws
        }
        this.transports = List.copyOf(all);
        List<Format> distinct = new ArrayList<>();
        for (Transport t : this.transports) {
            if (!distinct.contains(t.format())) {
                distinct.add(t.format());
            }
        }
        this.formats = List.copyOf(distinct);
        this.lanes = new Lanes(config.tcpInstances(), formats.size());
        this.tlsTransport = transports.stream()
                .filter(t -> t instanceof TcpTransport tcp && tcp.serverTls() != null)
                .map(TcpTransport.class::cast).findFirst().orElse(null);
    }

    /**
     * Starts a node with the transports {@code config} asks for ({@link #transports}), TLS with the
     * self-signed certificate in {@code --data-dir} (made at its first start). Blocks while it
     * loads (or makes) the certificate.
     */
    public static Future<ChatServer> start(ServerConfig config) {
        ServerTls tls;
        try {
            tls = !config.needsTls() ? null
                    : ServerTls.load(TlsSettings.selfSigned(config.dataDir(), certificateNames(config)), true);
        } catch (CertificateException e) {
            return Future.failedFuture(e);
        }
        return start(config, tls);
    }

    /** Starts a node with the transports {@code config} asks for, every TLS listener with {@code tls} (null: none). */
    public static Future<ChatServer> start(ServerConfig config, ServerTls tls) {
        return start(config, transports(config, tls), tls);
    }

    /**
     * As {@link #start(ServerConfig, ServerTls)}; with {@code clusterTls} the event bus between
     * cluster nodes runs inside TLS with {@code tls}'s certificate, required of both sides
     * ({@code --cluster-tls}).
     */
    public static Future<ChatServer> start(ServerConfig config, ServerTls tls, boolean clusterTls) {
        if (clusterTls && (tls == null || !config.cluster())) {
            return Future.failedFuture(new IllegalArgumentException("--cluster-tls needs --cluster and a certificate"));
        }
        return start(config, transports(config, config.needsTls() ? tls : null), tls, clusterTls ? tls : null);
    }

    /**
     * The transports {@code config} asks for: framed JSON over plaintext TCP unless
     * {@code --tcp-port off}, inside TLS with {@code tls} unless {@code --tls-port off} (or
     * {@code tls} is null), IRC unless {@code --irc-port off}, and IRC inside TLS with {@code tls}
     * unless {@code --irc-tls-port off}. (The HTTP and HTTPS ports are added by the server.)
     */
    public static List<Transport> transports(ServerConfig config, ServerTls tls) {
        List<Transport> list = new ArrayList<>();
        TcpTransport tcp = null;
        if (config.tcpPort() != ServerConfig.PORT_OFF) {
            tcp = new TcpTransport(config);
            list.add(tcp);
        }
        if (tls != null && config.tlsPort() != ServerConfig.PORT_OFF) {
            list.add(TcpTransport.tls(config, tls));
        }
        if (config.ircPort() != ServerConfig.PORT_OFF) {
            TcpTransport framed = tcp;
            IrcTransport irc = new IrcTransport(config, () -> framed == null ? 0 : framed.boundPort());
            if (tcp != null) {
                tcp.ircPort(irc::boundPort); // the answer to text at the framed port names the IRC port
            }
            list.add(irc);
        }
        if (tls != null && config.ircTlsListenPort() != ServerConfig.PORT_OFF) {
            TcpTransport framed = tcp;
            list.add(IrcTransport.tls(config, () -> framed == null ? 0 : framed.boundPort(), tls));
        }
        return list;
    }

    /** What a self-signed certificate names besides the host name and loopback: the bound and advertised addresses. */
    public static List<String> certificateNames(ServerConfig config) {
        List<String> names = new ArrayList<>();
        for (String a : new String[] {config.host(), config.clusterHost()}) {
            if (a != null && !a.isBlank() && !a.equals("0.0.0.0") && !a.equals("::") && !names.contains(a)) {
                names.add(a);
            }
        }
        return names;
    }

    /**
     * Starts a node with these transports (the framed-JSON TCP one first); the future fails if
     * any listener cannot bind. With {@code --cluster} it first joins the cluster (Hazelcast) and
     * completes only once this node has the cluster's rooms.
     */
    public static Future<ChatServer> start(ServerConfig config, List<Transport> transports) {
        ServerTls tls = transports.stream().filter(t -> t instanceof TcpTransport tcp && tcp.serverTls() != null)
                .map(t -> ((TcpTransport) t).serverTls()).findFirst().orElse(null);
        return start(config, transports, tls);
    }

    /** As {@link #start(ServerConfig, List)}; {@code tls} also serves {@code --https-port} (null: no HTTPS). */
    public static Future<ChatServer> start(ServerConfig config, List<Transport> transports, ServerTls tls) {
        return start(config, transports, tls, null);
    }

    private static Future<ChatServer> start(ServerConfig config, List<Transport> transports, ServerTls tls,
                                            ServerTls busTls) {
        if (config.cluster()) {
            return ClusterBootstrap.start(config, vertxOptions(), busTls).compose(node -> {
                ChatServer server = new ChatServer(node.vertx(), config, node.nodeId(), transports, tls);
                // the cluster's hub keeps its rooms in memory and on server.store() (cluster.RoomStore)
                return launch(server, bound -> node.hubVerticle(bound, server.metrics, server.lanes, server.store));
            });
        }
        Vertx vertx = Vertx.vertx(vertxOptions());
        String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ChatServer server = new ChatServer(vertx, config, nodeId, transports, tls);
        return launch(server, bound -> new HubVerticle(bound, nodeId, server.lanes, server.store, server.metrics));
    }

    /**
     * Opens the store, then deploys everything.
     *
     * @param hub makes the hub verticle from the configuration with the bound UDP port (its
     *     {@code udpPort()} is the actual port: what {@code welcome.udp_port} says)
     */
    private static Future<ChatServer> launch(ChatServer server, Function<ServerConfig, VerticleBase> hub) {
        Promise<ChatServer> result = Promise.promise();
        server.openStore().compose(v -> server.deploy(hub)).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(server);
                return;
            }
            // close from outside Vert.x: a close awaited on an event loop would never complete
            Thread abort = new Thread(() -> server.closeStore().transform(x -> server.vertx.close()).toCompletionStage()
                    .whenComplete((v, e) -> result.fail(ar.cause())), "chat-abort");
            abort.start();
        });
        return result.future();
    }

    /**
     * Opens (creates, checks, migrates) the store {@code --store} names. Fails with a
     * {@link dev.chat.server.store.StoreStartException} saying what is wrong with the data
     * directory, the database file or the PostgreSQL server: exit status 2.
     */
    private Future<Void> openStore() {
        return Stores.open(vertx, config.storeConfig(), storeCounters).map(s -> {
            store = s;
            metrics.section(new StoreMetricsView(storeCounters, s));
            LOG.info("history: {}, at most {} messages per room{}, {} MiB in memory", s.describe(),
                    config.historyLimit(), config.historyMaxAge().isZero() ? ""
                            : ", none older than " + dev.chat.protocol.Durations.format(config.historyMaxAge()),
                    config.historyMemoryBytes() >> 20);
            return null;
        });
    }

    private Future<Void> closeStore() {
        MessageStore s = store;
        return s == null ? Future.succeededFuture() : s.close();
    }

    /**
     * Event loops (two per core, so that the hub and the presence listener do not share one with a
     * busy chat loop), and Netty's native transport (epoll on Linux) when it loads: its channels
     * cost less memory per connection than NIO's. Elsewhere Vert.x uses NIO; {@link #logTransport}
     * says which.
     */
    private static VertxOptions vertxOptions() {
        return new VertxOptions()
                .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors() * 2))
                .setPreferNativeTransport(true);
    }

    private void logTransport() {
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("transport: {} (native)", VertxNetty.transportName(vertx));
        } else {
            Throwable why = vertx.unavailableNativeTransportCause();
            while (why != null && why.getCause() != null && why.getCause() != why) {
                why = why.getCause(); // the root cause says why (an ExceptionInInitializerError does not)
            }
            LOG.info("transport: nio (the native transport is not available: {})", why == null ? "unknown" : why.toString());
        }
    }

    private Future<Void> deploy(Function<ServerConfig, VerticleBase> hub) {
        // a failure no handler caught: logged once with its stack, never silent
        vertx.exceptionHandler(e -> LOG.error("unhandled failure on an event loop", e));
        logTransport();
        vertx.eventBus().registerCodec(new LocalCodec());
        metrics.gauge("chat_tcp_event_loops", "Event loops serving chat connections (each owns its connections).",
                config::tcpInstances);
        metrics.gauge("chat_jvm_threads", "Live JVM threads: compare with chat_connections.",
                ManagementFactory.getThreadMXBean()::getThreadCount);
        AtomicInteger nextLoop = new AtomicInteger();
        BeaconVerticle beacon = new BeaconVerticle(config, metrics, nodeId, udpPort::set);
        return deployed(vertx.deployVerticle(beacon))
                .compose(id -> deployed(vertx.deployVerticle(hub.apply(config.toBuilder().udpPort(udpPort.get()).build()))))
                .compose(id -> deployed(vertx.deployVerticle(
                        () -> new ChatLoop(config, metrics, nextLoop.getAndIncrement(), lanes, transports, formats,
                                (t, port) -> ports.put(t.name(), port)),
                        new DeploymentOptions().setInstances(config.tcpInstances()))))
                .compose(id -> tlsTransport == null ? beacon.announce(tcpPort(), port("irc"))
                        // TLS only: the announcement's chat port is the TLS one (a client without TLS gets tls_required)
                        : beacon.announce(tcpPort() > 0 ? tcpPort() : tlsPort(), tlsPort(), this::tlsFingerprint,
                                port("irc")))
                .onSuccess(v -> {
                    announcements = beacon.announcements();
                    new ActivityLog(metrics).start(vertx);
                    new EventLoopDelay(metrics).start(VertxNetty.eventLoops(vertx));
                    if (tls != null) {
                        tlsMetrics(tls);
                        tls.watch(vertx);
                    }
                });
    }

    /** {@code /health}: the TLS port and its certificate, when there is one. */
    private void tlsHealth(io.vertx.core.json.JsonObject health) {
        if (tlsTransport != null && tlsPort() > 0) {
            health.put("tls_port", tlsPort()).put("tls_fingerprint", tlsFingerprint());
        }
        if (tls != null && port("https") > 0) {
            health.put("https_port", port("https"));
        }
        if (tls != null && port("ircs") > 0) {
            health.put("irc_tls_port", port("ircs"));
        }
        if (tls != null && !health.containsKey("tls_fingerprint")) {
            health.put("tls_fingerprint", tls.fingerprint());
        }
    }

    /**
     * {@code chat_tls_handshakes_failed_total{kind}}: connections to a TLS port (framed, IRC,
     * HTTPS) that never completed a handshake.
     */
    private void tlsMetrics(ServerTls failures) {
        metrics.section(b -> {
            b.append("# HELP chat_tls_handshakes_failed_total Connections to a TLS port that did not complete a "
                    + "TLS handshake, by why (plaintext_frame: a client without TLS).\n")
                    .append("# TYPE chat_tls_handshakes_failed_total counter\n");
            for (HandshakeFailures.Kind k : HandshakeFailures.Kind.values()) {
                b.append("chat_tls_handshakes_failed_total{kind=\"").append(k.name().toLowerCase(java.util.Locale.ROOT))
                        .append("\"} ").append(failures.failedHandshakes(k)).append('\n');
            }
        });
    }

    private Future<String> deployed(Future<String> deployment) {
        return deployment.onSuccess(deployments::add);
    }

    /**
     * Stops the node: undeploys the verticles in the reverse order of their start, each once the
     * one after it is gone (the loops first: every listener, HTTP included, stops accepting and
     * every connection gets {@code bye}; then the hub, which no loop asks anything any more, so no
     * request is dropped on an address nobody listens to; then presence), closes the store (which
     * commits every message it accepted), then closes Vert.x.
     */
    public Future<Void> stop() {
        if (tls != null) {
            tls.close();
        }
        List<String> ids = new ArrayList<>(deployments);
        java.util.Collections.reverse(ids);
        Future<Void> undeployed = Future.succeededFuture();
        for (String id : ids) {
            undeployed = undeployed.transform(x -> vertx.undeploy(id));
        }
        return undeployed.transform(x -> closeStore()).transform(x -> vertx.close());
    }

    /** The line printed on stdout once every listener is bound. */
    public String readyLine() {
        String h = config.host();
        // the first four fields never move; every other listener comes after node=, as name=ip:port
        // (docs/PROTOCOL.md: readers take fields by name and ignore the ones they do not know);
        // with --tcp-port off, tcp= is left out, like every listener that is off
        StringBuilder line = new StringBuilder("READY");
        if (hasTcp()) {
            line.append(" tcp=").append(h).append(':').append(tcpPort());
        }
        line.append(" udp=").append(h).append(':').append(udpPort.get())
                .append(" http=").append(h).append(':').append(httpPort()).append(" node=").append(nodeId);
        for (Transport t : transports) {
            if (!t.name().equals("tcp") && !t.name().equals("http")) {
                line.append(' ').append(t.name()).append('=').append(h).append(':').append(port(t.name()));
            }
        }
        return line.toString();
    }

    /**
     * The line printed on stderr at start: which interfaces the listeners are bound to and which
     * one the announcements use.
     */
    public String bindLine() {
        String where;
        try {
            where = InetAddress.getByName(config.host()).isAnyLocalAddress()
                    ? config.host() + " (every interface)" : config.host() + " (that interface only)";
        } catch (java.net.UnknownHostException e) {
            where = config.host();
        }
        StringBuilder line = new StringBuilder("chat server: listening on " + where + ":");
        String sep = " ";
        for (Transport t : transports) {
            if (!t.name().equals("http")) {
                line.append(sep).append(t.name()).append(' ').append(port(t.name()));
                sep = ", ";
            }
        }
        return line.append(", udp ").append(udpPort.get()).append(", http ").append(httpPort())
                .append("; announcements: ").append(announcements).toString();
    }

    public int tcpPort() {
        return port("tcp");
    }

    private boolean hasTcp() {
        return transports.stream().anyMatch(t -> t.name().equals("tcp"));
    }

    /** The TLS port ({@code --tls-port}), 0 when there is none. */
    public int tlsPort() {
        return tlsTransport == null ? 0 : port("tls");
    }

    /** {@code SHA256:...} of the TLS port's certificate now, or null without a TLS port. */
    public String tlsFingerprint() {
        return tlsTransport == null ? null : tlsTransport.serverTls().fingerprint();
    }

    /** The node's TLS (certificate, engine, reload), or null without a TLS port. */
    public ServerTls serverTls() {
        return tls;
    }

    /** The port a transport is bound to (0 before it is). */
    public int port(String transport) {
        return ports.getOrDefault(transport, 0);
    }

    public int udpPort() {
        return udpPort.get();
    }

    public int httpPort() {
        return port("http");
    }

    public String nodeId() {
        return nodeId;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * The node's store ({@code --store}), open from before the first listener is bound until
     * {@link #stop} closes it; null before it is open. Where a hub backend keeps the rooms'
     * messages and numbering ({@link MessageStore}).
     */
    public MessageStore store() {
        return store;
    }

    public ServerConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Lanes of this node (loops x formats): what a hub backend groups recipients by. */
    public Lanes lanes() {
        return lanes;
    }
}
