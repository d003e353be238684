package dev.chat.server;

import dev.chat.server.bus.LocalCodec;
import dev.chat.server.cluster.ClusterBootstrap;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.http.HttpVerticle;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.net.TcpVerticle;
import dev.chat.server.presence.BeaconVerticle;
import dev.chat.server.rooms.HubVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server node: a Vert.x instance with the hub, the TCP loops, the UDP beacon
 * listener and the HTTP endpoint deployed. {@link #start} completes once every listener is
 * bound; {@link #stop} says {@code bye} to every client and closes everything.
 */
public final class ChatServer {
    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
    private final Vertx vertx;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private final AtomicInteger tcpPort = new AtomicInteger();
    private final AtomicInteger udpPort = new AtomicInteger();
    private final AtomicInteger httpPort = new AtomicInteger();

    private ChatServer(Vertx vertx, ServerConfig config, String nodeId) {
        this.vertx = vertx;
        this.config = config;
        this.nodeId = nodeId;
        this.metrics = new ServerMetrics();
    }

    /**
     * Starts a node; the future fails if any listener cannot bind. With {@code --cluster} it first
     * joins the cluster (Hazelcast) and completes only once this node has the cluster's rooms.
     */
    public static Future<ChatServer> start(ServerConfig config) {
        if (config.cluster()) {
            return ClusterBootstrap.start(config, vertxOptions()).compose(node -> {
                ChatServer server = new ChatServer(node.vertx(), config, node.nodeId());
                return launch(server, node.hubVerticle(config, server.metrics()));
            });
        }
        Vertx vertx = Vertx.vertx(vertxOptions());
        String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return launch(new ChatServer(vertx, config, nodeId), new HubVerticle(config, nodeId));
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
     * Event loops, and Netty's native transport (epoll on Linux) when it loads: its channels cost
     * less memory per connection than NIO's. Elsewhere, or if the library cannot load, Vert.x
     * uses NIO; {@link #logTransport} says which.
     */
    private static VertxOptions vertxOptions() {
        return new VertxOptions()
                .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors() * 2))
                .setPreferNativeTransport(true);
    }

    private void logTransport() {
        if (vertx.isNativeTransportEnabled()) {
            String name = ((VertxInternal) vertx).transport().getClass().getSimpleName();
            LOG.info("transport: {} (native)", name.replace("Transport", "").toLowerCase(java.util.Locale.ROOT));
        } else {
            Throwable why = vertx.unavailableNativeTransportCause();
            while (why != null && why.getCause() != null && why.getCause() != why) {
                why = why.getCause(); // the root cause says why (an ExceptionInInitializerError does not)
            }
            LOG.info("transport: nio (the native transport is not available: {})", why == null ? "unknown" : why.toString());
        }
    }

    private Future<Void> deploy(VerticleBase hub) {
        logTransport();
        vertx.eventBus().registerCodec(new LocalCodec());
        metrics.gauge("chat_tcp_event_loops", "Event loops serving TCP clients (each owns its connections).",
                config::tcpInstances);
        metrics.gauge("chat_jvm_threads", "Live JVM threads: compare with chat_connections.",
                ManagementFactory.getThreadMXBean()::getThreadCount);
        AtomicInteger nextLoop = new AtomicInteger();
        return vertx.deployVerticle(hub)
                .compose(id -> vertx.deployVerticle(
                        () -> new TcpVerticle(config, metrics, nextLoop.getAndIncrement(), tcpPort::set),
                        new DeploymentOptions().setInstances(config.tcpInstances())))
                .compose(id -> vertx.deployVerticle(new BeaconVerticle(config, metrics, nodeId, tcpPort.get(), udpPort::set)))
                .compose(id -> vertx.deployVerticle(new HttpVerticle(config, metrics, nodeId, httpPort::set)))
                .mapEmpty();
    }

    /** Says bye to every client, undeploys everything and closes Vert.x. */
    public Future<Void> stop() {
        return vertx.close();
    }

    /** The line printed on stdout once every listener is bound. */
    public String readyLine() {
        String h = config.host();
        return "READY tcp=" + h + ":" + tcpPort.get() + " udp=" + h + ":" + udpPort.get()
                + " http=" + h + ":" + httpPort.get() + " node=" + nodeId;
    }

    public int tcpPort() {
        return tcpPort.get();
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
}
