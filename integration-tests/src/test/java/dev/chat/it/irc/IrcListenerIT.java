package dev.chat.it.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real IRC clients against the server jar's IRC port ({@code --irc-port 0}, {@code irc=} in its
 * READY line): irssi in tmux, a raw-socket IRC client and a framed-protocol client of this
 * project join one room and talk both ways; the raw client checks registration, capabilities and
 * bad input byte for byte.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IrcListenerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void irssiAndARawClientTalkBothWays() throws Exception {
        Tools.require("irssi", "tmux");
        try (ServerProcess server = ServerProcess.start("--irc-port", "0");
             Irssi irssi = Irssi.start("127.0.0.1", server.port("irc"), "ircuser", dir);
             IrcTestClient carol = IrcTestClient.connect("carol", "127.0.0.1", server.port("irc"));
             ChatClient dave = ChatClient.registered(server.tcpPort(), "dave")) {
            irssi.awaitShown("End of /MOTD command", WAIT);
            irssi.type("/join #Lobby");
            irssi.awaitScreen("the #Lobby window", s -> s.contains("has joined #lobby") && s.contains("[#Lobby]"),
                    WAIT);

            carol.register("carol", WAIT);
            carol.send("JOIN #lobby");
            assertThat(carol.await("carol's names", l -> l.contains(" 353 "), WAIT)).endsWith(":ircuser carol");
            irssi.awaitShown("carol [carol@chat] has joined #lobby", WAIT);

            carol.send("PRIVMSG #lobby :hello irssi, grüße \uD83D\uDE00");
            irssi.awaitShown("< carol> hello irssi, grüße \uD83D\uDE00", WAIT);

            // a framed client of this project in the same room: irssi sees it join and talk, and it reads irssi
            assertThat(dave.request(id -> new ClientMessage.Join(id, "lobby"))).isInstanceOf(ServerMessage.Joined.class);
            irssi.awaitShown("dave [dave@chat] has joined #lobby", WAIT);
            dave.send(new ClientMessage.Say("d1", "lobby", "hello from the terminal client"));
            irssi.awaitShown("< dave> hello from the terminal client", WAIT);

            irssi.type("hello carol, from irssi");
            assertThat(carol.await("irssi's message", l -> l.contains(" PRIVMSG #lobby :hello carol"), WAIT))
                    .isEqualTo(":ircuser!ircuser@chat PRIVMSG #lobby :hello carol, from irssi");
            assertThat(dave.await(ServerMessage.ChatMessage.class, m -> m.from().equals("ircuser")).text())
                    .isEqualTo("hello carol, from irssi");

            irssi.type("/msg carol a private word");
            assertThat(carol.await("irssi's direct message", l -> l.contains(" PRIVMSG carol "), WAIT))
                    .isEqualTo(":ircuser!ircuser@chat PRIVMSG carol :a private word");
            carol.send("PRIVMSG ircuser :and back");
            irssi.type("/window goto carol");
            irssi.awaitShown("<carol> and back", WAIT);
            irssi.type("/window goto #lobby");

            String longText = "é".repeat(300) + " end"; // 604 bytes: irssi cuts it into two lines itself
            carol.send("NICK carola");
            irssi.awaitShown("carol is now known as carola", WAIT);
            irssi.type("/topic");
            irssi.awaitShown("No topic set for #Lobby", WAIT);
            irssi.type(longText);
            String first = carol.await("the first part", l -> l.contains(" PRIVMSG #lobby :éé"), WAIT);
            String second = carol.await("the second part", l -> l.contains(" PRIVMSG #lobby :"), WAIT);
            assertThat(first.substring(first.indexOf(" :") + 2) + second.substring(second.indexOf(" :") + 2))
                    .isEqualTo(longText);

            // a text too long for one IRC line, with a line break, from a multiline client: irssi gets it cut
            // between characters into lines that fit, and nothing is lost
            carol.send("CAP REQ :draft/multiline batch");
            carol.awaitContaining("ACK :draft/multiline batch", WAIT);
            String half = "ü".repeat(150);
            carol.send("BATCH +ml1 draft/multiline #lobby");
            carol.send("@batch=ml1 PRIVMSG #lobby :" + half);
            carol.send("@batch=ml1;draft/multiline-concat PRIVMSG #lobby :" + half + " end");
            carol.send("@batch=ml1 PRIVMSG #lobby :second line");
            carol.send("BATCH -ml1");
            String screen = irssi.awaitShown("< carola> second line", WAIT);
            StringBuilder shown = new StringBuilder();
            for (String line : screen.split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d\\d:\\d\\d < carola> (ü.*?)\\s*$")
                        .matcher(line);
                if (m.matches()) {
                    shown.append(m.group(1));
                }
            }
            assertThat(shown.toString()).isEqualTo(half + half + " end");

            carol.send("QUIT :bye");
            irssi.awaitShown("carola [carola@chat] has quit [Quit: bye]", WAIT);
            carol.awaitClosed(WAIT);
            dave.send(new ClientMessage.Quit(null, "done"));
            irssi.awaitShown("dave [dave@chat] has quit [Quit: done]", WAIT);
        }
    }

    @Test
    void irssiLogsInWithSaslAndOthersSeeItsAccount() throws Exception {
        Tools.require("irssi", "tmux");
        try (ServerProcess server = ServerProcess.start("--irc-port", "0");
             ChatClient owner = ChatClient.connect(server.tcpPort());
             IrcTestClient bob = IrcTestClient.connect("bob", "127.0.0.1", server.port("irc"))) {
            // the account is made over the framed protocol; its owner then frees the nick
            assertThat(owner.request(id -> new ClientMessage.Register(id, "alice", "correct-horse")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            assertThat(owner.request(id -> new ClientMessage.Nick(id, "alice-desk"))).isInstanceOf(ServerMessage.Ok.class);
            bob.register("bob", WAIT);
            bob.send("CAP REQ :extended-join account-tag");
            bob.awaitContaining("ACK :extended-join account-tag", WAIT);
            bob.send("JOIN #lobby");
            bob.await("bob's names", l -> l.contains(" 366 "), WAIT);
            try (Irssi irssi = Irssi.startWithSasl("127.0.0.1", server.port("irc"), "someone", "alice", "correct-horse",
                    dir)) {
                irssi.awaitShown("You are now logged in as alice", WAIT);
                irssi.awaitShown("End of /MOTD command", WAIT);
                irssi.type("/join #lobby");
                assertThat(bob.await("irssi's join", l -> l.contains(" JOIN #lobby"), WAIT))
                        .isEqualTo("@account=alice :alice!alice@chat JOIN #lobby alice :someone (irssi)");
                irssi.type("logged in");
                assertThat(bob.await("irssi's message", l -> l.contains("PRIVMSG #lobby"), WAIT))
                        .isEqualTo("@account=alice :alice!alice@chat PRIVMSG #lobby :logged in");
            }
        }
    }

    @Test
    void registrationCapabilitiesAndBadInputOverARealSocket() throws Exception {
        try (ServerProcess server = ServerProcess.start("--irc-port", "0");
             IrcTestClient c = IrcTestClient.connect("raw", "127.0.0.1", server.port("irc"))) {
            c.send("CAP LS 302");
            c.send("NICK raw");
            c.send("USER raw 0 * :Raw Client");
            c.await("CAP LS", l -> l.contains(" CAP * LS :") && l.contains("draft/chathistory"), WAIT);
            c.send("CAP REQ :message-tags server-time echo-message batch labeled-response");
            c.await("CAP ACK", l -> l.endsWith(" CAP * ACK :message-tags server-time echo-message batch "
                    + "labeled-response"), WAIT);
            c.send("CAP END");
            c.await("001", l -> l.startsWith(":irc") || l.contains(" 001 raw "), WAIT);
            c.await("CHANTYPES", l -> l.contains(" 005 raw ") && l.contains("CHANTYPES=#"), WAIT);
            c.await("422 or 376", l -> l.contains(" 376 raw ") || l.contains(" 422 raw "), WAIT);

            c.send("@label=j1 JOIN #conformance");
            c.await("labeled JOIN batch", l -> l.startsWith("@label=j1") && l.contains(" BATCH +"), WAIT);
            c.await("its end", l -> l.contains(" BATCH -"), WAIT);
            c.send("@label=p1 PRIVMSG #conformance :echo me");
            assertThat(c.await("the echo", l -> l.contains("PRIVMSG #conformance :echo me"), WAIT))
                    .startsWith("@label=p1;time=").contains(";msgid=conformance:1 :raw!raw@chat ");

            c.sendRaw(("PRIVMSG #conformance :" + "x".repeat(10_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            c.await("417", l -> l.contains(" 417 raw :Input line was too long"), WAIT);
            c.sendRaw("PRIVMSG #conformance :a\0b\r\n".getBytes(StandardCharsets.US_ASCII));
            c.await("400 for NUL", l -> l.contains(" 400 raw PRIVMSG :Line refused"), WAIT);
            c.sendRaw(new byte[] {'P', 'R', 'I', 'V', 'M', 'S', 'G', ' ', '#', 'c', ' ', ':', (byte) 0xe9, '\r', '\n'});
            c.await("FAIL INVALID_UTF8", l -> l.contains(" FAIL PRIVMSG INVALID_UTF8 :"), WAIT);
            c.send("FOO");
            c.await("421", l -> l.contains(" 421 raw FOO :Unknown command"), WAIT);
            c.send("PING :still-alive");
            c.await("PONG", l -> l.endsWith("PONG " + l.split(" ")[0].substring(1) + " :still-alive"), WAIT);
        }
    }

    @Test
    void theFramedProtocolAtTheIrcPortGetsOneReadableLine() throws Exception {
        try (ServerProcess server = ServerProcess.start("--irc-port", "0");
             IrcTestClient c = IrcTestClient.connect("framed", "127.0.0.1", server.port("irc"))) {
            byte[] payload = "{\"type\":\"hello\",\"id\":1,\"nick\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[4 + payload.length];
            frame[3] = (byte) payload.length;
            System.arraycopy(payload, 0, frame, 4, payload.length);
            c.sendRaw(frame);
            assertThat(c.await("the explanation", l -> l.startsWith("ERROR :"), WAIT))
                    .contains("This is the IRC port (" + server.port("irc") + ")").contains("framed JSON chat protocol")
                    .contains("port " + server.tcpPort());
            c.awaitClosed(WAIT);
            assertThat(c.lines()).hasSize(1);
        }
    }
}
