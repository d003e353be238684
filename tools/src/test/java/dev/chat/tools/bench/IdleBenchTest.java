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

/** The idle scenario against a real in-process server; the "server process" is this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleBenchTest {
    private ChatServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void setsUpEveryClientAndReadsTheServersMemory() throws Exception {
        server = ChatServer.start(ServerConfig.forTests().toBuilder().maxConnectionsPerIp(10_000).maxPendingPerIp(10_000).announce(false).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        BenchRunner r = BenchRunner.run("bench", "idle", "--server", "127.0.0.1:" + server.tcpPort(),
                "--clients", "30", "--room-size", "10", "--prime", "5", "--settle", "0s",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).hasSize(1);
        JsonNode j = new ObjectMapper().readTree(lines[0]);
        assertThat(j.get("scenario").asText()).isEqualTo("idle");
        assertThat(j.get("clients").asInt()).isEqualTo(30);
        assertThat(j.get("connections_per_s").asDouble()).isPositive();
        assertThat(j.get("rss_before_bytes").asLong()).isPositive();
        assertThat(j.get("rss_after_bytes").asLong()).isPositive();
        assertThat(j.has("rss_per_connection_bytes")).isTrue();
        assertThat(j.get("errors").asLong()).isZero();
        assertThat(server.metrics().connectionsTotal.sum()).isEqualTo(35); // 5 primed + 30 measured
    }
}
