package dev.chat.server;

import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.http.HttpVerticle;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.net.TcpVerticle;
import dev.chat.server.presence.BeaconVerticle;
import dev.chat.server.rooms.HubVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running server node: a Vert.x instance with the hub, the TCP loops, the UDP beacon
 * listener and the HTTP endpoint deployed. {@link #start} completes once every listener is
 * bound; {@link #stop} says {@code bye} to every client and closes everything.
 */
public final class ChatServer {
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

    /** Starts a node; the future fails if any listener cannot bind. */
    public static Future<ChatServer> start(ServerConfig config) {
        if (config.cluster()) {
            return Future.failedFuture(new IllegalStateException("clustering is not available in this build yet"));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(
                Math.max(2, Runtime.getRuntime().availableProcessors() * 2)));
        String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ChatServer server = new ChatServer(vertx, config, nodeId);
        Promise<ChatServer> result = Promise.promise();
        server.deploy().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(server);
                return;
            }
            // close from outside Vert.x: a close awaited on an event loop would never complete
            Thread abort = new Thread(() -> vertx.close().toCompletionStage()
                    .whenComplete((v, e) -> result.fail(ar.cause())), "chat-abort");
            abort.start();
        });
        return result.future();
    }

    private Future<Void> deploy() {
        vertx.eventBus().registerCodec(new LocalCodec());
        metrics.gauge("chat_tcp_event_loops", "Event loops serving TCP clients (each owns its connections).",
                config::tcpInstances);
        metrics.gauge("chat_jvm_threads", "Live JVM threads: compare with chat_connections.",
                ManagementFactory.getThreadMXBean()::getThreadCount);
        AtomicInteger nextLoop = new AtomicInteger();
        return vertx.deployVerticle(new HubVerticle(config, nodeId))
                .compose(id -> vertx.deployVerticle(
                        () -> new TcpVerticle(config, metrics, nextLoop.getAndIncrement(), tcpPort::set),
                        new DeploymentOptions().setInstances(config.tcpInstances())))
                .compose(id -> vertx.deployVerticle(new BeaconVerticle(config, metrics, udpPort::set)))
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
