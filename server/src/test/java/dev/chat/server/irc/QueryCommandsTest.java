package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Pong;
import org.junit.jupiter.api.Test;

/**
 * Queries ("Modern IRC", sections "PING message", "PONG message", "QUIT message", "WHOIS
 * message", "WHOWAS message", "AWAY message", "MOTD message", "LUSERS message", "VERSION
 * message", "TIME message", "USERHOST message", "ISON message", "OPER message") and IRCv3
 * "away-notify".
 */
class QueryCommandsTest {

    private final TestChat chat = new TestChat();

    @Test
    void pingIsAnsweredWithPongAndTheToken() {
        TestChat.Irc c = chat.registered("alice");
        c.send("PING :LAG1234");
        c.send("PING");
        assertThat(c.take()).containsExactly(":irc.test PONG irc.test :LAG1234",
                ":irc.test 461 alice PING :Not enough parameters");
    }

    @Test
    void theServerPingsAndThePongReachesTheCore() {
        TestChat.Irc c = chat.registered("alice");
        c.session.ping();
        assertThat(c.take()).containsExactly(":irc.test PING irc.test");
        c.send("PONG irc.test");
        assertThat(c.sent).contains(new Pong(null));
        assertThat(c.take()).isEmpty();
        c.session.onServerMessage(new dev.chat.protocol.Ping(null)); // the core's heartbeat
        assertThat(c.take()).containsExactly(":irc.test PING irc.test");
    }

    @Test
    void quitTellsTheCoreAndClosesWithError() {
        TestChat.Irc c = chat.registered("alice");
        c.send("QUIT :gone");
        assertThat(c.sent).contains(new ClientMessage.Quit(null, "gone"));
        assertThat(c.take()).containsExactly("ERROR :Closing link: Quit: gone");
        assertThat(c.closed).isTrue();
        assertThat(c.session.closed()).isTrue();
    }

    @Test
    void quitBeforeRegistrationJustCloses() {
        TestChat.Irc c = chat.irc();
        c.send("QUIT");
        assertThat(c.take()).containsExactly("ERROR :Closing link: Quit: ");
        assertThat(c.sent).isEmpty();
        assertThat(c.closed).isTrue();
    }

    @Test
    void whoisOfSomeoneOnline() {
        chat.registered("bob").send("JOIN #a,#b");
        chat.away.put("bob", "lunch");
        TestChat.Irc c = chat.registered("alice");
        c.send("WHOIS bob");
        assertThat(c.take()).containsExactly(
                ":irc.test 311 alice bob bob chat * :bob",
                ":irc.test 319 alice bob :#a #b",
                ":irc.test 312 alice bob irc.test :chat chat server",
                ":irc.test 301 alice bob :lunch",
                ":irc.test 318 alice bob :End of /WHOIS list");
    }

    @Test
    void whoisOfNobodyAndOfOneself() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        c.send("WHOIS nobody");
        c.send("WHOIS irc.test alice");
        assertThat(c.take()).containsExactly(
                ":irc.test 401 alice nobody :No such nick/channel",
                ":irc.test 318 alice nobody :End of /WHOIS list",
                ":irc.test 311 alice alice alice chat * :alice Example",
                ":irc.test 319 alice alice :#a",
                ":irc.test 312 alice alice irc.test :chat chat server",
                ":irc.test 318 alice alice :End of /WHOIS list");
    }

    @Test
    void whoOfANick() {
        chat.registered("bob");
        TestChat.Irc c = chat.registered("alice");
        c.send("WHO bob");
        c.send("WHO nobody");
        c.send("WHO *");
        assertThat(c.take()).containsExactly(
                ":irc.test 352 alice * bob chat irc.test bob H :0 bob",
                ":irc.test 315 alice bob :End of WHO list",
                ":irc.test 315 alice nobody :End of WHO list",
                ":irc.test 315 alice * :End of WHO list");
    }

    @Test
    void whowasKnowsNoHistory() {
        TestChat.Irc c = chat.registered("alice");
        c.send("WHOWAS bob");
        assertThat(c.take()).containsExactly(":irc.test 406 alice bob :There was no such nickname",
                ":irc.test 369 alice bob :End of WHOWAS");
    }

    @Test
    void awaySetsAndClearsAndIsAnnouncedToAwayNotifyClients() {
        TestChat.Irc bob = chat.registered("bob", "away-notify");
        TestChat.Irc alice = chat.registered("alice");
        alice.send("AWAY :coffee");
        assertThat(alice.take()).containsExactly(":irc.test 306 alice :You have been marked as being away");
        assertThat(chat.away).containsEntry("alice", "coffee");
        // the core tells the members of alice's rooms; twice (two shared rooms) shows once
        bob.session.onAway("alice", "coffee");
        bob.session.onAway("alice", "coffee");
        assertThat(bob.take()).containsExactly(":alice!alice@chat AWAY :coffee");
        alice.send("AWAY");
        assertThat(alice.take()).containsExactly(":irc.test 305 alice :You are no longer marked as being away");
        bob.session.onAway("alice", null);
        assertThat(bob.take()).containsExactly(":alice!alice@chat AWAY");
        TestChat.Irc carol = chat.registered("carol"); // without away-notify: nothing
        carol.session.onAway("alice", "x");
        assertThat(carol.take()).isEmpty();
    }

    @Test
    void anAwayUserJoiningIsFollowedByItsAway() {
        TestChat.Irc bob = chat.registered("bob", "away-notify");
        bob.send("JOIN #a").take();
        TestChat.Irc carol = chat.registered("carol");
        carol.send("JOIN #a").take();
        bob.take();
        chat.away.put("alice", "brb");
        chat.framed("alice").send(new ClientMessage.Join(2L, "a"));
        assertThat(bob.take()).containsExactly(":alice!alice@chat JOIN #a", ":alice!alice@chat AWAY :brb");
        assertThat(carol.take()).containsExactly(":alice!alice@chat JOIN #a");
    }

    @Test
    void accountNotify() {
        TestChat.Irc bob = chat.registered("bob", "account-notify");
        bob.session.onAccount("alice", "alice1");
        bob.session.onAccount("alice", null);
        assertThat(bob.take()).containsExactly(":alice!alice@chat ACCOUNT alice1", ":alice!alice@chat ACCOUNT *");
        TestChat.Irc carol = chat.registered("carol");
        carol.session.onAccount("alice", "alice1");
        assertThat(carol.take()).isEmpty();
    }

    @Test
    void motdAndLusers() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        c.send("MOTD");
        c.send("MOTD other.server");
        c.send("LUSERS");
        assertThat(c.take()).containsExactly(
                ":irc.test 422 alice :MOTD File is missing",
                ":irc.test 402 alice other.server :No such server",
                ":irc.test 251 alice :There are 1 users and 0 invisible on 1 servers",
                ":irc.test 254 alice 1 :channels formed",
                ":irc.test 255 alice :I have 1 clients and 0 servers",
                ":irc.test 265 alice :Current local users: 1",
                ":irc.test 266 alice :Current global users: 1");
    }

    @Test
    void aLongMotdLineIsSplit() {
        TestChat.Irc c = chat.irc(IrcServerInfo.forTests().withMotd(java.util.List.of("m".repeat(900))));
        c.send("NICK a").send("USER a 0 * :a");
        assertThat(c.take()).filteredOn(l -> l.contains(" 372 ")).hasSize(3)
                .allMatch(l -> l.getBytes().length + 2 <= 512);
    }

    @Test
    void versionAndTime() {
        TestChat.Irc c = chat.registered("alice");
        c.send("VERSION");
        assertThat(c.take()).first().isEqualTo(
                ":irc.test 351 alice chat-test irc.test :chat server: IRC listener (docs/IRC.md)");
        c.send("TIME");
        assertThat(c.take()).containsExactly(":irc.test 391 alice irc.test :Thu, 1 Jan 2026 00:00:00 GMT");
    }

    @Test
    void userhostAndIson() {
        chat.registered("bob").send("AWAY :out");
        TestChat.Irc c = chat.registered("alice");
        c.send("USERHOST bob alice nobody");
        c.send("ISON bob nobody Alice");
        c.send("ISON :bob alice");
        assertThat(c.take()).containsExactly(
                ":irc.test 302 alice :bob=-bob@chat alice=+alice@chat",
                ":irc.test 303 alice :bob alice",
                ":irc.test 303 alice :bob alice");
    }

    @Test
    void operIsRefused() {
        TestChat.Irc c = chat.registered("alice");
        c.send("OPER admin secret");
        assertThat(c.take()).containsExactly(
                ":irc.test 491 alice :No O-lines for your host: this server has no IRC operators");
    }

    @Test
    void theCoresByeAndFatalErrorsCloseWithError() {
        TestChat.Irc c = chat.registered("alice");
        c.session.onServerMessage(new dev.chat.protocol.ServerMessage.Bye("server shutting down"));
        assertThat(c.take()).containsExactly("ERROR :Closing link: server shutting down");
        assertThat(c.closed).isTrue();
        TestChat.Irc d = chat.irc();
        d.session.onServerMessage(new dev.chat.protocol.ServerMessage.Error(null, "server_full", "the server is full"));
        assertThat(d.take()).containsExactly("ERROR :Closing link: the server is full");
        assertThat(d.closed).isTrue();
    }

    @Test
    void timeoutsCloseWithTheReason() {
        TestChat.Irc c = chat.irc();
        c.session.closeWith("Registration timed out");
        assertThat(c.take()).containsExactly("ERROR :Closing link: Registration timed out");
        c.session.closeWith("again");
        assertThat(c.take()).isEmpty();
    }
}
