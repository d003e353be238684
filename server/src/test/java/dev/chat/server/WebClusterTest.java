package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Frames;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /api/network} and {@code /api/rooms/{room}/frames} of a two-node cluster (in this JVM):
 * both nodes listed, each room with the node that sequences it, the cluster's merged presence
 * table, and a room's frames on a node that does not own it.
 */
@Timeout(300)
class WebClusterTest {
    private final List<ChatServer> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (ChatServer n : nodes) {
            n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private JsonObject get(ChatServer node, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return new JsonObject(r.body());
    }

    @Test
    void theNetworkApiShowsTheNodesTheRoomOwnersAndTheMergedPeers() throws Exception {
        int[] ports = {ServerProcess.freePort(), ServerProcess.freePort()};
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        List<CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            starting.add(ChatServer.start(ServerConfig.forTests().toBuilder().name("node" + (i + 1)).cluster(true)
                    .clusterHost("127.0.0.1").clusterPort(ports[i]).clusterMembers(members).build())
                    .toCompletionStage().toCompletableFuture());
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }
        ChatServer one = nodes.get(0);
        ChatServer two = nodes.get(1);
        Set<String> ids = Set.of(one.nodeId(), two.nodeId());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonArray listed = get(two, "/api/network").getJsonArray("nodes");
            assertThat(listed.stream().map(o -> ((JsonObject) o).getString("node")).collect(Collectors.toSet())).isEqualTo(ids);
        });
        JsonArray listed = get(two, "/api/network").getJsonArray("nodes");
        for (Object o : listed) {
            JsonObject n = (JsonObject) o;
            assertThat(n.getBoolean("self")).isEqualTo(n.getString("node").equals(two.nodeId()));
        }

        try (ChatClient a = ChatClient.registered(one.tcpPort(), "on-one");
             ChatClient b = ChatClient.registered(two.tcpPort(), "on-two");
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            a.request(id -> new ClientMessage.Join(id, "shared"));
            b.request(id -> new ClientMessage.Join(id, "shared"));
            a.request(id -> new ClientMessage.Say(id, "shared", "across the cluster"));
            b.nextOf(ServerMessage.ChatMessage.class, m -> m.text().equals("across the cluster"));

            JsonObject room = get(two, "/api/network").getJsonArray("rooms").getJsonObject(0);
            assertThat(room.getString("room")).isEqualTo("shared");
            assertThat(room.getInteger("members")).isEqualTo(2);
            assertThat(room.getLong("last_seq")).isEqualTo(1L);
            assertThat(room.getString("owner")).isIn(ids);
            assertThat(get(one, "/api/network").getJsonArray("rooms").getJsonObject(0).getString("owner"))
                    .as("both nodes name the same owner").isEqualTo(room.getString("owner"));

            // the message as node two fanned it out to its member, whichever node sequenced it
            JsonArray frames = get(two, "/api/rooms/shared/frames").getJsonArray("frames");
            assertThat(frames.stream().map(o -> (JsonObject) o)
                    .filter(f -> f.getString("dir").equals("out") && f.getString("payload").contains("across the cluster"))).hasSize(1);

            // a peer beaconing to node one is in node two's (merged) table
            String beacon = "{\"type\":\"beacon\",\"role\":\"client\",\"nick\":\"lanpeer\",\"status\":\"online\",\"seq\":1,\"ts\":"
                    + System.currentTimeMillis() + ",\"interval_ms\":5000}";
            byte[] frame = Frames.frame(beacon.getBytes(StandardCharsets.UTF_8));
            udp.send(new DatagramPacket(frame, frame.length, InetAddress.getLoopbackAddress(), one.udpPort()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonObject net = get(two, "/api/network");
                assertThat(net.getJsonArray("peers").stream().map(o -> ((JsonObject) o).getString("nick"))).contains("lanpeer");
                assertThat(net.getInteger("peers_total")).isGreaterThanOrEqualTo(1);
            });
        }
    }
}
