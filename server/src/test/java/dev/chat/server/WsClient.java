package dev.chat.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A plain WebSocket client of {@code /ws} (Vert.x's), for tests: each text message received is
 * queued as JSON; the close status is kept. Blocking helpers, for test threads only.
 */
final class WsClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final java.util.Map<Vertx, WebSocketClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<Vertx, WebSocketClient> DEFLATE_CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    final WebSocket ws;
    private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    /** Messages skipped by {@link #next(Predicate)}, oldest first. */
    private final java.util.List<JsonObject> kept = new java.util.ArrayList<>();
    private volatile Short closeStatus;
    private long nextId;

    private WsClient(WebSocket ws) {
        this.ws = ws;
        ws.textMessageHandler(t -> received.add(new JsonObject(t)));
        ws.closeHandler(v -> closeStatus = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
    }

    /** Connects to {@code /ws} of the HTTP port, with this {@code Origin} (null: none). */
    static Future<WebSocket> connect(Vertx vertx, int httpPort, String origin) {
        return connect(vertx, httpPort, origin, false);
    }

    /** As {@link #connect(Vertx, int, String)}; {@code deflate}: offers {@code permessage-deflate}, as browsers do. */
    static Future<WebSocket> connect(Vertx vertx, int httpPort, String origin, boolean deflate) {
        // kept referenced: Vert.x 5 closes an unreferenced client's connections (a handshake then fails at random)
        WebSocketClient client = (deflate ? DEFLATE_CLIENTS : CLIENTS).computeIfAbsent(vertx, v -> v.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024)
                .setTryUsePerMessageCompression(deflate)));
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(httpPort).setURI("/ws");
        if (origin != null) {
            o.addHeader("Origin", origin);
        }
        return client.connect(o);
    }

    static WsClient open(Vertx vertx, int httpPort) throws Exception {
        return open(vertx, httpPort, false);
    }

    static WsClient open(Vertx vertx, int httpPort, boolean deflate) throws Exception {
        // handlers set on the connection's event loop as it opens: a server that answers at once and
        // closes (server_full) cannot beat them
        return await(connect(vertx, httpPort, null, deflate).map(WsClient::new));
    }

    /** Connected and registered as {@code nick}. */
    static WsClient registered(Vertx vertx, int httpPort, String nick) throws Exception {
        WsClient c = open(vertx, httpPort);
        JsonObject w = c.request(new JsonObject().put("type", "hello").put("nick", nick));
        if (!"welcome".equals(w.getString("type"))) {
            throw new AssertionError("hello answered " + w);
        }
        return c;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    void send(JsonObject m) throws Exception {
        await(ws.writeTextMessage(m.encode()));
    }

    void sendText(String text) throws Exception {
        await(ws.writeTextMessage(text));
    }

    void sendBinary(byte[] data) throws Exception {
        await(ws.writeBinaryMessage(Buffer.buffer(data)));
    }

    /** Sends with a fresh id and returns the reply carrying it (events in between are kept). */
    JsonObject request(JsonObject m) throws Exception {
        String id = "w" + nextId++;
        send(m.put("id", id));
        return next(r -> id.equals(r.getValue("id")));
    }

    /** The next message received within {@code millis}, or null (kept messages first). */
    JsonObject poll(long millis) throws Exception {
        if (!kept.isEmpty()) {
            return kept.remove(0);
        }
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next message received. */
    JsonObject next() throws Exception {
        if (!kept.isEmpty()) {
            return kept.remove(0);
        }
        JsonObject m = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("nothing received within " + WAIT);
        }
        return m;
    }

    /** The next message that matches; others are kept, in order, for later calls. */
    JsonObject next(Predicate<JsonObject> match) throws Exception {
        for (java.util.Iterator<JsonObject> it = kept.iterator(); it.hasNext(); ) {
            JsonObject m = it.next();
            if (match.test(m)) {
                it.remove();
                return m;
            }
        }
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            JsonObject m = received.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m != null) {
                if (match.test(m)) {
                    return m;
                }
                kept.add(m);
            }
        }
        throw new AssertionError("no matching message within " + WAIT + "; received meanwhile: " + kept);
    }

    JsonObject nextOfType(String type) throws Exception {
        return next(m -> type.equals(m.getString("type")));
    }

    /** The close status once closed (-1: closed without a status), or null while open. */
    Short closeStatus() {
        return closeStatus;
    }

    @Override
    public void close() throws Exception {
        if (closeStatus == null) {
            ws.close();
        }
    }
}
