package dev.chat.server;

import dev.chat.server.config.ServerConfig;
import java.util.concurrent.TimeUnit;

/** Starts a real server in this JVM on loopback with free ports, and stops it. */
final class ServerFixture implements AutoCloseable {
    final ChatServer server;

    private ServerFixture(ChatServer server) {
        this.server = server;
    }

    static ServerFixture start(ServerConfig config) throws Exception {
        return new ServerFixture(ChatServer.start(config).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS));
    }

    static ServerFixture start() throws Exception {
        return start(ServerConfig.forTests());
    }

    int port() {
        return server.tcpPort();
    }

    @Override
    public void close() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
