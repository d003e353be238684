package dev.chat.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fan-out scenario against real servers (in-process, real sockets), with tiny numbers. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FanoutBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private ChatServer server;
    private ChatServer other;

    @AfterEach
    void stop() throws Exception {
        for (ChatServer s : new ChatServer[] {server, other}) {
            if (s != null) {
                s.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static ChatServer start() throws Exception {
        // benchmarks run with flood control off
        ServerConfig config = ServerConfig.forTests().toBuilder().maxConnectionsPerIp(10_000).maxPendingPerIp(10_000).rateLimit(0).announce(false).build();
        return ChatServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** The one line on stdout, as JSON. */
    private static JsonNode json(BenchRunner r) throws Exception {
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).as("stdout: %s%nstderr: %s", r.out(), r.err()).hasSize(1);
        return JSON.readTree(lines[0]);
    }

    @Test
    void pacedFanOutDeliversEveryMessageToEveryOtherMember() throws Exception {
        server = start();
        BenchRunner r = BenchRunner.run("bench", "fanout", "--server", "127.0.0.1:" + server.tcpPort(),
                "--clients", "20", "--senders", "2", "--room-size", "10", "--rate", "100",
                "--duration", "2s", "--warmup", "500ms");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode j = json(r);
        assertThat(j.get("scenario").asText()).isEqualTo("fanout");
        assertThat(j.get("loss").asLong()).isZero();
        assertThat(j.get("errors").asLong()).isZero();
        long sent = j.get("sent").asLong();
        assertThat(sent).isBetween(150L, 250L); // 100 msg/s for 2 s
        assertThat(j.get("deliveries").asLong()).isEqualTo(sent * 9).isEqualTo(j.get("expected_deliveries").asLong());
        assertThat(j.get("latency_us").get("count").asLong()).isEqualTo(sent * 9);
        assertThat(j.get("latency_us").get("p99").asDouble()).isPositive();
        assertThat(j.get("ok").asBoolean()).isTrue();
        assertThat(r.err()).contains("deliveries_per_s").contains("measure");
    }

    @Test
    void windowedFanOutOverSeveralAddressesLosesNothing() throws Exception {
        server = start();
        int port = server.tcpPort();
        BenchRunner r = BenchRunner.run("bench", "fanout", "--servers", "127.0.0.1:" + port + ",localhost:" + port,
                "--clients", "20", "--senders", "2", "--room-size", "20", "--window", "4",
                "--duration", "1s", "--warmup", "0s", "--threads", "2");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode j = json(r);
        assertThat(j.get("mode").asText()).isEqualTo("window");
        assertThat(j.get("sent").asLong()).isPositive();
        assertThat(j.get("deliveries").asLong()).isEqualTo(j.get("sent").asLong() * 19);
        assertThat(j.get("loss").asLong()).isZero();
        assertThat(j.get("unanswered").asLong()).isZero();
    }

    @Test
    void deliveriesThatNeverArriveAreReportedAsLoss() throws Exception {
        // two servers that are not clustered: members on the other one never see the messages
        server = start();
        other = start();
        BenchRunner r = BenchRunner.run("bench", "fanout",
                "--servers", "127.0.0.1:" + server.tcpPort() + ",127.0.0.1:" + other.tcpPort(),
                "--clients", "10", "--senders", "1", "--room-size", "10", "--rate", "50",
                "--duration", "1s", "--warmup", "0s", "--drain", "3s");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode j = json(r);
        long sent = j.get("sent").asLong();
        assertThat(sent).isPositive();
        // the sender (client 0) shares its server with clients 2, 4, 6, 8: 4 of 9 deliveries arrive
        assertThat(j.get("deliveries").asLong()).isEqualTo(sent * 4);
        assertThat(j.get("loss").asLong()).isEqualTo(sent * 5);
        assertThat(j.get("ok").asBoolean()).isFalse();
    }
}
