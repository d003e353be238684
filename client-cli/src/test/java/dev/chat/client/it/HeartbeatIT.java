package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An idle client answers the server's pings, so the server keeps it (and it keeps receiving). */
@Timeout(180)
class HeartbeatIT {

    @Test
    void idleClientAnswersPingsAndStaysConnected() throws Exception {
        try (ServerProcess server = ServerProcess.start("--heartbeat", "1s");
             ClientProcess idle = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick", "idle",
                     "--room", "hb", "--follow", "--beacon-interval", "0s")) {
            // Three pings: silent for twice the heartbeat, an idle client that did not answer would be gone.
            await().atMost(ClientProcess.WAIT).until(() -> idle.framesIn("ping") >= 3);
            await().atMost(ClientProcess.WAIT).until(() -> idle.err.count(
                    l -> l.startsWith(">> tcp") && l.contains("{\"type\":\"pong\"")) >= 3);
            ClientProcess sender = ClientProcess.start("--port", String.valueOf(server.tcpPort), "--nick", "talker",
                    "--room", "hb", "--send", "still with us?", "--beacon-interval", "0s");
            assertThat(sender.waitFor()).isZero();
            idle.awaitOutLine("#hb <talker> still with us?");
            assertThat(idle.err.all()).noneMatch(l -> l.contains("lost") || l.contains("reconnect"));
        }
    }
}
