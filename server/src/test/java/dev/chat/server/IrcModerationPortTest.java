package dev.chat.server;

import static dev.chat.testsupport.IrcClient.numeric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.IrcClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Room moderation across the IRC port and the framed port of one real server (docs/IRC.md,
 * "Operators and moderation"): a framed operator's changes as IRC lines, IRC commands refused with
 * the right numerics, a guest on IRC kicked, banned, silenced and kept out, a secret room hidden.
 */
@Timeout(120)
class IrcModerationPortTest {
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private ServerFixture fx;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private String room;
    private String channel;

    @BeforeEach
    void start() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests());
        room = "mod" + UNIQUE.incrementAndGet();
        channel = "#" + room;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private IrcClient irc(String nick) throws IOException {
        IrcClient c = IrcClient.registered(fx.server.port("irc"), nick);
        clients.add(c);
        return c;
    }

    /** A framed client logged in to a new account of its nick. */
    private ChatClient account(String nick) throws IOException {
        ChatClient c = ChatClient.connect(fx.port());
        clients.add(c);
        assertThat(c.request(id -> new ClientMessage.Register(id, nick, "pw-" + nick)))
                .isInstanceOf(ServerMessage.Welcome.class);
        return c;
    }

    private static void ok(ChatClient c, java.util.function.Function<String, ClientMessage> request) throws IOException {
        assertThat(c.request(request)).isInstanceOf(ServerMessage.Ok.class);
    }

    /** alice (framed, logged in) made the room: she is its operator. */
    private ChatClient operator() throws IOException {
        ChatClient alice = account("alice");
        ServerMessage.Joined j = (ServerMessage.Joined) alice.request(id -> new ClientMessage.Join(id, room));
        assertThat(j.operators()).containsExactly("alice");
        return alice;
    }

    private void joinIrc(IrcClient c, String nick) throws IOException {
        c.send("JOIN " + channel);
        c.awaitLine(l -> l.equals(":" + nick + "!" + nick + "@chat JOIN " + channel));
    }

    @Test
    void aFramedOperatorsChangesReachAnIrcGuestAsModeAndTopicLines() throws Exception {
        ChatClient alice = operator();
        IrcClient bob = irc("bob");
        joinIrc(bob, "bob");
        assertThat(bob.awaitNumeric("353")).endsWith(" = " + channel + " :@alice bob");
        bob.awaitNumeric("366");

        ok(alice, id -> new ClientMessage.Mode(id, room, null, true, null));
        bob.awaitLine(l -> l.equals(":alice!alice@chat MODE " + channel + " +m"));
        bob.send("PRIVMSG " + channel + " :may I?");
        assertThat(bob.awaitNumeric("404")).contains(" 404 bob " + channel + " :Cannot send to channel: the channel "
                + "is moderated (+m)");

        ok(alice, id -> new ClientMessage.Voice(id, room, "bob"));
        bob.awaitLine(l -> l.equals(":alice!alice@chat MODE " + channel + " +v bob"));
        bob.send("PRIVMSG " + channel + " :thank you");
        assertThat(alice.await(ChatMessage.class, m -> m.from().equals("bob")).text()).isEqualTo("thank you");

        assertThat(alice.request(id -> new ClientMessage.Topic(id, room, "Only voices here"))).isInstanceOf(ServerMessage.Topic.class);
        bob.awaitLine(l -> l.equals(":alice!alice@chat TOPIC " + channel + " :Only voices here"));
        bob.send("TOPIC " + channel);
        assertThat(bob.awaitNumeric("332")).endsWith(" 332 bob " + channel + " :Only voices here");
        assertThat(bob.awaitNumeric("333")).contains(" 333 bob " + channel + " alice ");
        bob.send("TOPIC " + channel + " :mine");
        assertThat(bob.awaitNumeric("482")).endsWith(" 482 bob " + channel + " :You're not channel operator");
        bob.send("MODE " + channel);
        assertThat(bob.awaitNumeric("324")).endsWith(" 324 bob " + channel + " +mnt");
        bob.send("NAMES " + channel);
        assertThat(bob.awaitNumeric("353")).endsWith(" :@alice +bob");
    }

    @Test
    void anIrcGuestIsRefusedOperatorCommandsThenKickedAndBannedAndStaysOut() throws Exception {
        ChatClient alice = operator();
        IrcClient bob = irc("bob");
        joinIrc(bob, "bob");
        bob.send("KICK " + channel + " alice :no");
        assertThat(bob.awaitNumeric("482")).endsWith(" 482 bob " + channel + " :You're not channel operator");
        bob.send("MODE " + channel + " +b alice!*@*");
        assertThat(bob.awaitNumeric("482")).endsWith(" 482 bob " + channel + " :You're not channel operator");
        bob.send("MODE " + channel + " +o bob");
        assertThat(bob.awaitNumeric("482")).endsWith(" 482 bob " + channel + " :You're not channel operator");

        ok(alice, id -> new ClientMessage.Ban(id, room, "bob"));
        bob.awaitLine(l -> l.equals(":alice!alice@chat MODE " + channel + " +b bob!*@*"));
        bob.send("MODE " + channel + " b");
        assertThat(bob.awaitNumeric("367")).endsWith(" 367 bob " + channel + " bob!*@*");
        bob.awaitNumeric("368");
        ok(alice, id -> new ClientMessage.Kick(id, room, "bob", "behave"));
        bob.awaitLine(l -> l.equals(":alice!alice@chat KICK " + channel + " bob :behave"));
        alice.await(Member.class, m -> m.event().equals(Member.KICK) && m.nick().equals("bob"));
        bob.send("PRIVMSG " + channel + " :hello?");
        assertThat(bob.awaitNumeric("404")).contains("you are not in it");
        bob.send("JOIN " + channel);
        assertThat(bob.awaitNumeric("474")).endsWith(" 474 bob " + channel + " :Cannot join channel (+b)");

        ok(alice, id -> new ClientMessage.Unban(id, room, "bob"));
        ok(alice, id -> new ClientMessage.Mode(id, room, true, null, null));
        bob.send("JOIN " + channel);
        assertThat(bob.awaitNumeric("473")).contains(" 473 bob " + channel + " :Cannot join channel (+i)");
        ok(alice, id -> new ClientMessage.Invite(id, room, "bob"));
        bob.awaitLine(l -> l.equals(":alice!alice@chat INVITE bob " + channel));
        joinIrc(bob, "bob");
    }

    @Test
    void aSecretRoomIsHiddenFromIrcNonMembersAndShownToMembers() throws Exception {
        ChatClient alice = operator();
        IrcClient bob = irc("bob");
        joinIrc(bob, "bob");
        ok(alice, id -> new ClientMessage.Mode(id, room, null, null, true));
        bob.awaitLine(l -> l.equals(":alice!alice@chat MODE " + channel + " +s"));
        bob.send("LIST");
        assertThat(bob.awaitLines(l -> numeric(l, "323"))).anyMatch(l -> l.contains(" 322 bob " + channel + " 2 "));

        IrcClient carol = irc("carol");
        carol.send("LIST");
        assertThat(carol.awaitLines(l -> numeric(l, "323"))).noneMatch(l -> l.contains(channel));
        carol.send("NAMES " + channel);
        assertThat(carol.awaitLines(l -> numeric(l, "366"))).noneMatch(l -> numeric(l, "353"));
        carol.send("MODE " + channel);
        assertThat(carol.awaitLine(l -> numeric(l, "403") || numeric(l, "324"))).contains(" 403 carol " + channel);
        carol.send("WHO " + channel);
        assertThat(carol.awaitLines(l -> numeric(l, "315"))).noneMatch(l -> numeric(l, "352"));
    }

    @Test
    void isupportAdvertisesTheModesAndPrefixes() throws Exception {
        IrcClient c = IrcClient.connect(fx.server.port("irc"), "isupport");
        clients.add(c);
        c.send("NICK dave");
        c.send("USER dave 0 * :Dave");
        List<String> burst = c.awaitLines(l -> numeric(l, "376") || numeric(l, "422"));
        String isupport = String.join(" ", burst.stream().filter(l -> numeric(l, "005")).toList());
        assertThat(isupport).contains("PREFIX=(ov)@+", "CHANMODES=b,,,imnst", "MODES=4");
        assertThat(burst.stream().filter(l -> numeric(l, "004")).findFirst().orElseThrow()).endsWith(" bimnostv bov");
    }
}
