package dev.chat.server.http;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.core.ListenException;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoreHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * {@code GET /health} (JSON) and {@code GET /metrics} (Prometheus text). Nothing else.
 *
 * <p>{@code /health}: {@code status} is {@code "up"}, or {@code "degraded"} while the store's
 * writes fail (the server still serves: reads work, {@code say} gets {@code unavailable}); HTTP 200
 * either way. {@code store} says which store, its own status and its last error.
 */
public final class HttpVerticle extends VerticleBase {
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private final IntConsumer boundPort;
    private final Supplier<MessageStore> store;
    private final java.util.List<java.util.function.Consumer<JsonObject>> healthFields =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** @param store the node's store (null: none to report) */
    public HttpVerticle(ServerConfig config, ServerMetrics metrics, String nodeId, IntConsumer boundPort,
                        Supplier<MessageStore> store) {
        this.config = config;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.boundPort = boundPort;
        this.store = store;
    }

    /**
     * Adds fields to every {@code /health} answer (called at each request, on this verticle's
     * context): e.g. {@code tls_port} and {@code tls_fingerprint}. Before deployment.
     */
    public HttpVerticle healthFields(java.util.function.Consumer<JsonObject> fields) {
        healthFields.add(fields);
        return this;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(config.httpPort(), config.host())
                .recover(e -> Future.failedFuture(new ListenException("--http-port", config.host(), config.httpPort(), e)))
                .onSuccess(s -> boundPort.accept(s.actualPort()));
    }

    private JsonObject health() {
        MessageStore s = store.get();
        StoreHealth h = s == null ? null : s.health();
        JsonObject out = new JsonObject()
                .put("status", h == null || h.ok() ? "up" : StoreHealth.DEGRADED)
                .put("node", nodeId)
                .put("connections", metrics.connections.get());
        healthFields.forEach(f -> f.accept(out));
        if (h != null) {
            JsonObject st = new JsonObject().put("status", h.status()).put("store", h.store())
                    .put("since_ms", h.sinceMs()).put("queue_depth", s.queueDepth());
            if (h.lastError() != null) {
                st.put("last_error", h.lastError()).put("last_error_kind", h.lastErrorKind().label())
                        .put("last_error_at_ms", h.lastErrorAtMs());
            }
            out.put("store", st);
        }
        return out;
    }

    private void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        switch (req.path()) {
            case "/health" -> req.response()
                    .putHeader("Content-Type", "application/json")
                    .end(health().encode());
            case "/metrics" -> req.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.render());
            default -> req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("not found\n");
        }
    }
}
