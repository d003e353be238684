package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /ws} with a plain WebSocket client: the same protocol, rules and errors as the framed
 * TCP port (docs/PROTOCOL.md, "WebSocket"), and WebSocket and TCP users in the same rooms.
 */
@Timeout(120)
class WebSocketTest {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
        WsClient.await(vertx.close());
    }

    private ServerFixture start(ServerConfig config) throws Exception {
        fx = ServerFixture.start(config);
        return fx;
    }

    private int httpPort() {
        return fx.server.httpPort();
    }

    private static JsonObject msg(String type) {
        return new JsonObject().put("type", type);
    }

    private JsonObject getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        return new JsonObject(r.body());
    }

    @Test
    void helloJoinSayAndHistoryOverWebSocket() throws Exception {
        start(ServerConfig.forTests());
        try (WsClient c = WsClient.open(vertx, httpPort())) {
            JsonObject welcome = c.request(msg("hello").put("nick", "wendy"));
            assertThat(welcome.getString("type")).isEqualTo("welcome");
            assertThat(welcome.getString("node")).isEqualTo(fx.server.nodeId());
            assertThat(welcome.getInteger("max_frame")).isEqualTo(ServerConfig.DEFAULT_MAX_FRAME);
            JsonObject joined = c.request(msg("join").put("room", "#Lobby"));
            assertThat(joined.getString("type")).isEqualTo("joined");
            assertThat(joined.getString("room")).isEqualTo("lobby");
            assertThat(joined.getJsonArray("members").getList()).containsExactly("wendy");
            assertThat(c.request(msg("say").put("room", "lobby").put("text", "hello ☃")).getString("type")).isEqualTo("ok");
            JsonObject m = c.nextOfType("message");
            assertThat(m.getString("from")).isEqualTo("wendy");
            assertThat(m.getString("text")).isEqualTo("hello ☃");
            assertThat(m.getLong("seq")).isEqualTo(1L);
            JsonObject h = c.request(msg("history").put("room", "lobby"));
            assertThat(h.getString("type")).isEqualTo("history");
            assertThat(h.getJsonArray("messages")).hasSize(1);
            assertThat(h.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("hello ☃");
            assertThat(c.request(msg("ping")).getString("type")).isEqualTo("pong");
            assertThat(c.request(msg("say").put("room", "elsewhere").put("text", "x")).getString("code")).isEqualTo("not_in_room");
        }
    }

    @Test
    void beforeHelloOnlyPingAndQuitAreServed() throws Exception {
        start(ServerConfig.forTests());
        try (WsClient c = WsClient.open(vertx, httpPort())) {
            assertThat(c.request(msg("join").put("room", "r")).getString("code")).isEqualTo("not_registered");
            assertThat(c.request(msg("ping")).getString("type")).isEqualTo("pong");
            c.send(msg("quit"));
            await().atMost(Duration.ofSeconds(20)).until(() -> c.closeStatus() != null);
            assertThat(c.closeStatus()).isEqualTo((short) 1000);
        }
    }

    @Test
    void aTcpUserAndAWebSocketUserShareARoomAndNicks() throws Exception {
        start(ServerConfig.forTests());
        try (ChatClient tcp = ChatClient.registered(fx.port(), "terry");
             WsClient web = WsClient.registered(vertx, httpPort(), "wanda")) {
            assertThat(tcp.request(id -> new ClientMessage.Join(id, "mixed"))).isInstanceOf(ServerMessage.Joined.class);
            JsonObject joined = web.request(msg("join").put("room", "mixed"));
            assertThat(joined.getJsonArray("members").getList()).containsExactly("terry", "wanda");
            tcp.nextOf(ServerMessage.Member.class, e -> e.nick().equals("wanda") && e.event().equals("join"));

            assertThat(tcp.request(id -> new ClientMessage.Say(id, "mixed", "from tcp"))).isInstanceOf(ServerMessage.Ok.class);
            JsonObject seen = web.next(m -> "message".equals(m.getString("type")) && "terry".equals(m.getString("from")));
            assertThat(seen.getString("text")).isEqualTo("from tcp");

            web.request(msg("say").put("room", "mixed").put("text", "from the web"));
            ServerMessage.ChatMessage m = tcp.nextOf(ServerMessage.ChatMessage.class, x -> x.from().equals("wanda"));
            assertThat(m.text()).isEqualTo("from the web");
            assertThat(m.seq()).isEqualTo(seen.getLong("seq") + 1);

            // one nick space: a WebSocket user cannot take a TCP user's nick
            try (WsClient other = WsClient.open(vertx, httpPort())) {
                assertThat(other.request(msg("hello").put("nick", "TERRY")).getString("code")).isEqualTo("nick_taken");
            }
            // a closed WebSocket ends the session: the room hears it quit
            web.ws.close();
            ServerMessage.Member quit = tcp.nextOf(ServerMessage.Member.class, e -> e.nick().equals("wanda"));
            assertThat(quit.event()).isEqualTo("quit");
        }
    }

    @Test
    void badInputGetsTheProtocolsErrorsAndTheConnectionStaysOpen() throws Exception {
        start(ServerConfig.forTests());
        try (WsClient c = WsClient.registered(vertx, httpPort(), "bad")) {
            c.sendBinary("{\"type\":\"ping\"}".getBytes());
            assertThat(c.nextOfType("error").getString("code")).isEqualTo("bad_json");
            c.sendText("{not json");
            assertThat(c.nextOfType("error").getString("code")).isEqualTo("bad_json");
            c.sendText("{\"type\":\"ping\"} trailing");
            assertThat(c.nextOfType("error").getString("code")).isEqualTo("bad_json");
            c.sendText("{\"type\":\"teleport\",\"id\":7}");
            JsonObject unknown = c.nextOfType("error");
            assertThat(unknown.getString("code")).isEqualTo("unknown_type");
            assertThat(unknown.getInteger("id")).isEqualTo(7);
            c.sendText("{\"type\":\"join\",\"id\":8,\"room\":\"no spaces\"}");
            assertThat(c.nextOfType("error").getString("code")).isEqualTo("invalid");
            assertThat(c.request(msg("ping")).getString("type")).as("still open").isEqualTo("pong");
            assertThat(c.closeStatus()).isNull();
        }
        assertThat(fx.server.metrics().render()).contains("chat_errors_total{code=\"bad_json\"} 3");
    }

    @Test
    void aMessageOverMaxFrameGetsFrameTooLargeAndTheClose1009() throws Exception {
        start(ServerConfig.forTests().toBuilder().maxFrame(1024).build());
        try (WsClient c = WsClient.registered(vertx, httpPort(), "big");
             WsClient huge = WsClient.registered(vertx, httpPort(), "huge")) {
            c.sendText(msg("say").put("room", "r").put("text", "x".repeat(1100)).encode());
            assertThat(c.nextOfType("error").getString("code")).isEqualTo("frame_too_large");
            await().atMost(Duration.ofSeconds(20)).until(() -> c.closeStatus() != null);
            assertThat(c.closeStatus()).isEqualTo((short) 1009);
            // far beyond what the server reads at all: closed with 1009 too, without reading it whole
            huge.sendText("x".repeat(64 * 1024));
            await().atMost(Duration.ofSeconds(20)).until(() -> huge.closeStatus() != null);
            assertThat(huge.closeStatus()).isEqualTo((short) 1009);
        }
        try (WsClient ok = WsClient.registered(vertx, httpPort(), "fine")) {
            assertThat(ok.request(msg("ping")).getString("type")).as("the server is fine").isEqualTo("pong");
        }
    }

    @Test
    void theUpgradeChecksTheOrigin() throws Exception {
        start(ServerConfig.forTests().toBuilder().webOrigins(List.of("http://chat.example:8080")).build());
        String own = "http://127.0.0.1:" + httpPort();
        WsClient.await(WsClient.connect(vertx, httpPort(), own)).close();
        WsClient.await(WsClient.connect(vertx, httpPort(), "http://chat.example:8080")).close();
        WsClient.await(WsClient.connect(vertx, httpPort(), null)).close(); // not a browser
        for (String evil : List.of("http://evil.example", "https://127.0.0.1:" + httpPort(), "null", "http://chat.example")) {
            assertThatThrownBy(() -> WsClient.await(WsClient.connect(vertx, httpPort(), evil)))
                    .as(evil).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(UpgradeRejectedException.class)
                    .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(403));
        }
    }

    @Test
    void shutdownSaysByeAndCloses1001() throws Exception {
        start(ServerConfig.forTests());
        WsClient c = WsClient.registered(vertx, httpPort(), "leaving");
        fx.close();
        fx = null;
        assertThat(c.nextOfType("bye").getString("reason")).isEqualTo("server shutting down");
        await().atMost(Duration.ofSeconds(20)).until(() -> c.closeStatus() != null);
        assertThat(c.closeStatus()).isEqualTo((short) 1001);
    }

    @Test
    void theApiDescribesTheNodeItsRoomsAndTheFramesOnTheWire() throws Exception {
        start(ServerConfig.forTests().toBuilder().name("lan-1").build());
        try (ChatClient tcp = ChatClient.registered(fx.port(), "terry");
             WsClient web = WsClient.registered(vertx, httpPort(), "wanda")) {
            JsonObject info = getJson("/api/info");
            assertThat(info.getString("server")).isEqualTo("lan-1");
            assertThat(info.getString("node")).isEqualTo(fx.server.nodeId());
            assertThat(info.getInteger("protocol")).isEqualTo(1);
            assertThat(info.getBoolean("accounts")).isTrue();

            tcp.request(id -> new ClientMessage.Join(id, "wire"));
            web.request(msg("join").put("room", "wire"));
            String say = "{\"type\":\"say\",\"room\":\"#Wire\",  \"text\":\"as sent ☃\"}";
            web.sendText(say);
            tcp.nextOf(ServerMessage.ChatMessage.class, m -> m.text().equals("as sent ☃"));
            tcp.send(new ClientMessage.Dm(null, "wanda", "never recorded"));
            web.next(m -> "never recorded".equals(m.getString("text")));

            JsonObject frames = getJson("/api/rooms/%23WIRE/frames");
            assertThat(frames.getString("room")).isEqualTo("wire");
            JsonArray list = frames.getJsonArray("frames");
            assertThat(list.stream().map(o -> ((JsonObject) o).getString("payload"))).noneMatch(p -> p.contains("never recorded"));
            JsonObject in = list.stream().map(o -> (JsonObject) o).filter(f -> f.getString("payload").equals(say)).findFirst().orElseThrow();
            assertThat(in.getString("dir")).isEqualTo("in");
            assertThat(in.getString("transport")).isEqualTo("ws");
            assertThat(in.getInteger("length")).isEqualTo(say.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            JsonObject out = list.stream().map(o -> (JsonObject) o)
                    .filter(f -> f.getString("dir").equals("out") && f.getString("payload").contains("as sent")).findFirst().orElseThrow();
            assertThat(new JsonObject(out.getString("payload")).getString("type")).isEqualTo("message");
            assertThat(list.stream().filter(o -> ((JsonObject) o).getString("payload").contains("as sent")).count())
                    .as("the say once, its message once (not once per member)").isEqualTo(2);
            long next = frames.getLong("next");
            assertThat(next).isEqualTo(list.getJsonObject(list.size() - 1).getLong("n"));
            JsonObject none = getJson("/api/rooms/wire/frames?after=" + next);
            assertThat(none.getJsonArray("frames")).isEmpty();
            assertThat(none.getLong("next")).isEqualTo(next);
            assertThat(getJson("/api/rooms/nowhere/frames").getJsonArray("frames")).isEmpty();
            for (String bad : List.of("/api/rooms/no%20space/frames", "/api/rooms/wire/frames?after=-1", "/api/rooms/wire/frames?after=x")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + bad)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid");
            }

            JsonObject net = getJson("/api/network");
            assertThat(net.getString("node")).isEqualTo(fx.server.nodeId());
            assertThat(net.getLong("ts")).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            JsonObject room = net.getJsonArray("rooms").getJsonObject(0);
            assertThat(room.getString("room")).isEqualTo("wire");
            assertThat(room.getInteger("members")).isEqualTo(2);
            assertThat(room.getLong("last_seq")).isEqualTo(1L);
            assertThat(room.getString("owner")).isEqualTo(fx.server.nodeId());
            assertThat(net.getInteger("rooms_total")).isEqualTo(1);
            JsonObject self = net.getJsonArray("nodes").getJsonObject(0);
            assertThat(self.getString("node")).isEqualTo(fx.server.nodeId());
            assertThat(self.getBoolean("self")).isTrue();
            assertThat(self.getString("name")).isEqualTo("lan-1");
            assertThat(self.getString("address")).isEqualTo("127.0.0.1:" + fx.port());
            JsonObject counters = net.getJsonObject("counters");
            assertThat(counters.getLong("messages_total")).as("the say and the dm").isEqualTo(2L);
            assertThat(counters.getLong("deliveries_total")).isEqualTo(3L);
            assertThat(counters.getLong("connections")).isEqualTo(2L);
            assertThat(counters.getLong("frames_in_total")).isPositive();
            assertThat(counters.getLong("bytes_out_total")).isPositive();
            assertThat(net.getJsonArray("peers")).isEmpty();
            assertThat(net.getInteger("peers_total")).isZero();
        }
    }

    @Test
    void aWebSocketReaderThatStopsReadingIsClosedAsASlowConsumerAndOthersGoOn() throws Exception {
        start(ServerConfig.forTests().toBuilder().rateLimit(0).maxBacklog(32 * 1024).build());
        var metrics = fx.server.metrics();
        try (ChatClient flood = ChatClient.registered(fx.port(), "flood");
             WsClient slow = WsClient.registered(vertx, httpPort(), "slow");
             WsClient fine = WsClient.registered(vertx, httpPort(), "fine")) {
            flood.request(id -> new ClientMessage.Join(id, "busy"));
            slow.request(msg("join").put("room", "busy"));
            fine.request(msg("join").put("room", "busy"));
            flood.drainInBackground();
            slow.ws.pause(); // stops reading from the socket: what the server sends piles up
            // in batches paced by the member that reads, so that only the one that stopped falls behind
            // however loaded the machine is
            String text = "z".repeat(2000);
            for (int batch = 0; batch < 400 && metrics.slowConsumersClosed.sum() == 0; batch++) {
                for (int i = 0; i < 50; i++) {
                    flood.send(new ClientMessage.Say(null, "busy", batch + ":" + i + ":" + text));
                }
                String last = batch + ":49:";
                fine.next(m -> m.getString("text", "").startsWith(last));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> metrics.slowConsumersClosed.sum() == 1);
            flood.send(new ClientMessage.Say("after", "busy", "still going"));
            assertThat(fine.next(m -> "still going".equals(m.getString("text"))).getString("from"))
                    .as("the member that reads goes on").isEqualTo("flood");
            slow.ws.resume();
            JsonObject error = slow.nextOfType("error");
            assertThat(error.getString("code")).isEqualTo("slow_consumer");
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.closeStatus() != null);
            assertThat(slow.closeStatus()).isEqualTo((short) 1008);
            await().atMost(Duration.ofSeconds(20)).until(() -> metrics.connections.get() == 2);
        }
    }

    /**
     * A burst of 1,000 messages of every length class of a WebSocket frame (7-bit, 16-bit; 1- to
     * 4-byte UTF-8) reaches each of many WebSocket members whole and in order, while each also
     * gets replies of its own in between; members that offered {@code permessage-deflate} (as
     * browsers do) are answered without it and read the same frames.
     */
    @Test
    void aBurstOf1000MessagesReachesEveryWebSocketMemberWholeAndInOrder() throws Exception {
        start(ServerConfig.forTests().toBuilder().rateLimit(0).build());
        int members = 24;
        int burst = 1000;
        java.util.List<WsClient> ws = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < members; i++) {
                WsClient c = WsClient.open(vertx, httpPort(), i % 2 == 1);
                ws.add(c);
                assertThat(c.ws.headers().get("Sec-WebSocket-Extensions")).as("no compression is negotiated").isNull();
                assertThat(c.request(msg("hello").put("nick", "m" + i)).getString("type")).isEqualTo("welcome");
                assertThat(c.request(msg("join").put("room", "burst")).getString("type")).isEqualTo("joined");
            }
            WsClient sender = ws.get(0);
            List<String> texts = new java.util.ArrayList<>();
            for (int n = 0; n < burst; n++) {
                String body = switch (n % 5) {
                    case 0 -> "x";
                    case 1 -> "é".repeat(60); // around the 7-bit length limit (125)
                    case 2 -> "€".repeat(400);
                    case 3 -> "😀".repeat(n % 50 == 3 ? 3990 : 40); // up to 15,960 bytes of 4-byte characters
                    default -> "y".repeat(n % 200);
                };
                texts.add(n + ":" + body);
            }
            for (int n = 0; n < burst; n++) {
                // not awaited: the whole burst is on its way at once
                sender.ws.writeTextMessage(msg("say").put("id", "s" + n).put("room", "burst").put("text", texts.get(n)).encode());
                if (n % 100 == 50) {
                    for (int i = 1; i < members; i += 7) { // replies of their own, in between the room's messages
                        ws.get(i).ws.writeTextMessage(msg("ping").put("id", "p" + n).encode());
                    }
                }
            }
            for (int i = 0; i < members; i++) {
                WsClient c = ws.get(i);
                int got = 0;
                int pongs = 0;
                int oks = 0;
                while (got < burst) {
                    JsonObject m = c.next();
                    switch (m.getString("type")) {
                        case "message" -> {
                            assertThat(m.getString("from")).isEqualTo("m0");
                            assertThat(m.getString("text")).as("member %d, message %d", i, got).isEqualTo(texts.get(got));
                            got++;
                        }
                        case "pong" -> {
                            assertThat(m.getString("id")).as("member %d's replies in order", i).isEqualTo("p" + (50 + 100 * pongs));
                            pongs++;
                        }
                        case "ok" -> {
                            assertThat(m.getString("id")).as("the sender's replies in order").isEqualTo("s" + oks);
                            oks++;
                        }
                        case "member", "ping" -> { }
                        default -> throw new AssertionError("member " + i + " got " + m);
                    }
                }
                assertThat(c.closeStatus()).isNull();
            }
            assertThat(ws.get(1).request(msg("ping")).getString("type")).as("still served").isEqualTo("pong");
        } finally {
            for (WsClient c : ws) {
                c.close();
            }
        }
    }
}
