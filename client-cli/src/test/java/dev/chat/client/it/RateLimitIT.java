package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A script that sends faster than the server allows still gets every line through, once. */
@Timeout(180)
class RateLimitIT {

    @Test
    void rateLimitedLinesAreSentAgainNotLost() throws Exception {
        int n = 60;
        try (ServerProcess server = ServerProcess.start("--rate-limit", "20", "--rate-burst", "5");
             ClientProcess sink = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick", "sink",
                     "--room", "flood", "--follow", "--beacon-interval", "0s")) {
            ClientProcess source = ClientProcess.start("--port", String.valueOf(server.tcpPort), "--nick", "source",
                    "--room", "flood", "--trace", "--beacon-interval", "0s");
            for (int i = 1; i <= n; i++) {
                source.writeLine("line " + i);
            }
            source.closeStdin();
            assertThat(source.waitFor()).isZero();
            assertThat(source.err.count(l -> l.startsWith("<< tcp") && l.contains("\"code\":\"rate_limited\"")))
                    .as("the server did refuse some").isPositive();
            assertThat(source.err.all()).noneMatch(l -> l.startsWith("chat client: message refused"));

            sink.awaitOut(l -> sink.out.all().size() >= n);
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                expected.add("#flood <source> line " + i);
            }
            // every line exactly once; the order holds except possibly inside the first refused burst
            assertThat(sink.out.all()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
