package dev.chat.server;

import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.Frames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * <b>TEST FIXTURE ONLY</b>, part of {@link WsBridgeFixture}: answers {@code GET /api/info},
 * {@code GET /api/network} and {@code GET /api/rooms/{room}/frames} in the shapes docs/WEB.md
 * defines, from outside the server, so the network page can be built before the server serves
 * them itself. Where it has to approximate, it says so:
 * <ul>
 * <li>peers and rooms come from a TCP session of its own ({@code peers}, {@code rooms}, and
 * {@code history limit 1} per room for {@code last_seq}), registered as {@value #NICK};</li>
 * <li>counters come from the server's {@code /metrics}; {@code messages_total} is the sum of the
 * rooms' {@code last_seq} (the server will count room and direct messages itself);</li>
 * <li>frames are those that pass through the bridge, so only rooms with a browser member show
 * any; the server will record every frame of a room, from every transport.</li>
 * </ul>
 */
final class WsBridgeNetworkApi {
    static final String NICK = "fixture-netview";
    private static final int FRAMES_KEPT = 100;
    private static final int ROOMS_LISTED = 100;
    private static final Pattern ROOM = Pattern.compile("#?[A-Za-z0-9_.-]{1,64}");
    private static final Set<String> ROOM_REQUESTS = Set.of("say", "join", "part");
    private static final Set<String> ROOM_EVENTS = Set.of("message", "member");

    private final Vertx vertx;
    private final NetClient net;
    private final HttpClient httpClient;
    private volatile ChatServer server;
    private NetSocket observer;
    private Future<Void> connecting;
    private final Map<String, Promise<JsonObject>> waiting = new HashMap<>();
    private long nextId;
    private final Map<String, Ring> rings = new HashMap<>();

    WsBridgeNetworkApi(Vertx vertx, ChatServer server) {
        this.vertx = vertx;
        this.server = server;
        this.net = vertx.createNetClient();
        this.httpClient = vertx.createHttpClient();
    }

    void routes(Router r) {
        r.get("/api/info").handler(ctx -> json(ctx, new JsonObject()
                .put("server", server.config().name())
                .put("node", server.nodeId())
                .put("protocol", Frames.PROTOCOL_VERSION)
                .put("accounts", false)));
        r.get("/api/network").handler(ctx -> network().onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, ar.result());
            } else {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", "unavailable").put("message", String.valueOf(ar.cause().getMessage())).encode());
            }
        }));
        r.get("/api/rooms/:room/frames").handler(this::frames);
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(body.encode());
    }

    // ---- the observer session ----

    /** The observer session, connected (again) if it is not. */
    private synchronized Future<Void> ensureConnected() {
        if (connecting == null || connecting.failed() || (connecting.succeeded() && observer == null)) {
            connecting = connect();
        }
        return connecting;
    }

    private Future<Void> connect() {
        return net.connect(server.tcpPort(), "127.0.0.1").compose(socket -> {
            synchronized (this) {
                observer = socket;
            }
            FrameDecoder decoder = new FrameDecoder(16 * 1024 * 1024);
            socket.handler(buf -> {
                byte[] b = buf.getBytes();
                try {
                    decoder.feed(b, 0, b.length, p -> onFrame(socket, p));
                } catch (FrameTooLargeException e) {
                    socket.close();
                }
            });
            long keepAlive = vertx.setPeriodic(10_000, t -> socket.write(frame(new JsonObject().put("type", "ping"))));
            socket.closeHandler(v -> {
                vertx.cancelTimer(keepAlive);
                synchronized (this) {
                    if (observer == socket) {
                        observer = null;
                    }
                }
                failWaiting("the chat server closed the observer's connection");
            });
            return send(new JsonObject().put("type", "hello").put("nick", NICK)).mapEmpty();
        });
    }

    synchronized void switchTo(ChatServer next) {
        server = next;
        if (observer != null) {
            observer.close();
            observer = null;
        }
        connecting = null;
    }

    private void onFrame(NetSocket socket, byte[] payload) {
        JsonObject m;
        try {
            m = new JsonObject(new String(payload, StandardCharsets.UTF_8));
        } catch (DecodeException e) {
            return;
        }
        if ("ping".equals(m.getString("type"))) {
            socket.write(frame(new JsonObject().put("type", "pong")));
            return;
        }
        Object id = m.getValue("id");
        Promise<JsonObject> p;
        synchronized (this) {
            p = id == null ? null : waiting.remove(id.toString());
        }
        if (p != null) {
            if ("error".equals(m.getString("type"))) {
                p.fail(m.getString("code") + ": " + m.getString("message"));
            } else {
                p.complete(m);
            }
        }
    }

    private Future<JsonObject> request(JsonObject m) {
        return ensureConnected().compose(v -> send(m));
    }

    private synchronized Future<JsonObject> send(JsonObject m) {
        if (observer == null) {
            return Future.failedFuture("not connected");
        }
        String id = "n" + nextId++;
        Promise<JsonObject> p = Promise.promise();
        waiting.put(id, p);
        observer.write(frame(m.put("id", id)));
        return p.future();
    }

    private void failWaiting(String why) {
        List<Promise<JsonObject>> all;
        synchronized (this) {
            all = new ArrayList<>(waiting.values());
            waiting.clear();
        }
        all.forEach(p -> p.tryFail(why));
    }

    private static Buffer frame(JsonObject m) {
        return Buffer.buffer(Frames.frame(m.encode().getBytes(StandardCharsets.UTF_8)));
    }

    // ---- GET /api/network ----

    private Future<JsonObject> network() {
        ChatServer s = server;
        Future<JsonObject> peers = request(new JsonObject().put("type", "peers"));
        Future<JsonObject> rooms = request(new JsonObject().put("type", "rooms")).compose(this::withLastSeq);
        Future<Map<String, Double>> metrics = httpClient.request(HttpMethod.GET, s.httpPort(), "127.0.0.1", "/metrics")
                .compose(req -> req.send().compose(resp -> resp.body()))
                .map(body -> parseMetrics(body.toString(StandardCharsets.UTF_8)));
        return Future.all(peers, rooms, metrics).map(v -> {
            JsonArray roomList = rooms.result().getJsonArray("rooms");
            Map<String, Double> m = metrics.result();
            long messages = 0;
            for (Object o : roomList) {
                JsonObject r = (JsonObject) o;
                messages += r.getLong("last_seq", 0L);
                r.put("owner", s.nodeId());
            }
            JsonArray peerList = peers.result().getJsonArray("peers", new JsonArray());
            return new JsonObject()
                    .put("ts", System.currentTimeMillis())
                    .put("node", s.nodeId())
                    .put("server", s.config().name())
                    .put("peers", peerList)
                    .put("peers_total", peerList.size())
                    .put("nodes", new JsonArray().add(new JsonObject().put("node", s.nodeId())
                            .put("name", s.config().name()).put("self", true)
                            .put("address", s.config().host() + ":" + s.tcpPort())))
                    .put("rooms", roomList)
                    .put("rooms_total", rooms.result().getInteger("rooms_total"))
                    .put("counters", new JsonObject()
                            .put("messages_total", messages)
                            .put("deliveries_total", m.getOrDefault("chat_messages_delivered_total", 0.0).longValue())
                            .put("frames_in_total", m.getOrDefault("chat_frames_in_total", 0.0).longValue())
                            .put("frames_out_total", m.getOrDefault("chat_frames_out_total", 0.0).longValue())
                            .put("bytes_in_total", m.getOrDefault("chat_bytes_in_total", 0.0).longValue())
                            .put("bytes_out_total", m.getOrDefault("chat_bytes_out_total", 0.0).longValue())
                            .put("connections", m.getOrDefault("chat_connections", 0.0).longValue()));
        });
    }

    /** The rooms reply with each room's last_seq (from history limit 1), most members first, at most 100. */
    private Future<JsonObject> withLastSeq(JsonObject reply) {
        List<JsonObject> rooms = new ArrayList<>();
        for (Object o : reply.getJsonArray("rooms", new JsonArray())) {
            rooms.add((JsonObject) o);
        }
        int total = rooms.size();
        rooms.sort((a, b) -> Integer.compare(b.getInteger("members", 0), a.getInteger("members", 0)));
        List<JsonObject> shown = rooms.subList(0, Math.min(ROOMS_LISTED, rooms.size()));
        List<Future<JsonObject>> seqs = new ArrayList<>();
        for (JsonObject r : shown) {
            seqs.add(request(new JsonObject().put("type", "history").put("room", r.getString("room")).put("limit", 1))
                    .map(h -> {
                        JsonArray msgs = h.getJsonArray("messages", new JsonArray());
                        return r.put("last_seq", msgs.isEmpty() ? 0L : msgs.getJsonObject(0).getLong("seq"));
                    }));
        }
        return Future.all(seqs).map(v -> new JsonObject().put("rooms", new JsonArray(new ArrayList<>(shown))).put("rooms_total", total));
    }

    private static Map<String, Double> parseMetrics(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            try {
                out.merge(line.substring(0, sp).replaceAll("\\{.*}", ""), Double.parseDouble(line.substring(sp + 1)), Double::sum);
            } catch (RuntimeException e) {
                // not a sample line
            }
        }
        return out;
    }

    // ---- GET /api/rooms/{room}/frames?after=N ----

    /** A room's last frames; {@code n} numbers them so a poll can ask for the newer ones only. */
    private static final class Ring {
        final ArrayDeque<JsonObject> frames = new ArrayDeque<>();
        long next = 1;
    }

    /** A frame a browser sent through the bridge (a request naming a room is kept). */
    void received(String payload) {
        record(payload, "in", ROOM_REQUESTS);
    }

    /** A frame the server sent to a browser (a room event is kept once, however many browsers got it). */
    void sent(String payload) {
        record(payload, "out", ROOM_EVENTS);
    }

    private void record(String payload, String dir, Set<String> types) {
        JsonObject m;
        try {
            m = new JsonObject(payload);
        } catch (DecodeException | ClassCastException e) {
            return;
        }
        Object type = m.getValue("type");
        Object room = m.getValue("room");
        if (!(type instanceof String t) || !types.contains(t) || !(room instanceof String r) || !ROOM.matcher(r).matches()) {
            return;
        }
        String key = canonical(r);
        synchronized (rings) {
            Ring ring = rings.computeIfAbsent(key, k -> new Ring());
            if ("out".equals(dir) && ring.frames.stream().anyMatch(f -> payload.equals(f.getString("payload")))) {
                return; // the same fan-out frame, bridged to another member
            }
            ring.frames.addLast(new JsonObject()
                    .put("n", ring.next++)
                    .put("ts", System.currentTimeMillis())
                    .put("dir", dir)
                    .put("transport", "ws")
                    .put("length", payload.getBytes(StandardCharsets.UTF_8).length)
                    .put("payload", payload));
            while (ring.frames.size() > FRAMES_KEPT) {
                ring.frames.removeFirst();
            }
        }
    }

    private static String canonical(String room) {
        return (room.startsWith("#") ? room.substring(1) : room).toLowerCase(Locale.ROOT);
    }

    private void frames(RoutingContext ctx) {
        String room = ctx.pathParam("room");
        long after;
        try {
            after = Long.parseLong(ctx.request().getParam("after", "0"));
        } catch (NumberFormatException e) {
            after = -1;
        }
        if (room == null || !ROOM.matcher(room).matches() || after < 0) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "invalid").put("message", "room must be a room name and after an integer >= 0").encode());
            return;
        }
        String key = canonical(room);
        JsonArray out = new JsonArray();
        long next;
        synchronized (rings) {
            Ring ring = rings.get(key);
            next = ring == null ? after : Math.max(after, ring.next - 1);
            if (ring != null) {
                for (JsonObject f : ring.frames) {
                    if (f.getLong("n") > after) {
                        out.add(f.copy());
                    }
                }
            }
        }
        json(ctx, new JsonObject().put("room", key).put("next", next).put("frames", out));
    }
}
