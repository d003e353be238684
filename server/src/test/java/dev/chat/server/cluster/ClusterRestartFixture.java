package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster in this JVM whose nodes keep the rooms on a store ({@link #store}: SQLite
 * per node, or one PostgreSQL shared by every node), and the whole-cluster restart every such
 * store must survive: stopped whole and started again on the same stores, the cluster still has
 * every room's history, numbering, topic and bans.
 */
abstract class ClusterRestartFixture {
    static final int SIZE = 3;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    Path tmp;
    final List<ChatServer> nodes = new ArrayList<>();
    private int[] ports;
    private List<String> members;

    /** The {@code --store} of node {@code i} (the same at every start of the node). */
    abstract String store(int i) throws Exception;

    /** Checks what the store itself holds of {@code room} once the cluster is stopped: {@code messages} messages. */
    void checkStored(String room, int messages) throws Exception {
    }

    @AfterEach
    void stop() throws Exception {
        stopAll();
    }

    void stopAll() throws Exception {
        for (ChatServer n : nodes) {
            if (n != null) {
                n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
        nodes.clear();
    }

    CompletableFuture<ChatServer> startNode(int i) throws Exception {
        return ChatServer.start(ServerConfig.forTests().toBuilder().name("node" + (i + 1)).cluster(true)
                .clusterHost("127.0.0.1").clusterPort(ports[i]).clusterMembers(members).store(store(i))
                .dataDir(tmp.resolve("node" + i)).build()).toCompletionStage().toCompletableFuture();
    }

    /** Starts every node, on new cluster ports (a whole-cluster restart may move them) but the same stores. */
    void startCluster() throws Exception {
        ports = new int[SIZE];
        members = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            ports[i] = ServerProcess.freePort();
            members.add("127.0.0.1:" + ports[i]);
        }
        List<CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            starting.add(startNode(i));
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }
    }

    int port(int node) {
        return nodes.get(node).tcpPort();
    }

    /** Node {@code node}'s {@code /metrics}. */
    String metrics(int node) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + nodes.get(node).httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static ServerMessage.Joined join(ChatClient c, String room) throws Exception {
        ServerMessage r = c.request(id -> new ClientMessage.Join(id, room));
        assertThat(r).as("join %s", room).isInstanceOf(ServerMessage.Joined.class);
        return (ServerMessage.Joined) r;
    }

    static void say(ChatClient c, String room, String text, boolean action) throws Exception {
        assertThat(c.request(id -> new ClientMessage.Say(id, room, text, action))).as("say %s", text)
                .isInstanceOf(ServerMessage.Ok.class);
    }

    static List<ChatMessage> history(ChatClient c, String room, Long afterSeq) throws Exception {
        ServerMessage r = c.request(id -> new ClientMessage.History(id, room, afterSeq, 500));
        assertThat(r).isInstanceOf(ServerMessage.HistoryReply.class);
        return ((ServerMessage.HistoryReply) r).messages();
    }

    static List<String> lines(List<ChatMessage> messages) {
        List<String> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            out.add(m.seq() + " " + m.from() + (m.action() ? " * " : ": ") + m.text());
        }
        return out;
    }

    /** Waits until a member of the room on every node sees exactly {@code expected} as its history. */
    void awaitEverywhere(String room, List<String> expected) throws Exception {
        for (int n = 0; n < SIZE; n++) {
            try (ChatClient watcher = ChatClient.registered(port(n), "watch" + n + "x" + expected.size())) {
                join(watcher, room);
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(lines(history(watcher, room, null))).as("node %s", watcher)
                                .containsExactlyElementsOf(expected));
            }
        }
    }

    @Test
    void aClusterStoppedWholeKeepsHistoryNumberingTopicAndBans() throws Exception {
        startCluster();
        List<String> expected = new ArrayList<>();
        try (ChatClient alice = ChatClient.connect(port(0)); ChatClient dora = ChatClient.registered(port(1), "dora")) {
            assertThat(alice.request(id -> new ClientMessage.Register(id, "alice", "pw-alice")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            assertThat(join(alice, "hall").operators()).containsExactly("alice");
            join(dora, "hall");
            for (int i = 1; i <= 6; i++) {
                // from clients on two nodes, one an action (/me)
                String from = i % 2 == 1 ? "alice" : "dora";
                say(i % 2 == 1 ? alice : dora, "hall", "message " + i, i == 3);
                expected.add(i + " " + from + (i == 3 ? " * " : ": ") + "message " + i);
            }
            assertThat(alice.request(id -> new ClientMessage.Topic(id, "hall", "kept across restarts")))
                    .isInstanceOf(ServerMessage.Topic.class);
            assertThat(alice.request(id -> new ClientMessage.Ban(id, "hall", "bob*"))).isInstanceOf(ServerMessage.Ok.class);
        }
        awaitEverywhere("hall", expected);

        stopAll();
        checkStored("hall", 6);
        startCluster();

        // the room comes back on a node other than the one that created it, with no members
        try (ChatClient carol = ChatClient.registered(port(2), "carol")) {
            ServerMessage.Joined joined = join(carol, "hall");
            assertThat(joined.lastSeq()).as("numbering").isEqualTo(6);
            assertThat(joined.topic()).isEqualTo("kept across restarts");
            assertThat(joined.members()).containsExactly("carol");
            assertThat(lines(history(carol, "hall", null))).containsExactlyElementsOf(expected);
            assertThat(lines(history(carol, "hall", 3L))).containsExactlyElementsOf(expected.subList(3, 6));
            say(carol, "hall", "after the restart", false);
            expected.add("7 carol: after the restart");
            assertThat(lines(history(carol, "hall", 6L))).containsExactly("7 carol: after the restart");
        }
        try (ChatClient bobby = ChatClient.registered(port(1), "bobby")) {
            ServerMessage r = bobby.request(id -> new ClientMessage.Join(id, "hall"));
            assertThat(r).isInstanceOf(ServerMessage.Error.class);
            assertThat(((ServerMessage.Error) r).code()).as("the ban holds").isEqualTo("banned");
        }
        try (ChatClient alice = ChatClient.connect(port(0))) {
            assertThat(alice.request(id -> new ClientMessage.Login(id, "alice", "pw-alice")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            assertThat(join(alice, "hall").operators()).as("still the room's operator").containsExactly("alice");
        }
        awaitEverywhere("hall", expected);
        stopAll();
        checkStored("hall", 7);
    }
}
