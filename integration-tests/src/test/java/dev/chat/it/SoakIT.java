package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.testsupport.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short soak (docs/RELIABILITY.md has the long one): a minute of churn against the real
 * server jar with {@code ./chat bench soak}; once it stops, the server's open files and threads
 * are back where they were and every connection is gone, and the server answered all along.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SoakIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMinuteOfChurnLeavesNoFilesThreadsOrConnectionsBehind() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            Path jar = Path.of(System.getProperty("chat.root", ".."), "tools", "target", "chat-tools.jar");
            assertThat(Files.isRegularFile(jar)).as(jar + " is built").isTrue();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString(), "bench", "soak",
                    "--server", "127.0.0.1:" + server.tcpPort(), "--http", "127.0.0.1:" + server.httpPort(),
                    "--server-pid", Long.toString(server.process().pid()),
                    "--warmup", "10s", "--duration", "60s", "--sample", "20s", "--settle", "60s",
                    "--workers", "8", "--slow", "2"));
            Process soak = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            soak.getOutputStream().close();
            String out = new String(soak.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(soak.waitFor(4, TimeUnit.MINUTES)).as("soak ended").isTrue();
            String report = new String(soak.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println("SoakIT:\n" + out + report);
            assertThat(soak.exitValue()).as("soak's verdict: %s", report).isZero();

            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    lines.add(JSON.readTree(l));
                }
            }
            JsonNode base = lines.get(0);
            JsonNode end = lines.get(lines.size() - 1);
            assertThat(base.get("kind").asText()).isEqualTo("baseline");
            assertThat(end.get("kind").asText()).isEqualTo("end");
            assertThat(lines).as("samples during the churn").hasSizeGreaterThanOrEqualTo(4);
            // the churn happened, and the server answered throughout
            assertThat(end.get("cycles").asLong()).as("connect-to-leave cycles").isGreaterThan(100);
            assertThat(end.get("failures").asLong()).as("requests that failed or timed out").isZero();
            for (JsonNode sample : lines.subList(1, lines.size() - 1)) {
                assertThat(sample.get("connections").asInt()).as("connections while churning").isPositive();
            }
            // and left nothing behind
            assertThat(end.get("connections").asInt()).isZero();
            assertThat(end.get("open_files").asInt()).isLessThanOrEqualTo(base.get("open_files").asInt() + 8);
            assertThat(end.get("threads").asInt()).isLessThanOrEqualTo(base.get("threads").asInt() + 4);
            assertThat(server.process().isAlive()).isTrue();
        }
    }
}
