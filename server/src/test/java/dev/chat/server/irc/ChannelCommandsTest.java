package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Channel commands against the chat's real rules ("Modern IRC", sections "JOIN message",
 * "PART message", "NAMES message", "LIST message", "TOPIC message", "MODE message", "WHO
 * message").
 */
class ChannelCommandsTest {

    private final TestChat chat = new TestChat();

    @Test
    void joinEchoesTheJoinThenNamesWithTheJoinerIncluded() {
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "general"));
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #General");
        assertThat(c.take()).containsExactly(
                ":alice!alice@chat JOIN #general",
                ":irc.test 353 alice = #general :bob alice",
                ":irc.test 366 alice #general :End of /NAMES list");
        assertThat(c.sent).contains(new ClientMessage.Join(2L, "general"));
        assertThat(bob.received).contains(new ServerMessage.Member("general", "alice", "join", null));
    }

    @Test
    void joinTakesSeveralChannelsAndIgnoresKeys() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a,#b,#c key1,key2");
        assertThat(c.take()).filteredOn(l -> l.contains(" JOIN ")).containsExactly(
                ":alice!alice@chat JOIN #a", ":alice!alice@chat JOIN #b", ":alice!alice@chat JOIN #c");
        assertThat(c.session.joined).containsExactly("a", "b", "c");
    }

    @Test
    void joiningAChannelAlreadyJoinedSaysNothing() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        c.send("JOIN #a");
        assertThat(c.take()).isEmpty();
    }

    @Test
    void aBadChannelNameGets403WithTheRule() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN general,#bad!name,#" + "x".repeat(65));
        assertThat(c.take()).containsExactly(
                ":irc.test 403 alice general :No such channel: a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on this server",
                ":irc.test 403 alice #bad!name :No such channel: a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on this server",
                ":irc.test 403 alice #" + "x".repeat(65) + " :No such channel: a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . "
                        + "on this server");
    }

    @Test
    void oneRoomTooManyGets405() {
        TestChat small = new TestChat(ServerConfig.forTests().toBuilder().maxRoomsPerSession(2).build());
        TestChat.Irc c = small.registered("alice");
        c.send("JOIN #a,#b,#c");
        assertThat(c.take()).contains(":irc.test 405 alice #c :You have joined too many channels: at most 2 per "
                + "connection");
    }

    @Test
    void aFullRoomGets471() {
        TestChat small = new TestChat(ServerConfig.forTests().toBuilder().maxRoomMembers(1).build());
        small.registered("bob").send("JOIN #a");
        TestChat.Irc c = small.registered("alice");
        c.send("JOIN #a");
        assertThat(c.take()).containsExactly(":irc.test 471 alice #a :Cannot join channel (+l)");
    }

    @Test
    void joinZeroLeavesEveryChannel() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a,#b").take();
        c.send("JOIN 0");
        assertThat(c.take()).containsExactly(":alice!alice@chat PART #a", ":alice!alice@chat PART #b");
        assertThat(c.session.joined).isEmpty();
    }

    @Test
    void partWithReasonIsEchoedAndOthersSeeThePart() {
        TestChat.Irc bob = chat.registered("bob");
        bob.send("JOIN #a").take();
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        bob.take();
        c.send("PART #a :see you later");
        assertThat(c.take()).containsExactly(":alice!alice@chat PART #a :see you later");
        assertThat(bob.take()).containsExactly(":alice!alice@chat PART #a :see you later"); // the chat's part carries it
        c.send("JOIN #a").take();
        bob.take();
        c.send("PART #a");
        assertThat(bob.take()).containsExactly(":alice!alice@chat PART #a");
    }

    @Test
    void partOfAChannelNotJoinedGets442() {
        TestChat.Irc c = chat.registered("alice");
        c.send("PART #nowhere,#bad!");
        assertThat(c.take()).containsExactly(":irc.test 442 alice #nowhere :You're not on that channel",
                ":irc.test 403 alice #bad! :No such channel: a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on "
                        + "this server");
    }

    @Test
    void othersJoiningAndLeavingAreShownWithTheirMask() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        bob.send(new ClientMessage.Part(3L, "a"));
        assertThat(c.take()).containsExactly(":bob!bob@chat JOIN #a", ":bob!bob@chat PART #a");
    }

    @Test
    void extendedJoinShowsAccountAndRealname() {
        TestChat.Irc c = chat.registered("alice", "extended-join");
        c.send("JOIN #a");
        assertThat(c.take().get(0)).isEqualTo(":alice!alice@chat JOIN #a * :alice");
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        assertThat(c.take()).containsExactly(":bob!bob@chat JOIN #a * :bob");
    }

    @Test
    void namesListsMembersAndSplitsLongLists() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #big").take();
        for (int i = 0; i < 40; i++) {
            chat.framed("member_with_a_long_nick_" + i).send(new ClientMessage.Join(2L, "big"));
        }
        c.take();
        c.send("NAMES #big");
        List<String> lines = c.take();
        assertThat(lines.size()).isGreaterThan(2);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(":irc.test 366 alice #big :End of /NAMES list");
        int nicks = 0;
        for (String l : lines.subList(0, lines.size() - 1)) {
            assertThat(l).startsWith(":irc.test 353 alice = #big :");
            assertThat(l.getBytes().length + 2).isLessThanOrEqualTo(512);
            nicks += l.substring(l.indexOf(" :") + 2).split(" ").length;
        }
        assertThat(nicks).isEqualTo(41);
    }

    @Test
    void namesWithUserhostInNamesShowsMasks() {
        TestChat.Irc c = chat.registered("alice", "userhost-in-names");
        c.send("JOIN #a");
        assertThat(c.take()).contains(":irc.test 353 alice = #a :alice!alice@chat");
    }

    @Test
    void namesOfAnEmptyRoomOrWithoutParameterIsJustTheEnd() {
        TestChat.Irc c = chat.registered("alice");
        c.send("NAMES #empty");
        c.send("NAMES");
        assertThat(c.take()).containsExactly(":irc.test 366 alice #empty :End of /NAMES list",
                ":irc.test 366 alice * :End of /NAMES list");
    }

    @Test
    void listShowsRoomsWithCountsAndFilters() {
        chat.registered("bob").send("JOIN #a,#b");
        chat.registered("carol").send("JOIN #b");
        TestChat.Irc c = chat.registered("alice");
        c.send("LIST");
        assertThat(c.take()).containsExactly(
                ":irc.test 321 alice Channel :Users  Name",
                ":irc.test 322 alice #a 1 :",
                ":irc.test 322 alice #b 2 :",
                ":irc.test 323 alice :End of /LIST");
        c.send("LIST >1");
        assertThat(c.take()).containsExactly(":irc.test 321 alice Channel :Users  Name", ":irc.test 322 alice #b 2 :",
                ":irc.test 323 alice :End of /LIST");
        c.send("LIST #a");
        assertThat(c.take()).contains(":irc.test 322 alice #a 1 :").hasSize(3);
    }

    @Test
    void userModes() {
        TestChat.Irc c = chat.registered("alice");
        c.send("MODE alice");
        c.send("MODE alice +i");
        c.send("MODE alice +o");
        c.send("MODE bob");
        c.send("MODE bad!nick");
        assertThat(c.take()).containsExactly(
                ":irc.test 221 alice +",
                ":irc.test 501 alice :Unknown MODE flag",
                ":irc.test 502 alice :Cant change mode for other users",
                ":irc.test 401 alice bad!nick :No such nick/channel");
    }

    @Test
    void whoOfAChannelListsItsMembers() {
        TestChat.Irc c = chat.registered("alice");
        c.send("JOIN #a").take();
        chat.framed("bob").send(new ClientMessage.Join(2L, "a"));
        chat.away.put("bob", "lunch");
        c.take();
        c.send("WHO #a");
        assertThat(c.take()).containsExactly(
                ":irc.test 352 alice #a alice chat irc.test alice H :0 alice Example",
                ":irc.test 352 alice #a bob chat irc.test bob G :0 bob",
                ":irc.test 315 alice #a :End of WHO list");
    }
}
