package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ServerMessage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against a server that sends the optional fields of docs/PROTOCOL.md
 * ({@link ScriptedServer}): beacons go where {@code welcome.udp_port} says, unless
 * {@code --udp-port} says otherwise; actions and reasons reach scripts.
 */
@Timeout(180)
class OptionalFieldsIT {

    @Test
    void beaconsGoToTheUdpPortTheWelcomeNames() throws Exception {
        try (BeaconReceiver udp = new BeaconReceiver();
             ScriptedServer server = new ScriptedServer(udp.port());
             ClientProcess c = ClientProcess.startReady("--port", String.valueOf(server.port()), "--nick", "alice",
                     "--room", "lobby", "--follow", "--beacon-interval", "200ms")) {
            awaitBeacons(udp, 2, c);
            assertThat(udp.clientBeacons()).allSatisfy(b -> assertThat(b.nick()).isEqualTo("alice"));
        }
    }

    @Test
    void anExplicitUdpPortWinsOverTheWelcome() throws Exception {
        try (BeaconReceiver named = new BeaconReceiver();
             BeaconReceiver chosen = new BeaconReceiver();
             ScriptedServer server = new ScriptedServer(named.port());
             ClientProcess c = ClientProcess.startReady("--port", String.valueOf(server.port()), "--nick", "alice",
                     "--room", "lobby", "--follow", "--beacon-interval", "200ms", "--udp-port",
                     String.valueOf(chosen.port()))) {
            awaitBeacons(chosen, 3, c);
            assertThat(named.clientBeacons()).isEmpty();
        }
    }

    @Test
    void aWelcomeWithUdpPortZeroMeansNoBeacons() throws Exception {
        try (BeaconReceiver udp = new BeaconReceiver();
             ScriptedServer server = new ScriptedServer(0);
             ClientProcess c = ClientProcess.startReady("--port", String.valueOf(server.port()), "--nick", "alice",
                     "--room", "lobby", "--follow", "--beacon-interval", "100ms")) {
            // with beacons on, one goes out at once on connecting, then every 100 ms: none does here
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> c.err.all().stream().noneMatch(l -> l.startsWith(">> udp")));
            assertThat(udp.clientBeacons()).isEmpty();
        }
    }

    @Test
    void actionsAndReasonsReachScripts() throws Exception {
        try (ScriptedServer server = new ScriptedServer(null);
             ClientProcess plain = ClientProcess.start("--port", String.valueOf(server.port()), "--nick", "alice",
                     "--room", "lobby", "--follow", "--beacon-interval", "0s")) {
            server.awaitJoined("lobby");
            server.send(ServerMessage.ChatMessage.inRoom("lobby", "bob", "waves", true, 1L, server.nextSeq()));
            server.send(ServerMessage.ChatMessage.direct("alice", "bob", "nods", true, 2L));
            server.send(ServerMessage.ChatMessage.inRoom("lobby", "bob", "plain words", false, 3L, server.nextSeq()));
            plain.awaitOutLine("#lobby <bob> plain words");
            assertThat(plain.out.all()).containsExactly("#lobby * bob waves", "*bob* * bob nods",
                    "#lobby <bob> plain words");
        }
        try (ScriptedServer server = new ScriptedServer(null);
             ClientProcess json = ClientProcess.start("--port", String.valueOf(server.port()), "--nick", "alice",
                     "--room", "lobby", "--follow", "--json", "--beacon-interval", "0s")) {
            server.awaitJoined("lobby");
            server.send(new ServerMessage.Member("lobby", "bob", ServerMessage.Member.QUIT, null, "bye now"));
            json.awaitOutLine("{\"type\":\"member\",\"room\":\"lobby\",\"nick\":\"bob\",\"event\":\"quit\","
                    + "\"reason\":\"bye now\"}");
        }
    }

    private static void awaitBeacons(BeaconReceiver udp, int n, ClientProcess c) {
        try {
            await().atMost(ClientProcess.WAIT).until(() -> udp.clientBeacons().size() >= n);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no " + n + " beacons on port " + udp.port() + "; the client's trace:\n"
                    + c.err.joined(), e);
        }
    }
}
