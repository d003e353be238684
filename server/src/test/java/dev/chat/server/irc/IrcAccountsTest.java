package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Accounts over IRC against the hub's real rules: SASL {@code PLAIN} (IRCv3 "SASL
 * Authentication") and {@code PASS} log in with the chat's {@code login}; a guest cannot take an
 * account's nick ({@code 433}); {@code --require-account}; {@code account-tag},
 * {@code extended-join}, {@code account-notify} and {@code 330} in {@code WHOIS}. docs/IRC.md.
 */
class IrcAccountsTest {

    private final TestChat chat = new TestChat();

    private static String plain(String authzid, String authcid, String password) {
        return Base64.getEncoder().encodeToString((authzid + "\0" + authcid + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** SASL PLAIN as alice (password {@code secret}) before registration, then CAP END. */
    private TestChat.Irc loggedIn(String nick, String... caps) {
        TestChat.Irc c = chat.irc();
        c.send("CAP LS 302");
        c.send(("CAP REQ :" + String.join(" ", caps) + " sasl").replace(": ", ":"));
        c.send("NICK " + nick).send("USER a 0 * :Alice Liddell");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "alice", "secret"));
        c.send("CAP END");
        List<String> lines = c.take();
        assertThat(lines).contains(":irc.test 903 * :SASL authentication successful");
        return c;
    }

    @Test
    void saslBeforeRegistrationRegistersUnderTheAccountsNickWhateverNickSaid() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("CAP LS 302").send("CAP REQ sasl").send("NICK whatever").send("USER a 0 * :A").take();
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "alice", "secret"));
        assertThat(c.take()).containsExactly("AUTHENTICATE +",
                ":irc.test 900 * alice!alice@chat alice :You are now logged in as alice",
                ":irc.test 903 * :SASL authentication successful");
        assertThat(c.session.registered()).isFalse(); // the burst waits for CAP END
        c.send("CAP END");
        List<String> burst = c.take();
        assertThat(burst.get(0)).isEqualTo(":irc.test 001 alice :Welcome to the chat Network, alice!alice@chat");
        assertThat(burst).noneMatch(l -> l.contains(" NICK ") || l.contains(" 433 "));
        assertThat(c.session.nick()).isEqualTo("alice");
        assertThat(c.sent).containsExactly(new ClientMessage.Login(1L, "alice", "secret")); // no second hello
        assertThat(chat.hub.participants()).singleElement().satisfies(p -> assertThat(p.account()).isEqualTo("alice"));
        c.send("WHOIS alice");
        assertThat(c.take()).contains(":irc.test 330 alice alice alice :is logged in as");
    }

    @Test
    void aDirectMessageBetweenTheSaslLoginAndCapEndFollowsTheBurst() {
        chat.account = "alice";
        TestChat.Framed bob = chat.framed("bob");
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ sasl").send("NICK alice").send("USER a 0 * :A");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "alice", "secret")).take();
        bob.send(new ClientMessage.Dm(5L, "alice", "are you there?", false));
        assertThat(c.take()).isEmpty();
        c.send("CAP END");
        List<String> lines = c.take();
        assertThat(lines.get(0)).startsWith(":irc.test 001 alice ");
        assertThat(lines.get(lines.size() - 2)).contains(" 422 "); // the end of the burst, then the message
        assertThat(lines.get(lines.size() - 1)).isEqualTo(":bob!bob@chat PRIVMSG alice :are you there?");
    }

    @Test
    void anAuthzidOtherThanTheAccountAndBadPayloadsAreRefusedWith904WithoutAPasswordCheck() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ sasl").take();
        String shape = ":irc.test 904 * :SASL authentication failed: PLAIN expects base64 of authzid NUL authcid NUL password";
        for (String payload : List.of(
                Base64.getEncoder().encodeToString("alice\0secret".getBytes(StandardCharsets.UTF_8)), // two fields
                Base64.getEncoder().encodeToString("\0\0secret".getBytes(StandardCharsets.UTF_8)), // no authcid
                Base64.getEncoder().encodeToString(new byte[] {0, 'a', 0, (byte) 0xC3, '(' }), // not UTF-8
                "AGFsaWNl=AHNlY3JldA", // not base64
                "====")) {
            c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + payload);
            assertThat(c.take()).as(payload).containsExactly("AUTHENTICATE +", shape);
        }
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("bob", "alice", "secret"));
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 904 * :SASL authentication failed: "
                + "this server has no authorization identities: leave authzid empty, or make it the account name");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "not a nick", "secret"));
        assertThat(c.take()).last().asString().startsWith(":irc.test 904 * :SASL authentication failed: an account"
                + " name is a nick");
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE +"); // empty: no fields at all
        assertThat(c.take()).containsExactly("AUTHENTICATE +", shape);
        assertThat(chat.passwordChecks).isZero();
        // an authzid equal to the account is fine
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("Alice", "alice", "secret"));
        assertThat(c.take()).contains(":irc.test 903 * :SASL authentication successful");
    }

    @Test
    void aFailedSaslLeavesAGuestWhoRegistersWithItsNick() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ sasl").send("NICK bob").send("USER b 0 * :B").take();
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "alice", "wrong"));
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 904 * :SASL authentication failed");
        assertThat(chat.passwordChecks).isEqualTo(1);
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "nobody", "secret"));
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":irc.test 904 * :SASL authentication failed");
        c.send("CAP END");
        assertThat(c.take().get(0)).startsWith(":irc.test 001 bob ");
        c.send("WHOIS bob");
        assertThat(c.take()).noneMatch(l -> l.contains(" 330 "));
    }

    @Test
    void capEndDuringAnExchangeAbortsItWith906AndRegistersAGuest() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("CAP REQ sasl").send("NICK bob").send("USER b 0 * :B").send("AUTHENTICATE PLAIN").take();
        c.send("CAP END");
        List<String> lines = c.take();
        assertThat(lines.get(0)).isEqualTo(":irc.test 906 * :SASL authentication aborted");
        assertThat(lines.get(1)).startsWith(":irc.test 001 bob ");
        assertThat(chat.passwordChecks).isZero();
    }

    @Test
    void aGuestCannotTakeAnAccountsNick433ReservedAtRegistrationAndOnNickChange() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("NICK alice").send("USER a 0 * :A");
        assertThat(c.take()).containsExactly(":irc.test 433 * alice :Nickname is reserved by a different account:"
                + " log in to it (SASL, or PASS with its password) or choose another nick");
        assertThat(c.session.registered()).isFalse();
        c.send("NICK bob");
        assertThat(c.take().get(0)).startsWith(":irc.test 001 bob ");
        c.send("NICK ALICE");
        assertThat(c.take()).singleElement().asString().startsWith(":irc.test 433 bob ALICE :Nickname is reserved");
    }

    @Test
    void passIsThePasswordOfTheNicksAccount() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("PASS secret").send("NICK alice").send("USER a 0 * :A");
        List<String> lines = c.take();
        assertThat(lines.get(0)).isEqualTo(":irc.test 900 * alice!alice@chat alice :You are now logged in as alice");
        assertThat(lines.get(1)).startsWith(":irc.test 001 alice ");
        assertThat(c.sent).containsExactly(new ClientMessage.Hello(1L, "alice"),
                new ClientMessage.Hello(2L, "alice", "secret"));
        assertThat(chat.hub.participants()).singleElement().satisfies(p -> assertThat(p.account()).isEqualTo("alice"));
        c.send("PASS again");
        assertThat(c.take()).containsExactly(":irc.test 462 alice :You may not reregister");
    }

    @Test
    void aWrongPassIs464AndAPassForANickWithoutAccountIsNeverChecked() {
        chat.account = "alice";
        TestChat.Irc c = chat.irc();
        c.send("PASS wrong").send("NICK alice").send("USER a 0 * :A");
        assertThat(c.take()).containsExactly(
                ":irc.test 464 * :Password incorrect: PASS is not the password of the account alice");
        assertThat(c.session.registered()).isFalse();
        assertThat(chat.passwordChecks).isEqualTo(1);
        c.send("NICK carol"); // no account: PASS is not a password here, the guest registers
        assertThat(c.take().get(0)).startsWith(":irc.test 001 carol ");
        assertThat(chat.passwordChecks).isEqualTo(1);
    }

    @Test
    void requireAccountClosesAGuestWithFailAccountRequiredAndLetsSaslIn() {
        TestChat strict = new TestChat(ServerConfig.forTests().toBuilder().requireAccount(true).build());
        strict.account = "alice";
        TestChat.Irc guest = strict.irc();
        guest.send("NICK bob").send("USER b 0 * :B");
        String why = "This server requires an account: log in with SASL (PLAIN), or send PASS with the password"
                + " of the nick's account";
        assertThat(guest.take()).containsExactly(":irc.test FAIL * ACCOUNT_REQUIRED :" + why,
                "ERROR :Closing link: " + why);
        assertThat(guest.closed).isTrue();
        TestChat.Irc member = strict.irc();
        member.send("CAP REQ sasl").send("NICK alice").send("USER a 0 * :A");
        member.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "alice", "secret")).send("CAP END");
        assertThat(member.take()).anyMatch(l -> l.startsWith(":irc.test 001 alice "));
    }

    @Test
    void accountTagExtendedJoinAndWhoisShowTheAccountOfLoggedInUsersGuestsGetAStar() {
        chat.account = "alice";
        TestChat.Irc bob = chat.registered("bob", "account-tag", "extended-join", "account-notify");
        bob.send("JOIN #room").take();
        TestChat.Irc alice = loggedIn("alice");
        alice.send("JOIN #room");
        assertThat(bob.take()).containsExactly("@account=alice :alice!alice@chat JOIN #room alice :alice");
        alice.take();
        alice.send("PRIVMSG #room :hi");
        assertThat(bob.take()).containsExactly("@account=alice :alice!alice@chat PRIVMSG #room :hi");
        bob.send("PRIVMSG #room :hello");
        assertThat(bob.take()).isEmpty();
        assertThat(alice.take()).containsExactly(":bob!bob@chat PRIVMSG #room :hello"); // alice asked for no tags
        TestChat.Irc carol = chat.registered("carol");
        carol.send("JOIN #room");
        assertThat(bob.take()).containsExactly(":carol!carol@chat JOIN #room * :carol");
        bob.send("WHOIS alice");
        assertThat(bob.take()).contains(":irc.test 330 bob alice alice :is logged in as");
        bob.send("WHOIS carol");
        assertThat(bob.take()).noneMatch(l -> l.contains(" 330 "));
    }

    @Test
    void accountNotifyTellsRoomMembersOfALoginAndALogout() {
        chat.account = "alice";
        TestChat.Irc bob = chat.registered("bob", "account-notify");
        TestChat.Irc dave = chat.registered("dave"); // did not ask for account-notify
        bob.send("JOIN #room").take();
        dave.send("JOIN #room").take();
        TestChat.Framed f = chat.framed("guest1");
        f.send(new ClientMessage.Join(2L, "room"));
        bob.take();
        dave.take();
        f.send(new ClientMessage.Login(3L, "alice", "secret")); // logs in and takes the account's nick
        assertThat(f.received).anyMatch(m -> m instanceof ServerMessage.Ok);
        assertThat(bob.take()).containsExactly(":guest1!guest1@chat NICK alice", ":alice!alice@chat ACCOUNT alice");
        assertThat(dave.take()).containsExactly(":guest1!guest1@chat NICK alice");
        f.send(new ClientMessage.Unregister(4L, "secret"));
        assertThat(bob.take()).containsExactly(":alice!alice@chat ACCOUNT *");
        assertThat(dave.take()).isEmpty();
    }

    @Test
    void saslAfterRegistrationLogsInAndTakesTheAccountsNick() {
        chat.account = "alice";
        TestChat.Irc watcher = chat.registered("bob", "account-notify");
        watcher.send("JOIN #room").take();
        TestChat.Irc c = chat.registered("guest7", "sasl");
        c.send("JOIN #room").take();
        watcher.take();
        c.send("AUTHENTICATE PLAIN").send("AUTHENTICATE " + plain("", "alice", "secret"));
        assertThat(c.take()).containsExactly("AUTHENTICATE +", ":guest7!guest7@chat NICK alice",
                ":irc.test 900 alice alice!alice@chat alice :You are now logged in as alice",
                ":irc.test 903 alice :SASL authentication successful");
        assertThat(watcher.take()).containsExactly(":guest7!guest7@chat NICK alice", ":alice!alice@chat ACCOUNT alice");
        c.send("AUTHENTICATE PLAIN");
        assertThat(c.take()).containsExactly(":irc.test 907 alice :You have already authenticated using SASL");
    }
}
