package dev.chat.it.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-test of the IRC test harness against a real IRC server (Debian's ngIRCd): the raw-socket
 * client and irssi in tmux both work, both ways, before they are pointed at the chat server's
 * IRC listener. If this fails, the harness is broken, not the chat server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IrcHarnessIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void rawClientsRegisterJoinAndTalkThroughNgircd() {
        try (Ngircd server = Ngircd.start(dir);
             IrcTestClient alice = IrcTestClient.connect("alice", server.host(), server.port());
             IrcTestClient bob = IrcTestClient.connect("bob", server.host(), server.port())) {
            alice.register("alice", WAIT);
            bob.register("bob", WAIT);
            alice.send("JOIN #harness");
            alice.await("alice's JOIN", l -> l.matches(":alice!\\S+@\\S+ JOIN :?#harness"), WAIT);
            bob.send("JOIN #harness");
            alice.await("bob's JOIN", l -> l.matches(":bob!\\S+@\\S+ JOIN :?#harness"), WAIT);
            bob.send("PRIVMSG #harness :hello alice, ça va? \uD83D\uDC4B");
            String line = alice.await("bob's message", l -> l.contains(" PRIVMSG #harness "), WAIT);
            assertThat(line).matches(":bob!~?bob@127\\.0\\.0\\.1 PRIVMSG #harness :hello alice, ça va\\? \uD83D\uDC4B");
            alice.send("PRIVMSG bob :psst");
            assertThat(bob.await("alice's direct message", l -> l.contains(" PRIVMSG bob "), WAIT))
                    .endsWith("PRIVMSG bob :psst");
            alice.send("PING :harness-ping");
            alice.await("the PONG", l -> l.contains("PONG") && l.endsWith("harness-ping"), WAIT);
            bob.send("QUIT :done");
            alice.await("bob's QUIT", l -> l.startsWith(":bob!") && l.contains(" QUIT "), WAIT);
            bob.awaitClosed(WAIT);
        }
    }

    @Test
    void irssiAndARawClientTalkBothWaysThroughNgircd() {
        try (Ngircd server = Ngircd.start(dir);
             Irssi irssi = Irssi.start(server.host(), server.port(), "ircuser", dir);
             IrcTestClient carol = IrcTestClient.connect("carol", server.host(), server.port())) {
            irssi.awaitShown("End of MOTD", WAIT);
            irssi.type("/join #harness");
            irssi.awaitScreen("the #harness window", s -> s.contains("has joined #harness") && s.contains("[#harness]"),
                    WAIT);
            carol.register("carol", WAIT);
            carol.send("JOIN #harness");
            carol.await("carol's JOIN", l -> l.contains(" JOIN ") && l.startsWith(":carol!"), WAIT);
            irssi.awaitShown("carol [", WAIT); // "carol [~carol@127.0.0.1] has joined #harness"

            carol.send("PRIVMSG #harness :hello irssi, grüße \uD83D\uDE00");
            irssi.awaitShown("< carol> hello irssi, grüße \uD83D\uDE00", WAIT);

            irssi.type("hello carol, from irssi");
            String got = carol.await("irssi's message", l -> l.contains(" PRIVMSG #harness "), WAIT);
            assertThat(got).matches(":ircuser!~?ircuser@127\\.0\\.0\\.1 PRIVMSG #harness :hello carol, from irssi");

            irssi.type("/msg carol a private word");
            assertThat(carol.await("irssi's direct message", l -> l.contains(" PRIVMSG carol "), WAIT))
                    .endsWith(":a private word");
        }
    }
}
