package dev.chat.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts in a two-node cluster (in this JVM, each node with its own SQLite store): registered
 * on one node, an account logs in on the other, its nick is refused to guests there, and it
 * survives a restart of the whole cluster.
 */
@Timeout(300)
class ClusterAccountsTest {
    @TempDir
    Path tmp;
    private final List<ChatServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        stopAll();
    }

    private void stopAll() throws Exception {
        for (ChatServer n : nodes) {
            n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        nodes.clear();
    }

    private void startCluster() throws Exception {
        int[] ports = {ServerProcess.freePort(), ServerProcess.freePort()};
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        List<CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            starting.add(ChatServer.start(ServerConfig.forTests().toBuilder().name("node" + (i + 1)).cluster(true)
                    .clusterHost("127.0.0.1").clusterPort(ports[i]).clusterMembers(members).store("sqlite")
                    .dataDir(tmp.resolve("node" + i)).build()).toCompletionStage().toCompletableFuture());
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }
    }

    private static String code(ServerMessage m) {
        assertThat(m).isInstanceOf(ServerMessage.Error.class);
        return ((ServerMessage.Error) m).code();
    }

    @Test
    void anAccountRegisteredOnOneNodeLogsInOnTheOtherAndSurvivesARestartOfTheCluster() throws Exception {
        startCluster();
        try (ChatClient a = ChatClient.connect(nodes.get(0).tcpPort())) {
            assertThat(a.request(id -> new ClientMessage.Register(id, "zoe", "pw1"))).isInstanceOf(ServerMessage.Welcome.class);
            try (ChatClient guest = ChatClient.connect(nodes.get(1).tcpPort())) {
                assertThat(code(guest.request(id -> new ClientMessage.Hello(id, "zoe")))).isIn("nick_taken", "nick_registered");
            }
        }
        try (ChatClient b = ChatClient.connect(nodes.get(1).tcpPort())) {
            // zoe's first session is gone once the cluster freed its nick
            ServerMessage[] got = new ServerMessage[1];
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                got[0] = b.request(id -> new ClientMessage.Login(id, "zoe", "pw1"));
                return !(got[0] instanceof ServerMessage.Error e && e.code().equals("nick_taken"));
            });
            assertThat(got[0]).isInstanceOf(ServerMessage.Welcome.class);
            assertThat(b.request(id -> new ClientMessage.Password(id, "pw1", "pw2"))).isInstanceOf(ServerMessage.Ok.class);
        }
        stopAll();
        startCluster();
        try (ChatClient guest = ChatClient.connect(nodes.get(0).tcpPort())) {
            assertThat(code(guest.request(id -> new ClientMessage.Hello(id, "zoe")))).isEqualTo("nick_registered");
            assertThat(guest.request(id -> new ClientMessage.Login(id, "zoe", "pw2"))).isInstanceOf(ServerMessage.Welcome.class);
        }
    }
}
