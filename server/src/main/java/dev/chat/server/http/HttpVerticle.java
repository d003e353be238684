package dev.chat.server.http;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.core.ListenException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.IntConsumer;

/** {@code GET /health} (JSON) and {@code GET /metrics} (Prometheus text). Nothing else. */
public final class HttpVerticle extends VerticleBase {
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private final IntConsumer boundPort;

    public HttpVerticle(ServerConfig config, ServerMetrics metrics, String nodeId, IntConsumer boundPort) {
        this.config = config;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(config.httpPort(), config.host())
                .recover(e -> Future.failedFuture(new ListenException("--http-port", config.host(), config.httpPort(), e)))
                .onSuccess(s -> boundPort.accept(s.actualPort()));
    }

    private void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        switch (req.path()) {
            case "/health" -> req.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("status", "up")
                            .put("node", nodeId)
                            .put("connections", metrics.connections.get())
                            .encode());
            case "/metrics" -> req.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.render());
            default -> req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("not found\n");
        }
    }
}
