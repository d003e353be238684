package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bad input at the session: every refused line is answered (never dropped silently) and the
 * session keeps serving ("Modern IRC" section "Messages", IRCv3 "Message Tags" size limit,
 * IRCv3 "UTF8ONLY").
 */
class BadInputTest {

    private final TestChat chat = new TestChat();

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void aTenThousandByteLineGets417AndTheNextLineWorks() {
        TestChat.Irc c = chat.registered("alice");
        c.raw(bytes("PRIVMSG #a :", "x".repeat(10_000), "\r\nPING :still here\r\n"));
        assertThat(c.take()).containsExactly(":irc.test 417 alice :Input line was too long",
                ":irc.test PONG irc.test :still here");
    }

    @Test
    void nulAndCrInsideALineAreAnswered() {
        TestChat.Irc c = chat.registered("alice");
        c.raw(bytes("PRIVMSG #a :a\0b\r\nPRIVMSG #a :a\rb\r\nPING ok\r\n"));
        assertThat(c.take()).containsExactly(
                ":irc.test 400 alice PRIVMSG :Line refused: it holds a NUL byte, or a CR before its end; nothing was done",
                ":irc.test 400 alice PRIVMSG :Line refused: it holds a NUL byte, or a CR before its end; nothing was done",
                ":irc.test PONG irc.test :ok");
    }

    @Test
    void invalidUtf8IsAnsweredWithFailInvalidUtf8() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        c.raw(bytes("PRIVMSG #a :caf", new byte[] {(byte) 0xe9}, "\r\n"));
        assertThat(c.take()).containsExactly(":irc.test FAIL PRIVMSG INVALID_UTF8 :Line refused: it is not valid UTF-8, "
                + "and this server speaks UTF-8 only; nothing was done");
        assertThat(c.sent).noneMatch(m -> m instanceof dev.chat.protocol.ClientMessage.Say);
    }

    @Test
    void garbageBeforeRegistrationIsAnsweredAndRegistrationStillWorks() {
        TestChat.Irc c = chat.irc();
        c.raw(bytes(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'}, "@tag-only\r\n", "HELLO world\r\n",
                "PRIVMSG x :y\r\n"));
        assertThat(c.take()).containsExactly(
                ":irc.test FAIL * INVALID_UTF8 :Line refused: it is not valid UTF-8, and this server speaks UTF-8 only; "
                        + "nothing was done",
                ":irc.test 400 * * :Line refused: it has no command; nothing was done",
                ":irc.test 421 * HELLO :Unknown command",
                ":irc.test 451 * :You have not registered");
        c.send("NICK alice").send("USER a 0 * :A");
        assertThat(c.session.registered()).isTrue();
    }

    @Test
    void theFramedProtocolAtTheIrcPortGetsOneReadableLineAndIsClosed() {
        TestChat.Irc c = chat.irc();
        c.raw(bytes(new byte[] {0, 0, 0, 38}, "{\"type\":\"hello\",\"id\":1,\"nick\":\"alice\"}"));
        assertThat(c.take()).containsExactly("ERROR :This is the IRC port (6667): it speaks IRC (RFC 1459 lines). "
                + "The framed JSON chat protocol (4-byte length, then JSON; docs/PROTOCOL.md) is on port 7420.");
        assertThat(c.closed).isTrue();
        TestChat.Irc typed = chat.irc();
        typed.send("{\"type\":\"hello\",\"nick\":\"bob\"}");
        assertThat(typed.closed).isTrue();
    }

    @Test
    void commandsAreCaseInsensitive() {
        TestChat.Irc c = chat.irc();
        c.send("nick alice").send("user a 0 * :A");
        assertThat(c.session.registered()).isTrue();
    }

    @Test
    void aClientSourceIsIgnored() {
        TestChat.Irc c = chat.registered("alice");
        c.send(":someone.else PING x");
        assertThat(c.take()).containsExactly(":irc.test PONG irc.test :x");
    }
}
