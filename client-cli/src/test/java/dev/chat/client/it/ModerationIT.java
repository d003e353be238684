package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room operator at work, with real clients: alice (interactive, in tmux) registers, creates
 * #ops and so runs it; carol (interactive) and bob (script mode, {@code --json}) are guests in
 * it. What each of them sees of a topic, a moderated room, a voice, a kick and a ban.
 */
@Timeout(240)
class ModerationIT {
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

    private static boolean has(List<String> rows, String text) {
        return rows.stream().anyMatch(r -> r.contains(text));
    }

    @Test
    void anOperatorSetsTheTopicModeratesVoicesKicksAndBansAndEveryoneSeesIt() throws Exception {
        String port = String.valueOf(server.tcpPort);
        try (Tmux alice = new Tmux(InteractiveIT.client(tmp.resolve("a"), "--port", port, "--nick", "alice",
                "--room", "lobby"))) {
            alice.awaitPrompt("alice@#lobby> ");
            alice.type("/register correct horse");
            alice.keys("Enter");
            alice.awaitScreen(r -> has(r, "your nick is now an account"), "registered");
            alice.type("/join ops");
            alice.keys("Enter");
            alice.awaitScreen(r -> has(r, "joined #ops: 1 member (@alice)"), "alice runs the new room");

            try (Tmux carol = new Tmux(InteractiveIT.client(tmp.resolve("c"), "--port", port, "--nick", "carol",
                    "--room", "ops"));
                 ClientProcess bob = ClientProcess.startReady("--port", port, "--nick", "bob", "--room", "ops",
                         "--follow", "--json", "--beacon-interval", "0s")) {
                carol.awaitPrompt("carol@#ops> ");
                carol.awaitScreen(r -> has(r, "in #ops: ") && has(r, "(@alice, "), "carol sees the operator");

                alice.type("/topic release on Friday");
                alice.keys("Enter");
                bob.awaitOut(l -> l.contains("\"type\":\"topic\"") && l.contains("release on Friday")
                        && l.contains("\"by\":\"alice\""));
                carol.awaitScreen(r -> has(r, "topic of #ops: release on Friday"), "the topic");

                alice.type("/mode +m");
                alice.keys("Enter");
                bob.awaitOut(l -> l.contains("\"type\":\"mode\"") && l.contains("\"moderated\":true"));
                carol.awaitScreen(r -> has(r, "#ops is moderated now"), "moderated");
                carol.type("may I?");
                carol.keys("Enter");
                carol.awaitScreen(r -> has(r, "!!! not delivered to #ops"), "a guest without voice is refused");

                alice.type("/voice carol");
                alice.keys("Enter");
                carol.awaitScreen(r -> has(r, "carol may speak in #ops (by alice)"), "voiced");
                carol.type("now I may");
                carol.keys("Enter");
                bob.awaitOut(l -> l.contains("\"from\":\"carol\"") && l.contains("now I may"));
                assertThat(bob.framesIn("message")).isEqualTo(1); // "may I?" reached nobody

                alice.type("/kick carol off topic");
                alice.keys("Enter");
                carol.awaitScreen(r -> has(r, "*** you were kicked from #ops by alice: off topic"), "kicked");
                carol.awaitPrompt("carol> ");
                bob.awaitOut(l -> l.contains("\"event\":\"kick\"") && l.contains("\"nick\":\"carol\"")
                        && l.contains("\"reason\":\"off topic\""));
                alice.awaitScreen(r -> has(r, "-- carol was kicked from #ops (by alice) (off topic)"), "alice too");

                alice.type("/ban car*");
                alice.keys("Enter");
                bob.awaitOut(l -> l.contains("\"type\":\"mode\"") && l.contains("\"ban\":\"car*\""));
                carol.type("/join ops");
                carol.keys("Enter");
                carol.awaitScreen(r -> has(r, "!!! cannot join #ops"), "the ban holds");

                alice.type("/who");
                alice.keys("Enter");
                alice.awaitScreen(r -> has(r, "#ops: 2 members: @alice, bob"), "roles in /who");
            }
        }
    }
}
