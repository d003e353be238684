package dev.chat.server.contract;

import dev.chat.server.ChatServer;
import dev.chat.testsupport.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The chat contract against a three-node cluster (the cluster backend, {@code cluster.ClusterRooms}):
 * three nodes in this JVM, each its own clustered Vert.x on Hazelcast over loopback. The clients
 * of one test sit on different nodes.
 */
class ClusterContractTest extends ChatContract {
    private final List<ChatServer> nodes = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        int[] ports = {ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort()};
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        List<java.util.concurrent.CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(ChatServer.start(config().name("node" + (i + 1)).cluster(true).clusterHost("127.0.0.1")
                    .clusterPort(ports[i]).clusterMembers(members).build()).toCompletionStage().toCompletableFuture());
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (ChatServer n : nodes) {
            n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    int port(int i) {
        return nodes.get(i).tcpPort();
    }

    @Override
    boolean keepsHistoryOfDroppedRooms() {
        return false; // the cluster forgets a room it drops to make way, on every node's store too
    }

    @Override
    int ircPort(int i) {
        return nodes.get(i).port("irc");
    }
}
