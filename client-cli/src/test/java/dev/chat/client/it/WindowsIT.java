package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What IRC users reach for, in a real pseudo-terminal (tmux): one window per room and per
 * direct conversation, Alt+n and {@code /window n}, the activity list in the status bar,
 * mentions highlighted with a bell, nick completion at the start of a line, {@code /r},
 * {@code /search}, {@code /me}, {@code /topic}, reasons, and {@code --log-dir}.
 */
@Timeout(240)
class WindowsIT {
    private static final String TIME = "\\d\\d:\\d\\d ";
    private static final char BEL = 7;
    private static ServerProcess server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start("--rate-limit", "0");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static boolean hasLine(List<String> rows, String regex) {
        return rows.stream().anyMatch(r -> r.matches(regex));
    }

    @Test
    void windowsActivityMentionsCompletionReplySearchAndLogs() throws Exception {
        Path logs = tmp.resolve("logs");
        Path raw = tmp.resolve("terminal-output");
        try (RawClient bob = new RawClient(server.tcpPort, "bob", "lobby", "ops");
             Tmux term = new Tmux(InteractiveIT.client(tmp, "--port", String.valueOf(server.tcpPort), "--nick",
                     "alice", "--room", "lobby", "--room", "ops", "--log-dir", logs.toString()))) {
            term.awaitPrompt("alice@#lobby> ");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("*** connected")));
            term.recordOutput(raw);
            assertThat(term.lastRow()).isEqualTo("[1:#lobby]");

            // a message in another window: counted, not shown
            bob.say("ops", "deploy is done");
            term.awaitLastRow("[1:#lobby] [Act: 2:#ops(1)]");
            assertThat(term.screen()).noneMatch(r -> r.contains("deploy is done"));
            // one that mentions us: marked, and the bell rings
            bob.say("ops", "alice: please check");
            term.awaitLastRow("[1:#lobby] [Act: 2:#ops(2!)]");
            await().atMost(ClientProcess.WAIT).until(() -> Files.readString(raw, StandardCharsets.ISO_8859_1)
                    .indexOf(BEL) >= 0);

            // Alt+2 shows the window, the half-typed line stays
            term.type("half typed");
            term.keys("M-2");
            term.awaitLastRow("[2:#ops]");
            term.awaitPrompt("alice@#ops> half typed");
            term.awaitScreen(r -> hasLine(r, TIME + "<bob> deploy is done") && hasLine(r, TIME + "<bob> alice: please check"));
            String styled = term.styledScreen().lines().filter(l -> l.contains("please check")).findFirst().orElseThrow();
            assertThat(styled).as("the mention is highlighted (yellow background)").contains("43m");
            term.keys("C-u");

            // a nick at the start of a line completes to "bob: "
            term.type("b");
            term.keys("Tab");
            term.awaitPrompt("alice@#ops> bob: ");
            term.type("on it");
            term.keys("Enter");
            bob.awaitText("bob: on it");

            // a direct message opens a window of its own, and /r answers it
            bob.dm("alice", "psst");
            term.awaitLastRow("[2:#ops] [Act: 3:bob(1!)]");
            term.type("/r got it");
            term.keys("Enter");
            assertThat(bob.awaitText("got it").from()).isEqualTo("alice");
            term.awaitScreen(r -> hasLine(r, TIME + "-> \\*bob\\* got it"));

            term.type("/window 3");
            term.keys("Enter");
            term.awaitLastRow("[3:bob]");
            term.awaitPrompt("alice->bob> ");
            term.awaitScreen(r -> hasLine(r, TIME + "\\*bob\\* psst") && hasLine(r, TIME + "-> \\*bob\\* got it"));
            term.type("typed in the conversation");
            term.keys("Enter");
            assertThat(bob.awaitText("typed in the conversation").isDirect()).isTrue();

            // /window lists the windows; /search looks through all of them
            term.keys("M-1");
            term.awaitLastRow("[1:#lobby]");
            term.type("/search DEPLOY");
            term.keys("Enter");
            term.awaitScreen(r -> r.contains("*** search for 'DEPLOY': 1 line")
                    && hasLine(r, "  2:#ops " + TIME + "<bob> deploy is done"));

            // #lobby was made by a guest: no operator, so anyone in it sets the topic; shown once
            term.type("/topic release on Friday");
            term.keys("Enter");
            term.awaitScreen(r -> hasLine(r, "-- topic of #lobby: release on Friday \\(set by alice at " + TIME.strip()
                    + "\\)"));
            assertThat(term.screen().stream().filter(l -> l.contains("release on Friday"))).hasSize(1);

            term.type("/quit");
            term.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
        }
        String ops = Files.readString(logs.resolve("#ops.log"));
        assertThat(ops).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d <bob> deploy is done$")
                .containsPattern("(?m)<alice> bob: on it$");
        String conversation = Files.readString(logs.resolve("bob.log"));
        assertThat(conversation).containsPattern("(?m)<bob> psst$").containsPattern("(?m)<alice> got it$")
                .containsPattern("(?m)<alice> typed in the conversation$");
        assertThat(Files.readAllLines(logs.resolve("#lobby.log"))).as("nothing was said in #lobby: its topic only")
                .singleElement().asString().contains("-- topic of #lobby: release on Friday (set by alice at ");
    }

    /** Reasons and actions from a server that sends them, and ours going out. */
    @Test
    void reasonsAndActionsBothWays() throws Exception {
        try (ScriptedServer scripted = new ScriptedServer(null);
             Tmux term = new Tmux(InteractiveIT.client(tmp, "--port", String.valueOf(scripted.port()), "--nick",
                     "alice", "--room", "lobby", "--room", "ops"))) {
            term.awaitPrompt("alice@#lobby> ");
            scripted.awaitJoined("ops");
            scripted.send(new ServerMessage.Member("lobby", "bob", ServerMessage.Member.JOIN, null));
            scripted.send(ServerMessage.ChatMessage.inRoom("lobby", "bob", "waves", true, System.currentTimeMillis(),
                    scripted.nextSeq()));
            scripted.send(new ServerMessage.Member("lobby", "bob", ServerMessage.Member.PART, null, "lunch"));
            scripted.send(new ServerMessage.Member("lobby", "carol", ServerMessage.Member.QUIT, null, "bye now"));
            term.awaitScreen(r -> hasLine(r, TIME + "\\* bob waves") && r.contains("-- bob left #lobby (lunch)")
                    && r.contains("-- carol quit (bye now)"));

            term.type("/me stretches");
            term.keys("Enter");
            term.type("/part #ops see you later");
            term.keys("Enter");
            term.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("left #ops")));
            term.type("/quit off to lunch");
            term.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
            await().atMost(ClientProcess.WAIT).until(() -> scripted.received().stream()
                    .anyMatch(m -> m instanceof ClientMessage.Quit));
            List<ClientMessage> sent = scripted.received();
            assertThat(sent).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(ClientMessage.Say.class, s -> {
                assertThat(s.text()).isEqualTo("stretches");
                assertThat(s.action()).isTrue();
            }));
            assertThat(sent).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(ClientMessage.Part.class, p ->
                    assertThat(p).isEqualTo(new ClientMessage.Part(p.id(), "ops", "see you later"))));
            assertThat(sent).anySatisfy(m -> assertThat(m).isEqualTo(new ClientMessage.Quit(null, "off to lunch")));
        }
    }

    /** Two terminals through the real server: /part and /quit reasons and /me reach the other one. */
    @Test
    void reasonsAndActionsReachAnotherTerminalThroughTheServer() throws Exception {
        Path bobHome = Files.createDirectories(tmp.resolve("bob"));
        try (Tmux bob = new Tmux(InteractiveIT.client(bobHome, "--port", String.valueOf(server.tcpPort),
                "--nick", "rbob", "--room", "side", "--room", "lounge"))) {
            bob.awaitPrompt("rbob@#side> ");
            bob.awaitScreen(r -> r.stream().anyMatch(x -> x.startsWith("*** connected")));
            try (Tmux alice = new Tmux(InteractiveIT.client(tmp, "--port", String.valueOf(server.tcpPort), "--nick",
                    "ralice", "--room", "lounge", "--room", "side"))) {
                alice.awaitPrompt("ralice@#lounge> ");
                bob.awaitScreen(r -> r.stream().anyMatch(x -> x.contains("ralice joined #side")));

                alice.type("/part #side see you");
                alice.keys("Enter");
                bob.awaitScreen(r -> r.contains("-- ralice left #side (see you)"));

                bob.keys("M-2");
                bob.awaitPrompt("rbob@#lounge> ");
                alice.type("/me waves");
                alice.keys("Enter");
                bob.awaitScreen(r -> hasLine(r, TIME + "\\* ralice waves"));
                alice.awaitScreen(r -> hasLine(r, TIME + "\\* ralice waves"));
                assertThat(alice.screen().stream().filter(x -> x.contains("ralice waves"))).as("shown once").hasSize(1);

                alice.type("/quit off to lunch");
                alice.keys("Enter");
                bob.awaitScreen(r -> r.contains("-- ralice quit (off to lunch)"));
                await().atMost(Duration.ofSeconds(30)).until(() -> !alice.alive());
            }
            bob.type("/quit");
            bob.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !bob.alive());
        }
    }

    @Test
    void noBellTurnsTheBellOff() throws Exception {
        Path raw = tmp.resolve("terminal-output");
        try (ScriptedServer scripted = new ScriptedServer(null);
             Tmux term = new Tmux(InteractiveIT.client(tmp, "--port", String.valueOf(scripted.port()), "--nick",
                     "alice", "--room", "lobby", "--no-bell"))) {
            term.awaitPrompt("alice@#lobby> ");
            scripted.awaitJoined("lobby");
            term.recordOutput(raw);
            scripted.send(ServerMessage.ChatMessage.direct("alice", "bob", "psst", System.currentTimeMillis()));
            scripted.send(ServerMessage.ChatMessage.inRoom("lobby", "bob", "alice, look", System.currentTimeMillis(),
                    scripted.nextSeq()));
            term.awaitLastRow("[1:#lobby] [Act: 2:bob(1!)]");
            term.awaitScreen(r -> hasLine(r, TIME + "<bob> alice, look"));
            // a bell would come right after that line; this one comes after it, and is all there is
            scripted.send(new ServerMessage.Member("lobby", "zed", ServerMessage.Member.JOIN, null));
            await().atMost(ClientProcess.WAIT).until(() -> Files.readString(raw, StandardCharsets.ISO_8859_1)
                    .contains("zed joined"));
            assertThat(Files.readString(raw, StandardCharsets.ISO_8859_1)).doesNotContain(String.valueOf(BEL));
            term.type("/quit");
            term.keys("Enter");
            await().atMost(Duration.ofSeconds(30)).until(() -> !term.alive());
        }
    }
}
