package dev.chat.server.http;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoreHealth;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the HTTP port answers (docs/WEB.md, "Routes"), one router per loop:
 * <ul>
 *   <li>{@code GET /health} (JSON) and {@code GET /metrics} (Prometheus text), as ever;
 *   <li>{@code GET /ws}, the WebSocket endpoint ({@link WebTransport});
 *   <li>unless {@code --no-web}: the pages {@code /} and {@code /network}, {@code /assets/**} and
 *       {@code /webjars/**} from the jar, and {@code /api/*} ({@link NetworkApi}).
 * </ul>
 * Every answer carries the security headers of {@link #CSP} and the rest; anything else is 404,
 * a method other than GET or HEAD is 405.
 *
 * <p>{@code /health}: {@code status} is {@code "up"}, or {@code "degraded"} while the store's
 * writes fail (the server still serves: reads work, {@code say} gets {@code unavailable}); HTTP 200
 * either way. {@code store} says which store, its own status and its last error.
 */
final class WebRoutes {
    /** The pages work under exactly this policy: no inline script or style, every script a module file. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    static final String JSON = "application/json; charset=utf-8";

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private final Supplier<MessageStore> store;
    private final Router router;
    private final List<java.util.function.Consumer<JsonObject>> healthFields;

    /**
     * @param pages the two pages' bytes ({@link #readPages}), by resource name
     * @param healthFields what else every {@code /health} answer carries ({@link WebTransport#healthFields})
     */
    WebRoutes(ChatLoop loop, ServerConfig config, String nodeId, Supplier<MessageStore> store, IntSupplier tcpPort,
              Handler<RoutingContext> webSocket, Map<String, Buffer> pages,
              List<java.util.function.Consumer<JsonObject>> healthFields) {
        this.healthFields = healthFields;
        this.config = config;
        this.metrics = loop.metrics();
        this.nodeId = nodeId;
        this.store = store;
        Router r = Router.router(loop.vertx());
        r.route().handler(this::common);
        get(r, "/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(health().encode()));
        get(r, "/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.render()));
        r.get("/ws").handler(webSocket);
        if (config.web()) {
            new NetworkApi(loop, config, nodeId, tcpPort).routes(r);
            get(r, "/").handler(page(pages.get(INDEX)));
            get(r, "/network").handler(page(pages.get(NETWORK)));
            get(r, "/assets/*").handler(StaticHandler.create("web/assets").setDefaultContentEncoding("UTF-8"));
            get(r, "/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setDefaultContentEncoding("UTF-8"));
        }
        r.route().last().handler(ctx -> ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
                .end("not found\n"));
        this.router = r;
    }

    Router router() {
        return router;
    }

    /** A route for GET and HEAD (Vert.x leaves the body out of a HEAD answer). */
    private static io.vertx.ext.web.Route get(Router r, String path) {
        return r.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
    }

    /** Security headers on every answer; 405 for anything but GET and HEAD. */
    private void common(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        ctx.addHeadersEndHandler(v -> res.putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY"));
        HttpMethod m = ctx.request().method();
        if (m != HttpMethod.GET && m != HttpMethod.HEAD) {
            res.setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
        }
        ctx.next();
    }

    private static Handler<RoutingContext> page(Buffer html) {
        return ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html);
    }

    static final String INDEX = "web/index.html";
    static final String NETWORK = "web/network.html";

    /** The two pages from the jar (blocking: run it on a worker). */
    static Map<String, Buffer> readPages() throws IOException {
        Map<String, Buffer> out = new HashMap<>();
        for (String name : List.of(INDEX, NETWORK)) {
            try (InputStream in = WebRoutes.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException(name + " is missing from the server's jar");
                }
                out.put(name, Buffer.buffer(in.readAllBytes()));
            }
        }
        return out;
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
}
