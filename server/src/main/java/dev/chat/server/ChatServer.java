package dev.chat.server;

import dev.chat.server.bus.LocalCodec;
import dev.chat.server.cluster.ClusterBootstrap;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Transport;
import dev.chat.server.http.HttpVerticle;
import dev.chat.server.metrics.ActivityLog;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.net.TcpTransport;
import dev.chat.server.net.VertxNetty;
import dev.chat.server.presence.BeaconVerticle;
import dev.chat.server.rooms.HubVerticle;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server node: a Vert.x instance with the hub, one {@link ChatLoop} per event loop
 * (each listening with every registered {@link Transport}), the UDP beacon listener and the HTTP
 * endpoint deployed. {@link #start} completes once every listener is bound; {@link #stop} goes
 * through Vert.x's close sequence (every connection gets {@code bye}).
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
    private final AtomicInteger httpPort = new AtomicInteger();
    private volatile String announcements = "";

    private ChatServer(Vertx vertx, ServerConfig config, String nodeId, List<Transport> transports) {
        this.vertx = vertx;
        this.config = config;
        this.nodeId = nodeId;
        this.metrics = new ServerMetrics();
        this.transports = List.copyOf(transports);
        List<Format> distinct = new ArrayList<>();
        for (Transport t : transports) {
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
                return launch(server, node.hubVerticle(config, server.metrics, server.lanes));
            });
        }
        Vertx vertx = Vertx.vertx(vertxOptions());
        String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ChatServer server = new ChatServer(vertx, config, nodeId, transports);
        return launch(server, new HubVerticle(config, nodeId, server.lanes));
    }

    private static Future<ChatServer> launch(ChatServer server, VerticleBase hub) {
        Promise<ChatServer> result = Promise.promise();
        server.deploy(hub).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(server);
                return;
            }
            // close from outside Vert.x: a close awaited on an event loop would never complete
            Thread abort = new Thread(() -> server.vertx.close().toCompletionStage()
                    .whenComplete((v, e) -> result.fail(ar.cause())), "chat-abort");
            abort.start();
        });
        return result.future();
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

    private Future<Void> deploy(VerticleBase hub) {
        // a failure no handler caught: logged once with its stack, never silent
        vertx.exceptionHandler(e -> LOG.error("unhandled failure on an event loop", e));
        logTransport();
        vertx.eventBus().registerCodec(new LocalCodec());
        metrics.gauge("chat_tcp_event_loops", "Event loops serving chat connections (each owns its connections).",
                config::tcpInstances);
        metrics.gauge("chat_jvm_threads", "Live JVM threads: compare with chat_connections.",
                ManagementFactory.getThreadMXBean()::getThreadCount);
        AtomicInteger nextLoop = new AtomicInteger();
        BeaconVerticle[] beacon = new BeaconVerticle[1];
        return vertx.deployVerticle(hub)
                .compose(id -> vertx.deployVerticle(
                        () -> new ChatLoop(config, metrics, nextLoop.getAndIncrement(), lanes, transports, formats,
                                (t, port) -> ports.put(t.name(), port)),
                        new DeploymentOptions().setInstances(config.tcpInstances())))
                .compose(id -> {
                    beacon[0] = new BeaconVerticle(config, metrics, nodeId, tcpPort(), udpPort::set);
                    return vertx.deployVerticle(beacon[0]);
                })
                .compose(id -> vertx.deployVerticle(new HttpVerticle(config, metrics, nodeId, httpPort::set)))
                .onSuccess(id -> {
                    announcements = beacon[0].announcements();
                    new ActivityLog(metrics).start(vertx);
                })
                .mapEmpty();
    }

    /** Stops the node through Vert.x's close sequence: connections get {@code bye}, then everything closes. */
    public Future<Void> stop() {
        return vertx.close();
    }

    /** The line printed on stdout once every listener is bound. */
    public String readyLine() {
        String h = config.host();
        StringBuilder line = new StringBuilder("READY tcp=" + h + ":" + tcpPort() + " udp=" + h + ":" + udpPort.get()
                + " http=" + h + ":" + httpPort.get());
        for (Transport t : transports) {
            if (!t.name().equals("tcp")) {
                line.append(' ').append(t.name()).append('=').append(h).append(':').append(port(t.name()));
            }
        }
        return line.append(" node=").append(nodeId).toString();
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
            if (!t.name().equals("tcp")) {
                line.append(", ").append(t.name()).append(' ').append(port(t.name()));
            }
        }
        return line.append(", udp ").append(udpPort.get()).append(", http ").append(httpPort.get())
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
        return httpPort.get();
    }

    public String nodeId() {
        return nodeId;
    }

    public ServerMetrics metrics() {
        return metrics;
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
