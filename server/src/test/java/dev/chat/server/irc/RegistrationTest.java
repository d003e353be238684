package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connection registration as "Modern IRC" section "Connection Registration" describes it, and
 * IRCv3 "Capability Negotiation" (3.1, 3.2) and "SASL Authentication".
 */
class RegistrationTest {

    private final TestChat chat = new TestChat();

    @Test
    void nickAndUserRegisterWithTheWelcomeBurstInOrder() {
        TestChat.Irc c = chat.irc();
        c.send("NICK alice");
        assertThat(c.take()).isEmpty(); // USER still missing
        c.send("USER al 0 * :Alice Liddell");
        List<String> burst = c.take();
        assertThat(burst).extracting(l -> l.split(" ")[1]).containsExactly(
                "001", "002", "003", "004", "005", "005", "251", "254", "255", "265", "266", "422");
        assertThat(burst.get(0)).isEqualTo(":irc.test 001 alice :Welcome to the chat Network, alice!alice@chat");
        assertThat(burst.get(1)).isEqualTo(":irc.test 002 alice :Your host is irc.test, running version chat-test");
        assertThat(burst.get(2)).isEqualTo(":irc.test 003 alice :This server was created 2026-01-01 00:00:00 UTC");
        assertThat(burst.get(3)).isEqualTo(":irc.test 004 alice irc.test chat-test o bimnostv bov");
        assertThat(burst.get(6)).isEqualTo(":irc.test 251 alice :There are 1 users and 0 invisible on 1 servers");
        assertThat(burst.get(11)).isEqualTo(":irc.test 422 alice :MOTD File is missing");
        assertThat(c.session.registered()).isTrue();
        assertThat(c.sent).containsExactly(new ClientMessage.Hello(1L, "alice"));
    }

    @Test
    void isupportStatesTheServersOwnRules() {
        TestChat.Irc c = chat.irc();
        c.send("USER al 0 * :Alice");
        c.send("NICK alice");
        List<String> isupport = c.take().stream().filter(l -> l.split(" ")[1].equals("005")).toList();
        String tokens = String.join(" ", isupport);
        assertThat(tokens).contains("CASEMAPPING=ascii", "CHANTYPES=#", "NICKLEN=32", "CHANNELLEN=65",
                "CHANLIMIT=#:100", "TOPICLEN=390", "NETWORK=chat", "PREFIX=(ov)@+", "CHANMODES=b,,,imnst", "MODES=4", "CHATHISTORY=500",
                "UTF8ONLY", "CLIENTTAGDENY=*", "TARGMAX=JOIN:,PART:,NAMES:,PRIVMSG:4,NOTICE:4,KICK:4,WHOIS:1",
                ":are supported by this server");
        for (String line : isupport) {
            // source, 005, client, at most 13 tokens, then ":are supported by this server" (5 words)
            assertThat(line.split(" ").length).isLessThanOrEqualTo(3 + ISupport.TOKENS_PER_LINE + 5);
        }
    }

    @Test
    void theMotdIsSentWhenTheServerHasOne() {
        TestChat.Irc c = chat.irc(IrcServerInfo.forTests().withMotd(List.of("Hello!", "Be nice.")));
        c.send("NICK alice").send("USER a 0 * :A");
        List<String> lines = c.take();
        assertThat(lines.subList(lines.size() - 4, lines.size())).containsExactly(
                ":irc.test 375 alice :- irc.test Message of the day - ",
                ":irc.test 372 alice :- Hello!",
                ":irc.test 372 alice :- Be nice.",
                ":irc.test 376 alice :End of /MOTD command.");
    }

    @Test
    void commandsBeforeRegistrationGet451ButPingIsAnswered() {
        TestChat.Irc c = chat.irc();
        c.send("JOIN #general");
        c.send("PRIVMSG bob :hi");
        c.send("PING :abc");
        assertThat(c.take()).containsExactly(
                ":irc.test 451 * :You have not registered",
                ":irc.test 451 * :You have not registered",
                ":irc.test PONG irc.test :abc");
        assertThat(c.sent).isEmpty();
    }

    @Test
    void unknownCommandsGet421() {
        TestChat.Irc c = chat.registered("alice");
        c.send("FROBNICATE now");
        assertThat(c.take()).containsExactly(":irc.test 421 alice FROBNICATE :Unknown command");
    }

    @Test
    void missingParametersGet461() {
        TestChat.Irc c = chat.irc();
        c.send("USER onlyone");
        assertThat(c.take()).containsExactly(":irc.test 461 * USER :Not enough parameters");
        TestChat.Irc d = chat.registered("bob");
        d.send("JOIN");
        d.send("whois");
        assertThat(d.take()).containsExactly(":irc.test 461 bob JOIN :Not enough parameters",
                ":irc.test 461 bob WHOIS :Not enough parameters");
    }

    @Test
    void nickWithoutParameterGets431() {
        TestChat.Irc c = chat.irc();
        c.send("NICK");
        c.send("NICK :");
        assertThat(c.take()).containsExactly(":irc.test 431 * :No nickname given", ":irc.test 431 * :No nickname given");
    }

    @Test
    void aNickIrcAllowsButThisServerDoesNotGets432WithTheReason() {
        TestChat.Irc c = chat.irc();
        c.send("NICK [alice]");
        c.send("NICK a_very_long_nickname_of_more_than_32_chars");
        assertThat(c.take()).containsExactly(
                ":irc.test 432 * [alice] :Erroneous nickname: a nick is made of A-Z a-z 0-9 _ - only on this server",
                ":irc.test 432 * a_very_long_nickname_of_more_than_32_chars :Erroneous nickname: a nick has at most 32 "
                        + "characters on this server");
        assertThat(c.sent).isEmpty();
    }

    @Test
    void aTakenNickGets433AndAnotherNickThenRegisters() {
        chat.registered("alice");
        TestChat.Irc c = chat.irc();
        c.send("NICK Alice");
        c.send("USER x 0 * :X");
        assertThat(c.take()).containsExactly(":irc.test 433 * Alice :Nickname is already in use");
        assertThat(c.session.registered()).isFalse();
        c.send("NICK alice2");
        assertThat(c.take()).first().isEqualTo(":irc.test 001 alice2 :Welcome to the chat Network, alice2!alice2@chat");
    }

    @Test
    void userAndPassAfterRegistrationGet462() {
        TestChat.Irc c = chat.registered("alice");
        c.send("USER a 0 * :again");
        c.send("PASS secret");
        assertThat(c.take()).containsExactly(":irc.test 462 alice :You may not reregister",
                ":irc.test 462 alice :You may not reregister");
    }

    @Test
    void passBeforeRegistrationIsAccepted() {
        TestChat.Irc c = chat.irc();
        c.send("PASS whatever").send("NICK alice").send("USER a 0 * :A");
        assertThat(c.take()).first().asString().startsWith(":irc.test 001 alice");
    }

    @Test
    void capLsHoldsRegistrationUntilCapEnd() {
        TestChat.Irc c = chat.irc();
        c.send("CAP LS 302");
        c.send("NICK alice");
        c.send("USER a 0 * :A");
        List<String> ls = c.take();
        assertThat(ls).hasSize(1);
        assertThat(ls.get(0)).startsWith(":irc.test CAP * LS :message-tags server-time echo-message batch "
                + "labeled-response away-notify multi-prefix userhost-in-names extended-join account-tag "
                + "account-notify cap-notify draft/chathistory draft/multiline=max-bytes=4000,max-lines=100");
        assertThat(ls.get(0)).doesNotContain("sasl"); // no accounts: SASL cannot succeed, so it is not offered
        assertThat(c.session.registered()).isFalse();
        c.send("CAP REQ :server-time echo-message");
        assertThat(c.take()).containsExactly(":irc.test CAP * ACK :server-time echo-message");
        c.send("CAP END");
        assertThat(c.take()).first().asString().startsWith(":irc.test 001 alice");
        assertThat(Capability.names(c.session.capabilities())).containsExactly("server-time", "echo-message",
                "cap-notify");
    }

    @Test
    void capLsWithoutVersionShowsNoValues() {
        TestChat.Irc c = chat.irc();
        c.send("CAP LS");
        assertThat(c.take().get(0)).contains(" draft/multiline").doesNotContain("max-bytes");
    }

    @Test
    void capReqIsAllOrNothing() {
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ :batch no-such-cap");
        c.send("CAP REQ sasl");
        assertThat(c.take()).containsExactly(":irc.test CAP * NAK :batch no-such-cap", ":irc.test CAP * NAK :sasl");
        assertThat(c.session.capabilities()).isZero();
        c.send("CAP REQ :batch labeled-response");
        c.send("CAP REQ :-batch");
        c.send("CAP LIST");
        assertThat(c.take()).containsExactly(":irc.test CAP * ACK :batch labeled-response",
                ":irc.test CAP * ACK :-batch", ":irc.test CAP * LIST :labeled-response");
    }

    @Test
    void capReqAloneAlsoHoldsRegistration() {
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ :batch").send("NICK alice").send("USER a 0 * :A");
        assertThat(c.session.registered()).isFalse();
        c.send("CAP END");
        assertThat(c.session.registered()).isTrue();
    }

    @Test
    void capAfterRegistrationWorksAndEndIsIgnored() {
        TestChat.Irc c = chat.registered("alice");
        c.send("CAP REQ :message-tags");
        c.send("CAP END");
        c.send("CAP LIST");
        assertThat(c.take()).containsExactly(":irc.test CAP alice ACK :message-tags",
                ":irc.test CAP alice LIST :message-tags cap-notify");
    }

    @Test
    void anUnknownCapSubcommandGets410() {
        TestChat.Irc c = chat.irc();
        c.send("CAP FOO");
        assertThat(c.take()).containsExactly(":irc.test 410 * FOO :Invalid CAP command");
    }

    @Test
    void nickChangeAfterRegistrationIsEchoedFromTheOldMask() {
        TestChat.Irc c = chat.registered("alice");
        c.send("NICK alicia");
        assertThat(c.take()).containsExactly(":alice!alice@chat NICK alicia");
        assertThat(c.session.nick()).isEqualTo("alicia");
        c.send("NICK alicia");
        assertThat(c.take()).isEmpty(); // no change, no answer
        c.send("NICK Alicia");
        assertThat(c.take()).containsExactly(":alicia!alicia@chat NICK Alicia"); // case change is a change
    }

    @Test
    void nickChangeToATakenNickGets433() {
        chat.registered("bob");
        TestChat.Irc c = chat.registered("alice");
        c.send("NICK BOB");
        assertThat(c.take()).containsExactly(":irc.test 433 alice BOB :Nickname is already in use");
        assertThat(c.session.nick()).isEqualTo("alice");
    }

    @Test
    void saslPlainLogsInWhenAccountsExist() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("CAP LS 302");
        assertThat(c.take().get(0)).contains(" sasl=PLAIN ");
        c.send("CAP REQ :sasl");
        c.send("NICK alice").send("USER a 0 * :A");
        c.send("AUTHENTICATE PLAIN");
        assertThat(c.take()).containsExactly(":irc.test CAP * ACK :sasl", "AUTHENTICATE +");
        // base64("\0alice\0secret")
        c.send("AUTHENTICATE AGFsaWNlAHNlY3JldA==");
        assertThat(c.take()).containsExactly(
                ":irc.test 900 * alice!alice@chat alice :You are now logged in as alice",
                ":irc.test 903 * :SASL authentication successful");
        c.send("AUTHENTICATE PLAIN");
        assertThat(c.take()).containsExactly(":irc.test 907 * :You have already authenticated using SASL");
        c.send("CAP END");
        assertThat(c.take()).first().asString().startsWith(":irc.test 001 alice");
    }

    @Test
    void saslFailuresAreAnswered() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("AUTHENTICATE PLAIN");
        assertThat(c.take()).containsExactly(
                ":irc.test 904 * :SASL authentication failed: the sasl capability is not enabled");
        c.send("CAP REQ sasl").take();
        c.send("AUTHENTICATE EXTERNAL");
        assertThat(c.take()).containsExactly(":irc.test 908 * PLAIN :are available SASL mechanisms",
                ":irc.test 904 * :SASL authentication failed");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE *");
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 906 * :SASL authentication aborted");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE AGFsaWNlAHdyb25n"); // wrong password
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 904 * :SASL authentication failed");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE !!!notbase64");
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 904 * :SASL authentication failed: PLAIN "
                + "expects base64 of authzid NUL authcid NUL password");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + "A".repeat(401));
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 905 * :SASL message too long");
    }

    @Test
    void saslDataIsTakenIn400ByteChunks() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ sasl").send("AUTHENTICATE PLAIN").take();
        // a 400-byte chunk means "more follows" (then "+" ends it): a password that makes 400 bytes
        chat.password = "p".repeat(300 - 7);
        String payload = java.util.Base64.getEncoder().encodeToString(("\0alice\0" + chat.password).getBytes());
        assertThat(payload).hasSize(400);
        c.send("AUTHENTICATE " + payload);
        assertThat(c.take()).isEmpty();
        c.send("AUTHENTICATE +");
        assertThat(c.take()).contains(":irc.test 903 * :SASL authentication successful");
    }
}
