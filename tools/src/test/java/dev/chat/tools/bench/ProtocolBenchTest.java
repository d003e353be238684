package dev.chat.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generator's protocol modes, each against a real server on loopback: IRC and WebSocket
 * against small fixture servers ({@link BenchFixtures}: this project's server has neither
 * listener yet), TLS against the real chat server behind a TLS relay, and against the IRC
 * fixture's TLS port. Every message must reach every other member, and be measured.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProtocolBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private BenchFixtures fixtures;
    private ChatServer server;

    @BeforeEach
    void start() {
        fixtures = new BenchFixtures();
    }

    @AfterEach
    void stop() throws Exception {
        fixtures.close();
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static JsonNode json(BenchRunner r) throws Exception {
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).as("stdout: %s%nstderr: %s", r.out(), r.err()).hasSize(1);
        return JSON.readTree(lines[0]);
    }

    private static void assertEveryDeliveryMeasured(BenchRunner r, JsonNode j, int others) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        long sent = j.get("sent").asLong();
        assertThat(sent).isPositive();
        assertThat(j.get("deliveries").asLong()).isEqualTo(sent * others).isEqualTo(j.get("expected_deliveries").asLong());
        assertThat(j.get("latency_us").get("count").asLong()).isEqualTo(sent * others);
        assertThat(j.get("loss").asLong()).isZero();
        assertThat(j.get("errors").asLong()).isZero();
        assertThat(j.get("ok").asBoolean()).isTrue();
    }

    @Test
    void pacedFanOutOverIrcCountsPrivmsgLinesAndSendsTheSetupLines() throws Exception {
        int port = fixtures.irc(false);
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "irc", "--server", "127.0.0.1:" + port,
                "--irc-setup", "MODE {nick} +F", "--clients", "20", "--senders", "2", "--room-size", "10",
                "--rate", "100", "--duration", "2s", "--warmup", "500ms");

        JsonNode j = json(r);
        assertEveryDeliveryMeasured(r, j, 9);
        assertThat(j.get("protocol").asText()).isEqualTo("irc");
        assertThat(j.get("sent").asLong()).isBetween(150L, 250L);
        assertThat(j.get("echoes_missing").asLong()).isZero(); // IRC servers do not echo: nothing expected
        assertThat(j.get("send_lag_us").get("p50").asDouble()).isNotNegative();
        assertThat(fixtures.otherIrcLines).hasSize(20).allMatch(l -> l.matches("MODE b\\w{4}-\\d{5} \\+F"));
    }

    @Test
    void windowedFanOutOverIrcIsPacedByEachSendersWitness() throws Exception {
        int port = fixtures.irc(false);
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "irc", "--server", "127.0.0.1:" + port,
                "--clients", "20", "--senders", "2", "--room-size", "10", "--window", "4", "--threads", "2",
                "--duration", "1s", "--warmup", "0s");

        JsonNode j = json(r);
        assertEveryDeliveryMeasured(r, j, 9);
        assertThat(j.get("unanswered").asLong()).isZero();
    }

    @Test
    void ircOverTlsWorksWithASelfSignedCertificate() throws Exception {
        int port = fixtures.irc(true);
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "irc", "--tls", "--server", "127.0.0.1:" + port,
                "--clients", "10", "--senders", "1", "--room-size", "10", "--rate", "50",
                "--duration", "1s", "--warmup", "200ms");

        JsonNode j = json(r);
        assertEveryDeliveryMeasured(r, j, 9);
        assertThat(j.get("protocol").asText()).isEqualTo("irc+tls");
    }

    @Test
    void ircRefusesTextsThatDoNotFitInALine() {
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "irc", "--server", "127.0.0.1:6667",
                "--clients", "10", "--senders", "1", "--room-size", "10", "--rate", "50", "--text-size", "450");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--text-size over IRC must be at most 400");
    }

    @Test
    void pacedAndWindowedFanOutOverWebSocket() throws Exception {
        int port = fixtures.webSocket();
        BenchRunner paced = BenchRunner.run("bench", "fanout", "--protocol", "ws", "--server", "127.0.0.1:" + port,
                "--clients", "20", "--senders", "2", "--room-size", "10", "--rate", "100",
                "--duration", "1s", "--warmup", "200ms");
        JsonNode j = json(paced);
        assertEveryDeliveryMeasured(paced, j, 9);
        assertThat(j.get("protocol").asText()).isEqualTo("ws");
        assertThat(j.get("echoes_missing").asLong()).isZero();

        BenchRunner windowed = BenchRunner.run("bench", "fanout", "--protocol", "ws", "--server", "127.0.0.1:" + port,
                "--clients", "20", "--senders", "2", "--room-size", "20", "--window", "8",
                "--duration", "1s", "--warmup", "0s");
        JsonNode w = json(windowed);
        assertEveryDeliveryMeasured(windowed, w, 19);
        assertThat(w.get("unanswered").asLong()).isZero();
        // warm-up says reach the server too; the measured ones are a part of them
        assertThat(fixtures.wsSays.get()).isGreaterThanOrEqualTo(j.get("sent").asLong() + w.get("sent").asLong());
    }

    @Test
    void aWrongWebSocketPathFailsTheSetUpWithExitCode3() throws Exception {
        int port = fixtures.webSocket();
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "ws", "--ws-path", "/nope",
                "--server", "127.0.0.1:" + port, "--clients", "2", "--senders", "1", "--room-size", "2",
                "--rate", "10", "--duration", "1s", "--setup-timeout", "20s");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("during set-up");
    }

    @Test
    void framedProtocolInsideTlsAgainstTheRealServer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dataDir)
            throws Exception {
        // the server's own TLS port (--tls-port), with its self-signed certificate
        server = ChatServer.start(ServerConfig.forTests().toBuilder().maxConnectionsPerIp(10_000).maxPendingPerIp(10_000).rateLimit(0).announce(false).tlsPort(0)
                        .dataDir(dataDir).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        int port = server.tlsPort();
        BenchRunner r = BenchRunner.run("bench", "fanout", "--tls", "--server", "127.0.0.1:" + port,
                "--clients", "20", "--senders", "2", "--room-size", "10", "--rate", "100",
                "--duration", "1s", "--warmup", "200ms");

        JsonNode j = json(r);
        assertEveryDeliveryMeasured(r, j, 9);
        assertThat(j.get("protocol").asText()).isEqualTo("framed+tls");
        assertThat(j.get("echoes_missing").asLong()).isZero();
        assertThat(j.get("unanswered").asLong()).isZero();
    }

    @Test
    void ircModeAgainstTheRealServersIrcListener() throws Exception {
        server = ChatServer.start(ServerConfig.forTests().toBuilder().maxConnectionsPerIp(10_000).maxPendingPerIp(10_000).rateLimit(0).announce(false).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "irc",
                "--server", "127.0.0.1:" + server.port("irc"), "--clients", "20", "--senders", "2", "--room-size", "10",
                "--rate", "100", "--duration", "1s", "--warmup", "200ms");

        JsonNode j = json(r);
        assertEveryDeliveryMeasured(r, j, 9);
        assertThat(j.get("protocol").asText()).isEqualTo("irc");
    }

    @Test
    void plaintextAtATlsPortIsAClearSetUpFailure() throws Exception {
        int port = fixtures.irc(true);
        BenchRunner r = BenchRunner.run("bench", "fanout", "--protocol", "irc", "--server", "127.0.0.1:" + port,
                "--clients", "2", "--senders", "1", "--room-size", "2", "--rate", "10", "--duration", "1s",
                "--setup-timeout", "10s");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    }
}
