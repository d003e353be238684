package dev.chat.client.it;

import java.util.ArrayList;
import java.util.List;

/**
 * The real server jar as a process on loopback, every port chosen by the OS: the shared fixture
 * ({@link dev.chat.testsupport.ServerProcess}) with the ports as fields, as these tests use them.
 */
final class ServerProcess implements AutoCloseable {
    private final dev.chat.testsupport.ServerProcess server;
    final int tcpPort;
    final int udpPort;
    final String node;

    private ServerProcess(dev.chat.testsupport.ServerProcess server) {
        this.server = server;
        this.tcpPort = server.tcpPort();
        this.udpPort = server.udpPort();
        this.node = server.nodeId();
    }

    /** A server that does not announce itself. */
    static ServerProcess start(String... extra) throws Exception {
        return new ServerProcess(dev.chat.testsupport.ServerProcess.start(extra));
    }

    /** A server that announces itself on loopback (its --host is 127.0.0.1) to the multicast group. */
    static ServerProcess startAnnouncing(String... extra) throws Exception {
        return new ServerProcess(dev.chat.testsupport.ServerProcess.launch("server", null, new ArrayList<>(List.of(extra)))
                .awaitReady(java.time.Duration.ofSeconds(60)));
    }

    /** The port of a READY field ({@code tls}, ...). */
    int port(String name) {
        return server.port(name);
    }

    String stderr() {
        return server.stderr();
    }

    /** SIGKILL: the server vanishes without a word, as after a crash or {@code kill -9}. */
    void kill() throws InterruptedException {
        server.kill();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
