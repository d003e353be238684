package dev.chat.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-bus options of {@code --cluster-tls}, put through what Vert.x's clustered event bus
 * does with them (its server and client options are made from {@code EventBusOptions.toJson()}):
 * two nodes sharing a certificate talk over mutually authenticated TLS; a node with another
 * certificate, or none, is refused.
 */
class ClusterTlsTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void nodesWithTheSharedCertificateTalkAndOthersAreRefused() throws Exception {
        CertificateMaterial shared = SelfSignedCertificate.generate("cluster", List.of());
        Path cert = Files.writeString(dir.resolve("c.pem"), shared.chainPem());
        Path key = Files.writeString(dir.resolve("k.pem"), shared.keyPem());
        ServerTls tls = ServerTls.load(TlsSettings.pemFiles(cert, key, dir), true);
        EventBusOptions bus = ClusterTls.applyTo(new EventBusOptions(), tls);

        NetServer server = vertx.createNetServer(new NetServerOptions(bus.toJson()).setHost("127.0.0.1").setPort(0));
        server.connectHandler(s -> {
            accepted.incrementAndGet();
            s.handler(s::write);
        });
        server.listen().await(30, TimeUnit.SECONDS);
        int port = server.actualPort();

        NetClientOptions asBus = new NetClientOptions(bus.toJson()).setHostnameVerificationAlgorithm("");
        NetClient node = vertx.createNetClient(asBus); // referenced until the end: Vert.x closes unreferenced clients
        NetSocket s = node.connect(port, "127.0.0.1").await(30, TimeUnit.SECONDS);
        assertThat(s.isSsl()).isTrue();
        Buffer back = Buffer.buffer();
        s.handler(back::appendBuffer);
        s.write("ping").await(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> back.length() == 4);
        s.close().await(30, TimeUnit.SECONDS);
        node.close().await(30, TimeUnit.SECONDS);

        // another node's own certificate is not trusted, and neither is a node without one:
        // they never reach the connect handler, and their connection is closed
        CertificateMaterial stranger = SelfSignedCertificate.generate("stranger", List.of());
        assertRefused(new NetClientOptions(asBus).setKeyCertOptions(stranger.keyCertOptions()), port);
        assertRefused(new NetClientOptions(asBus).setKeyCertOptions(null), port);
        assertThat(accepted.get()).isEqualTo(1);
    }

    private void assertRefused(NetClientOptions options, int port) throws Exception {
        NetClient client = vertx.createNetClient(options);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        client.connect(port, "127.0.0.1").onSuccess(sock -> {
            sock.closeHandler(v -> closed.set(true));
            sock.write("hi");
        }).onFailure(e -> closed.set(true));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilTrue(closed);
        client.close().await(30, TimeUnit.SECONDS);
    }
}
