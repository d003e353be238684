package dev.chat.it.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Room moderation as irssi shows it (docs/IRC.md, "Operators and moderation"): an operator of
 * this project's framed protocol changes the room irssi's user is in; irssi shows the operator's
 * {@code @}, the mode changes, the topic, its refused message, the kick, and the refused rejoin.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IrcModerationIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static void ok(ChatClient c, Function<String, ClientMessage> request) throws Exception {
        assertThat(c.request(request)).isInstanceOf(ServerMessage.Ok.class);
    }

    @Test
    void irssiShowsAFramedOperatorsModerationOfItsChannel() throws Exception {
        Tools.require("irssi", "tmux");
        try (ServerProcess server = ServerProcess.start("--irc-port", "0");
             ChatClient alice = ChatClient.connect(server.tcpPort());
             Irssi irssi = Irssi.start("127.0.0.1", server.port("irc"), "ircuser", dir)) {
            assertThat(alice.request(id -> new ClientMessage.Register(id, "alice", "pw-alice")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            ServerMessage.Joined j = (ServerMessage.Joined) alice.request(id -> new ClientMessage.Join(id, "guild"));
            assertThat(j.operators()).containsExactly("alice");

            irssi.awaitShown("End of /MOTD command", WAIT);
            irssi.type("/join #guild");
            irssi.awaitShown("[@alice", WAIT); // the names list, alice with her @

            assertThat(alice.request(id -> new ClientMessage.Topic(id, "guild", "guild business only")))
                    .isInstanceOf(ServerMessage.Topic.class);
            irssi.awaitShown("alice changed the topic of #guild to: guild business only", WAIT);
            ok(alice, id -> new ClientMessage.Mode(id, "guild", null, true, null));
            irssi.awaitShown("mode/#guild [+m] by alice", WAIT);

            irssi.type("may I speak?");
            irssi.awaitShown("Cannot send to channel", WAIT);
            ok(alice, id -> new ClientMessage.Voice(id, "guild", "ircuser"));
            irssi.awaitShown("mode/#guild [+v ircuser] by alice", WAIT);
            irssi.type("thank you");
            assertThat(alice.await(ServerMessage.ChatMessage.class, m -> m.from().equals("ircuser")).text())
                    .isEqualTo("thank you");

            ok(alice, id -> new ClientMessage.Ban(id, "guild", "ircuser"));
            irssi.awaitShown("mode/#guild [+b ircuser!*@*] by alice", WAIT);
            ok(alice, id -> new ClientMessage.Kick(id, "guild", "ircuser", "that will do"));
            irssi.awaitShown("kicked from #guild by alice", WAIT);
            irssi.type("/join #guild");
            irssi.awaitShown("banned", WAIT); // irssi's words for 474
        }
    }
}
