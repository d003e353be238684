package dev.chat.server.contract;

import dev.chat.server.ChatServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The chat contract against one node (the single-node backend, {@code rooms.LocalRooms}). */
class SingleNodeContractTest extends ChatContract {
    private ChatServer server;

    @BeforeAll
    void start() throws Exception {
        server = ChatServer.start(config().build()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    int port(int i) {
        return server.tcpPort();
    }
}
