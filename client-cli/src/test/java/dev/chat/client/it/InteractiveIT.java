package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.Beacon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The interactive client in a real pseudo-terminal (tmux), talking to a script client. */
@Timeout(180)
class InteractiveIT {
    private static final String PROMPT = "alice@#lobby> ";
    private static ServerProcess server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private List<String> alice(Path history, int udpPort) {
        return List.of(Jars.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                "-jar", Jars.client().toString(), "--port", String.valueOf(server.tcpPort), "--udp-port",
                String.valueOf(udpPort), "--nick", "alice", "--room", "lobby", "--history-file",
                history.toString());
    }

    @Test
    void incomingMessagesLeaveTheHalfTypedLineAloneAndTabCompletes() throws Exception {
        Path history = tmp.resolve("history");
        try (ClientProcess bob = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick", "bob",
                "--room", "lobby", "--follow", "--beacon-interval", "0s");
             BeaconReceiver udp = new BeaconReceiver();
             Tmux term = new Tmux(alice(history, udp.port()))) {
            term.awaitLastRow(PROMPT.strip());

            term.type("hello wor");
            term.awaitLastRow(PROMPT + "hello wor");
            bob.writeLine("incoming from bob");
            term.awaitScreen(rows -> rows.stream().anyMatch(r -> r.matches("\\d\\d:\\d\\d <bob> incoming from bob")));
            List<String> rows = term.screen();
            assertThat(rows.get(rows.size() - 1)).isEqualTo(PROMPT + "hello wor");
            assertThat(rows.get(rows.size() - 2)).matches("\\d\\d:\\d\\d <bob> incoming from bob");

            term.type("ld");
            term.keys("Enter");
            bob.awaitOutLine("#lobby <alice> hello world");

            // Tab completes commands ...
            term.type("/jo");
            term.keys("Tab");
            term.awaitLastRow(PROMPT + "/join");
            term.keys("C-u");
            // ... and nicks of the people in our rooms
            term.type("/msg b");
            term.keys("Tab");
            term.awaitLastRow(PROMPT + "/msg bob");
            term.type("secret");
            term.keys("Enter");
            bob.awaitOutLine("*alice* secret");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.matches("\\d\\d:\\d\\d -> \\*bob\\* secret")));

            // escape sequences from others are shown, not obeyed
            bob.writeLine("\u001b[2J\u001b[31mRED");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.endsWith("<bob> ^[[2J^[[31mRED")));
            assertThat(term.screen()).anyMatch(x -> x.matches("\\d\\d:\\d\\d <bob> incoming from bob"));

            // presence: /away and /back go out in the beacons at once, and show in the prompt
            term.type("/away");
            term.keys("Enter");
            term.awaitLastRow("(away) " + PROMPT.strip());
            await().atMost(ClientProcess.WAIT).until(() -> udp.clientBeacons().stream()
                    .anyMatch(b -> b.status().equals(Beacon.AWAY)));
            term.type("/back");
            term.keys("Enter");
            term.awaitLastRow(PROMPT.strip());
            await().atMost(ClientProcess.WAIT).until(() -> {
                List<Beacon.ClientBeacon> b = udp.clientBeacons();
                return b.get(b.size() - 1).status().equals(Beacon.ONLINE);
            });

            term.type("/quit");
            term.keys("Enter");
            bob.awaitErr(l -> l.contains("\"type\":\"member\"") && l.contains("\"nick\":\"alice\"")
                    && l.contains("\"event\":\"quit\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
            List<Beacon.ClientBeacon> beacons = udp.clientBeacons();
            assertThat(beacons.get(beacons.size() - 1).status()).as("goodbye").isEqualTo(Beacon.OFFLINE);
            assertThat(beacons).allSatisfy(b -> assertThat(b.nick()).isEqualTo("alice"));
        }
        assertThat(Files.readString(history)).contains("hello world").contains("/msg bob secret");

        // the input history survives: Up brings back the last lines of the previous run
        try (Tmux again = new Tmux(alice(history, server.udpPort))) {
            again.awaitLastRow(PROMPT.strip());
            again.keys("Up");
            again.awaitLastRow(PROMPT + "/quit");
            again.keys("Up");
            again.awaitLastRow(PROMPT + "/back");
            again.keys("C-u");
            again.type("/quit");
            again.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !again.alive());
        }
    }
}
