package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.Frames;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    /** The interactive client with these options (and a history file of its own). */
    static List<String> client(Path tmp, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Jars.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-jar", Jars.client().toString(), "--history-file",
                tmp.resolve("history").toString(), "--beacon-interval", "0s"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static ClientProcess bob(String room) throws Exception {
        return ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick", "bob", "--room", room,
                "--follow", "--beacon-interval", "0s");
    }

    @Test
    void ownLinesShowOnceCtrlCClearsTheLineAndNeverQuitsCtrlDQuits() throws Exception {
        try (ClientProcess bob = bob("once");
             Tmux term = new Tmux(client(tmp, "--port", String.valueOf(server.tcpPort), "--nick", "alice",
                     "--room", "once"))) {
            String prompt = "alice@#once> ";
            term.awaitPrompt(prompt);
            term.type("said once");
            term.keys("Enter");
            bob.awaitOutLine("#once <alice> said once");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.matches("\\d\\d:\\d\\d <alice> said once")));
            // the echo is the only trace of it: the typed line was erased when it was sent
            assertThat(term.screen().stream().filter(x -> x.contains("said once"))).hasSize(1);
            term.awaitPrompt(prompt);

            term.type("half a thought");
            term.awaitPrompt(prompt + "half a thought");
            term.keys("C-c");
            term.awaitPrompt(prompt);
            term.keys("C-c"); // on an empty line too: irssi and WeeChat never quit on Ctrl-C
            term.type("still here");
            term.keys("Enter");
            bob.awaitOutLine("#once <alice> still here");
            assertThat(term.alive()).isTrue();

            term.keys("C-d");
            bob.awaitErr(l -> l.contains("\"event\":\"quit\"") && l.contains("\"nick\":\"alice\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
        }
    }

    @Test
    void partingTheLastRoomLeavesNoTraceOfTheOldPrompt() throws Exception {
        try (Tmux term = new Tmux(client(tmp, "--port", String.valueOf(server.tcpPort), "--nick", "parter",
                "--room", "a-rather-long-room-name"))) {
            term.awaitPrompt("parter@#a-rather-long-room-name> ");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("*** connected")));
            term.type("/part");
            term.keys("Enter");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("left #a-rather-long-room-name")));
            term.awaitPrompt("parter> ");
            assertThat(term.cursorRow()).isEqualTo("parter>");
            assertThat(term.lastRow()).isEqualTo("[no window]");
            term.type("/quit");
            term.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
        }
    }

    @Test
    void aTakenNickBecomesNickUnderscoreInsteadOfExiting() throws Exception {
        try (ClientProcess holder = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick",
                "carol", "--room", "taken", "--follow", "--beacon-interval", "0s");
             Tmux term = new Tmux(client(tmp, "--port", String.valueOf(server.tcpPort), "--nick", "carol",
                     "--room", "taken"))) {
            term.awaitPrompt("carol_@#taken> ");
            term.awaitScreen(r -> r.contains("*** nick carol is taken: you are carol_ (/nick to choose another)"));
            term.type("hello as carol_");
            term.keys("Enter");
            holder.awaitOutLine("#taken <carol_> hello as carol_");
            term.type("/quit");
            term.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
        }
    }

    /**
     * No server at the start: the client keeps trying, with the reconnect backoff and a
     * countdown in the prompt; what is typed meanwhile goes out once it is connected, and a
     * Ctrl-C after typed-ahead lines neither quits nor loses them.
     */
    @Test
    void withoutAServerItKeepsTryingAndSendsWhatWasTypedMeanwhile() throws Exception {
        try (TcpProxy proxy = new TcpProxy(server.tcpPort);
             ClientProcess bob = bob("early")) {
            proxy.refuse(true);
            try (Tmux term = new Tmux(client(tmp, "--port", String.valueOf(proxy.port()), "--nick", "early",
                    "--room", "early"))) {
                term.awaitPromptMatching("\\(offline, retry in \\d+s\\) early@#early>");
                term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("*** cannot connect (127.0.0.1:"
                        + proxy.port())));
                term.type("typed while waiting");
                term.keys("Enter");
                term.type("and a second line");
                term.keys("Enter", "C-c");
                term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("*** not connected yet")));
                assertThat(term.alive()).isTrue();

                proxy.refuse(false);
                bob.awaitOutLine("#early <early> and a second line");
                assertThat(bob.out.all()).containsExactly("#early <early> typed while waiting",
                        "#early <early> and a second line");
                term.awaitPrompt("early@#early> ");
                term.type("/quit");
                term.keys("Enter");
                await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
            }
        }
    }

    /**
     * The client signs its beacons with its session's key (to the UDP port the server names), a
     * hand-made unsigned beacon does not: the presence notices and {@code /peers} tell them apart.
     */
    @Test
    void peersAndPresenceNoticesTellASignedPeerFromAnUnsignedOne() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Jars.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-jar", Jars.client().toString(), "--history-file",
                tmp.resolve("history").toString(), "--port", String.valueOf(server.tcpPort), "--nick", "dana",
                "--room", "lan", "--beacon-interval", "1s"));
        try (DatagramSocket hand = new DatagramSocket(0, InetAddress.getLoopbackAddress()); Tmux term = new Tmux(cmd)) {
            term.awaitPrompt("dana@#lan> ");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.matches("-- dana is online \\(127\\.0\\.0\\.1:\\d+, verified\\)")),
                    "dana's own signed beacons, verified");
            String json = "{\"type\":\"beacon\",\"role\":\"client\",\"nick\":\"pybeacon\",\"status\":\"away\","
                    + "\"seq\":1,\"ts\":" + System.currentTimeMillis() + ",\"interval_ms\":60000}";
            byte[] frame = Frames.frame(json.getBytes(StandardCharsets.UTF_8));
            hand.send(new DatagramPacket(frame, frame.length, InetAddress.getLoopbackAddress(), server.udpPort));
            String handAddress = "127.0.0.1:" + hand.getLocalPort();
            term.awaitScreen(r -> r.contains("-- pybeacon is away (" + handAddress + ", unverified)"),
                    "the unsigned beacon's notice, unverified");

            term.type("/peers");
            term.keys("Enter");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("NICK ") && x.endsWith(" VERIFIED"))
                    && r.stream().anyMatch(x -> x.startsWith("dana ") && x.endsWith(" yes"))
                    && r.stream().anyMatch(x -> x.startsWith("pybeacon ") && x.contains(handAddress) && x.endsWith(" no")),
                    "/peers: dana verified, pybeacon not");
            term.type("/quit");
            term.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
        }
    }

    @Test
    void incomingMessagesLeaveTheHalfTypedLineAloneAndTabCompletes() throws Exception {
        Path history = tmp.resolve("history");
        try (ClientProcess bob = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick", "bob",
                "--room", "lobby", "--follow", "--beacon-interval", "0s");
             BeaconReceiver udp = new BeaconReceiver();
             Tmux term = new Tmux(alice(history, udp.port()))) {
            term.awaitPrompt(PROMPT);

            term.type("hello wor");
            term.awaitPrompt(PROMPT + "hello wor");
            bob.writeLine("incoming from bob");
            term.awaitScreen(rows -> rows.stream().anyMatch(r -> r.matches("\\d\\d:\\d\\d <bob> incoming from bob")));
            List<String> rows = term.screen();
            int y = term.cursorY();
            assertThat(rows.get(y)).isEqualTo(PROMPT + "hello wor");
            assertThat(rows.get(y - 1)).matches("\\d\\d:\\d\\d <bob> incoming from bob");
            assertThat(term.lastRow()).as("the status bar").isEqualTo("[1:#lobby]");

            term.type("ld");
            term.keys("Enter");
            bob.awaitOutLine("#lobby <alice> hello world");

            // Tab completes commands ...
            term.type("/jo");
            term.keys("Tab");
            term.awaitPrompt(PROMPT + "/join");
            term.keys("C-u");
            // ... and nicks of the people in our rooms
            term.type("/msg b");
            term.keys("Tab");
            term.awaitPrompt(PROMPT + "/msg bob");
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
            term.awaitPrompt("(away) " + PROMPT);
            await().atMost(ClientProcess.WAIT).until(() -> udp.clientBeacons().stream()
                    .anyMatch(b -> b.status().equals(Beacon.AWAY)));
            term.type("/back");
            term.keys("Enter");
            term.awaitPrompt(PROMPT);
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
            again.awaitPrompt(PROMPT);
            again.keys("Up");
            again.awaitPrompt(PROMPT + "/quit");
            again.keys("Up");
            again.awaitPrompt(PROMPT + "/back");
            again.keys("C-u");
            again.type("/quit");
            again.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !again.alive());
        }
    }
}
