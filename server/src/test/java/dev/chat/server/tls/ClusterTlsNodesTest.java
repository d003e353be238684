package dev.chat.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.CertificateFingerprint;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cluster-tls} end to end: two clustered nodes in this JVM sharing one certificate chat
 * across their event bus, which speaks TLS with that certificate and refuses a connection that
 * shows none.
 */
class ClusterTlsNodesTest {
    @TempDir
    Path dir;

    private final List<ChatServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ChatServer n : nodes) {
            n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void nodesChatOverATlsBusThatRefusesStrangers() throws Exception {
        CertificateMaterial shared = SelfSignedCertificate.generate("cluster", List.of());
        Path cert = Files.writeString(dir.resolve("cert.pem"), shared.chainPem());
        Path key = Files.writeString(dir.resolve("key.pem"), shared.keyPem());
        int[] ports = {ServerProcess.freePort(), ServerProcess.freePort()};
        int[] bus = {ServerProcess.freePort(), ServerProcess.freePort()};
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        List<CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ServerTls tls = ServerTls.load(TlsSettings.pemFiles(cert, key, dir), true);
            starting.add(ChatServer.start(ServerConfig.forTests().toBuilder().name("node" + (i + 1)).cluster(true)
                    .clusterHost("127.0.0.1").clusterPort(ports[i]).busPort(bus[i]).clusterMembers(members).build(),
                    tls, true).toCompletionStage().toCompletableFuture());
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }

        try (ChatClient a = ChatClient.registered(nodes.get(0).tcpPort(), "on-one");
             ChatClient b = ChatClient.registered(nodes.get(1).tcpPort(), "on-two")) {
            assertThat(a.request(id -> new ClientMessage.Join(id, "sealed"))).isInstanceOf(ServerMessage.Joined.class);
            assertThat(b.request(id -> new ClientMessage.Join(id, "sealed"))).isInstanceOf(ServerMessage.Joined.class);
            assertThat(a.request(id -> new ClientMessage.Say(id, "sealed", "through TLS"))).isInstanceOf(ServerMessage.Ok.class);
            b.nextOf(ServerMessage.ChatMessage.class, m -> m.text().equals("through TLS"));
        }

        // the bus port shows the shared certificate, and a client without one gets nothing through
        SSLContext ctx = SSLContext.getInstance("TLS");
        X509Certificate[] seen = new X509Certificate[1];
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", bus[0])) {
            s.setSoTimeout(10_000);
            assertThatThrownBy(() -> {
                s.startHandshake();
                s.getOutputStream().write(new byte[] {0, 0, 0, 1, 0});
                s.getOutputStream().flush();
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed by the node");
                }
            }).as("a connection without a client certificate").isInstanceOf(IOException.class);
        }
        assertThat(seen[0]).as("the bus presented a certificate").isNotNull();
        assertThat(CertificateFingerprint.of(seen[0].getEncoded())).isEqualTo(shared.fingerprint());
    }
}
