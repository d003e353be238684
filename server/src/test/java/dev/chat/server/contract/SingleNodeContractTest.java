package dev.chat.server.contract;

import dev.chat.server.ChatServer;
import dev.chat.server.store.StoreConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat contract against one node (the single-node backend, {@code rooms.LocalRooms}) with the
 * default store, SQLite, in a data directory of its own.
 */
class SingleNodeContractTest extends ChatContract {
    @TempDir
    static Path dataDir;
    private ChatServer server;

    @BeforeAll
    void start() throws Exception {
        server = ChatServer.start(config().store(StoreConfig.SQLITE).dataDir(dataDir).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    int port(int i) {
        return server.tcpPort();
    }

    @Override
    int ircPort(int i) {
        return server.port("irc");
    }
}
