package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a client sends, the session answers with well-formed lines and keeps serving: no
 * exception escapes, every line it writes is UTF-8 within the limits, and a PING afterwards is
 * still answered. Inputs are random bytes and random lines built from the commands,
 * capabilities and parameters the session knows, so that the generator reaches every handler.
 */
class IrcSessionRobustnessTest {

    private static final List<String> COMMANDS = List.of("CAP", "PASS", "NICK", "USER", "AUTHENTICATE", "PING",
            "PONG", "PRIVMSG", "NOTICE", "TAGMSG", "BATCH", "JOIN", "PART", "NAMES", "LIST", "TOPIC", "MODE", "KICK",
            "WHO", "WHOIS", "WHOWAS", "AWAY", "MOTD", "LUSERS", "VERSION", "TIME", "USERHOST", "ISON", "OPER",
            "CHATHISTORY", "privmsg", "FOO", "001");
    private static final List<String> WORDS = List.of("#a", "#b", "#bad!", "0", "alice", "bob", "*", "LS", "302",
            "REQ", "END", "LIST", "+b1", "-b1", "draft/multiline", "LATEST", "BEFORE", "BETWEEN", "AFTER", "AROUND",
            "msgid=a:1", "timestamp=2026-01-01T00:00:01.000Z", "10", "+n", "b", "+o", "PLAIN", "+", "-",
            ":", "::", "#a,#b,bob", "", "é😀");
    private static final List<String> TAGS = List.of("", "@label=x ", "@batch=b1 ", "@batch=b1;draft/multiline-concat ",
            "@+client=1 ", "@label= ");

    @Property(tries = 300)
    void randomCommandsNeverBreakTheSession(@ForAll("scripts") List<String> script) {
        TestChat chat = new TestChat();
        TestChat.Irc bob = chat.registered("bob", "echo-message", "draft/multiline", "batch");
        bob.send("JOIN #a");
        TestChat.Irc c = chat.irc();
        c.send("CAP LS 302");
        c.send("CAP REQ :message-tags server-time echo-message batch labeled-response draft/multiline "
                + "draft/chathistory extended-join away-notify");
        c.send("NICK alice").send("USER a 0 * :A").send("CAP END");
        for (String line : script) {
            c.send(line);
        }
        check(c.take());
        check(bob.take());
        if (!c.closed) {
            c.send("BATCH -b1"); // close a batch the script may have left open
            c.take();
            c.send("PING :alive");
            assertThat(c.take()).contains(":irc.test PONG irc.test :alive");
        }
    }

    @Property(tries = 300)
    void randomBytesNeverBreakTheSession(@ForAll("noise") byte[] noise) {
        TestChat chat = new TestChat();
        TestChat.Irc c = chat.registered("alice");
        c.raw(noise);
        c.raw("\r\n".getBytes(StandardCharsets.US_ASCII));
        check(c.take());
        if (!c.closed) {
            c.send("PING :alive");
            assertThat(c.take()).contains(":irc.test PONG irc.test :alive");
        }
    }

    private static void check(List<String> lines) {
        for (String l : lines) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8.isValid(b)).isTrue();
            int body = l.startsWith("@") ? b.length - (l.indexOf(' ') + 1) : b.length;
            assertThat(body + 2).as(l).isLessThanOrEqualTo(IrcLine.MAX_BODY_BYTES);
            IrcLine.parse(l); // what the server writes, a client can parse
        }
    }

    @Provide
    Arbitrary<List<String>> scripts() {
        Arbitrary<String> line = Combinators.combine(Arbitraries.of(TAGS), Arbitraries.of(COMMANDS),
                        Arbitraries.of(WORDS).list().ofMaxSize(5), Arbitraries.of(true, false),
                        Arbitraries.strings().withChars("ab é😀\u0001").ofMaxLength(600))
                .as((tags, cmd, params, trailing, text) -> {
                    StringBuilder sb = new StringBuilder(tags).append(cmd);
                    for (String p : params) {
                        if (!p.isEmpty() && !p.startsWith(":")) {
                            sb.append(' ').append(p);
                        }
                    }
                    if (trailing) {
                        sb.append(" :").append(text);
                    }
                    return sb.toString();
                });
        return line.list().ofMaxSize(25);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    }
}
