package dev.chat.server;

import dev.chat.server.bus.LocalCodec;
import dev.chat.server.cluster.ClusterBootstrap;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Transport;
import dev.chat.server.http.WebTransport;
import dev.chat.server.metrics.ActivityLog;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.metrics.StoreMetricsView;
import dev.chat.server.net.TcpTransport;
import dev.chat.server.net.VertxNetty;
import dev.chat.server.presence.BeaconVerticle;
import dev.chat.server.rooms.HubVerticle;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoreCounters;
import dev.chat.server.store.Stores;
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

    private ChatServer(Vertx vertx, ServerConfig config, String nodeId, List<Transport> transports) {
        this.vertx = vertx;
        this.config = config;
        this.nodeId = nodeId;
        this.metrics = new ServerMetrics();
        List<Transport> all = new ArrayList<>(transports);
        // the HTTP port: /health, /metrics, the pages, /api/* and /ws (a session of the loop that accepted it)
        all.add(new WebTransport(config, nodeId, this::store, this::tcpPort));
        this.transports = List.copyOf(all);
        List<Format> distinct = new ArrayList<>();
        for (Transport t : this.transports) {
            if (!distinct.contains(t.format())) {
                distinct.add(t.format());
            }
        }
        this.formats = List.copyOf(distinct);
        this.lanes = new Lanes(config.tcpInstances(), formats.size());
    }

    /** Starts a node with the framed-JSON TCP transport ({@code --tcp-port}). */
    public static Future<ChatServer> start(ServerConfig config) {
        return start(config, List.of(new TcpTransport(config)));
    }

    /**
     * Starts a node with these transports (the framed-JSON TCP one first); the future fails if
     * any listener cannot bind. With {@code --cluster} it first joins the cluster (Hazelcast) and
     * completes only once this node has the cluster's rooms.
     */
    public static Future<ChatServer> start(ServerConfig config, List<Transport> transports) {
        if (config.cluster()) {
            return ClusterBootstrap.start(config, vertxOptions()).compose(node -> {
                ChatServer server = new ChatServer(node.vertx(), config, node.nodeId(), transports);
                // the cluster's hub keeps its rooms in memory until it persists them through server.store()
                return launch(server, bound -> node.hubVerticle(bound, server.metrics, server.lanes));
            });
        }
        Vertx vertx = Vertx.vertx(vertxOptions());
        String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ChatServer server = new ChatServer(vertx, config, nodeId, transports);
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
                .compose(id -> beacon.announce(tcpPort()))
                .onSuccess(v -> {
                    announcements = beacon.announcements();
                    new ActivityLog(metrics).start(vertx);
                });
    }

    private Future<String> deployed(Future<String> deployment) {
        return deployment.onSuccess(deployments::add);
    }

    /**
     * Stops the node: undeploys the verticles (each listener stops accepting and every connection
     * gets {@code bye}; the hub settles what it can), closes the store (which commits every message
     * it accepted), then closes Vert.x.
     */
    public Future<Void> stop() {
        List<Future<Void>> undeployed = new ArrayList<>();
        for (String id : deployments) {
            undeployed.add(vertx.undeploy(id));
        }
        return Future.join(undeployed).transform(x -> closeStore()).transform(x -> vertx.close());
    }

    /** The line printed on stdout once every listener is bound. */
    public String readyLine() {
        String h = config.host();
        // the first four fields never move; every other listener comes after node=, as name=ip:port
        // (docs/PROTOCOL.md: readers take fields by name and ignore the ones they do not know)
        StringBuilder line = new StringBuilder("READY tcp=" + h + ":" + tcpPort() + " udp=" + h + ":" + udpPort.get()
                + " http=" + h + ":" + httpPort() + " node=" + nodeId);
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
        StringBuilder line = new StringBuilder("chat server: listening on " + where + ": tcp " + tcpPort());
        for (Transport t : transports) {
            if (!t.name().equals("tcp") && !t.name().equals("http")) {
                line.append(", ").append(t.name()).append(' ').append(port(t.name()));
            }
        }
        return line.append(", udp ").append(udpPort.get()).append(", http ").append(httpPort())
                .append("; announcements: ").append(announcements).toString();
    }

    public int tcpPort() {
        return port("tcp");
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
