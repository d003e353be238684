package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

/**
 * Room operators and moderation over IRC against the chat's real rules ("Modern IRC", sections
 * "TOPIC message", "MODE message", "KICK message", "INVITE message", "Channel Modes"): the first
 * logged-in joiner of a new room is its operator ({@code @}), guests are not.
 */
class ModerationCommandsTest {

    private final TestChat chat = new TestChat();

    /** alice (logged in) made #a, so she is its operator; bob, a guest, joined it after her. */
    private TestChat.Irc alice;
    private TestChat.Irc bob;

    private void aliceOpsBobGuest(String... aliceCaps) {
        alice = chat.loggedIn("alice", aliceCaps);
        alice.send("JOIN #a").take();
        bob = chat.registered("bob");
        bob.send("JOIN #a").take();
        alice.take();
    }

    @Test
    void theFirstLoggedInJoinerIsOperatorInTheJoinBurstNamesAndWho() {
        alice = chat.loggedIn("alice");
        alice.send("JOIN #a");
        assertThat(alice.take()).containsExactly(":alice!alice@chat JOIN #a", ":irc.test 353 alice = #a :@alice",
                ":irc.test 366 alice #a :End of /NAMES list");
        bob = chat.registered("bob");
        bob.send("JOIN #a");
        assertThat(bob.take()).contains(":irc.test 353 bob = #a :@alice bob");
        bob.send("WHO #a");
        assertThat(bob.take()).containsExactly(
                ":irc.test 352 bob #a alice chat irc.test alice H@ :0 alice",
                ":irc.test 352 bob #a bob chat irc.test bob H :0 bob Example",
                ":irc.test 315 bob #a :End of WHO list");
    }

    @Test
    void voiceAndOpAreModeLinesToEveryoneAndPrefixesFollow() {
        aliceOpsBobGuest("multi-prefix");
        TestChat.Irc carol = chat.loggedIn("carol");
        carol.send("JOIN #a").take();
        alice.take();
        bob.take();
        alice.send("MODE #a +v bob");
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a +v bob");
        assertThat(bob.take()).containsExactly(":alice!alice@chat MODE #a +v bob");
        assertThat(carol.take()).containsExactly(":alice!alice@chat MODE #a +v bob");
        alice.send("MODE #a +ov carol carol");
        assertThat(carol.take()).containsExactly(":alice!alice@chat MODE #a +o carol",
                ":alice!alice@chat MODE #a +v carol");
        alice.send("NAMES #a");
        assertThat(alice.take()).contains(":irc.test 353 alice = #a :@alice +bob @+carol");
        carol.send("NAMES #a"); // without multi-prefix: the highest only
        assertThat(carol.take()).contains(":irc.test 353 carol = #a :@alice +bob @carol");
        alice.send("MODE #a -o+o carol bob");
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a -o carol",
                ":irc.test 400 alice MODE :#a: bob is not logged in to an account; guests cannot be operators");
        carol.send("MODE #a -v bob");
        assertThat(carol.take()).containsExactly(":alice!alice@chat MODE #a -o carol",":irc.test 482 carol #a :You're not channel operator");
    }

    @Test
    void anOperatorOnIrcKicksAFramedUserAndAGuestCannotKick() {
        aliceOpsBobGuest();
        TestChat.Framed dave = chat.framed("dave");
        dave.send(new ClientMessage.Join(2L, "a"));
        dave.received.clear();
        alice.take();
        bob.take();
        bob.send("KICK #a dave :no");
        assertThat(bob.take()).containsExactly(":irc.test 482 bob #a :You're not channel operator");
        alice.send("KICK #a dave :off you go");
        assertThat(alice.take()).containsExactly(":alice!alice@chat KICK #a dave :off you go");
        assertThat(bob.take()).containsExactly(":alice!alice@chat KICK #a dave :off you go");
        assertThat(dave.received).contains(new ServerMessage.Member("a", "dave", "kick", null, "off you go", "alice"));
        alice.send("KICK #a nobody,dave");
        assertThat(alice.take()).containsExactly(":irc.test 441 alice nobody #a :They aren't on that channel",
                ":irc.test 441 alice dave #a :They aren't on that channel");
        alice.send("KICK #b bob");
        assertThat(alice.take()).containsExactly(":irc.test 442 alice #b :You're not on that channel");
    }

    @Test
    void aFramedOperatorKicksAnIrcUserWhoIsThenOutOfTheChannel() {
        TestChat.Framed carol = chat.framedLoggedIn("carol");
        carol.send(new ClientMessage.Join(3L, "b"));
        bob = chat.registered("bob");
        bob.send("JOIN #b");
        assertThat(bob.take()).contains(":irc.test 353 bob = #b :@carol bob");
        carol.send(new ClientMessage.Kick(4L, "b", "bob", null));
        assertThat(bob.take()).containsExactly(":carol!carol@chat KICK #b bob :carol");
        assertThat(bob.session.joined).doesNotContain("b");
        bob.send("PRIVMSG #b :still here?");
        assertThat(bob.take()).containsExactly(
                ":irc.test 404 bob #b :Cannot send to channel: you are not in it (join it first)");
    }

    @Test
    void moderatedStopsAGuestWith404UntilVoiced() {
        aliceOpsBobGuest();
        alice.send("MODE #a +m");
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a +m");
        assertThat(bob.take()).containsExactly(":alice!alice@chat MODE #a +m");
        bob.send("PRIVMSG #a :hello?");
        assertThat(bob.take()).containsExactly(":irc.test 404 bob #a :Cannot send to channel: the channel is "
                + "moderated (+m): only its operators and voiced members speak");
        assertThat(alice.take()).isEmpty();
        alice.send("MODE #a +v bob").take();
        bob.take();
        bob.send("PRIVMSG #a :hello!");
        assertThat(alice.take()).containsExactly(":bob!bob@chat PRIVMSG #a :hello!");
        alice.send("MODE #a");
        assertThat(alice.take()).containsExactly(":irc.test 324 alice #a +mnt");
    }

    @Test
    void aBanStopsAJoinWith474AndIsListed() {
        aliceOpsBobGuest();
        alice.send("MODE #a +b bob!*@*");
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a +b bob!*@*");
        alice.send("KICK #a bob").take();
        assertThat(bob.take()).containsExactly(":alice!alice@chat MODE #a +b bob!*@*",
                ":alice!alice@chat KICK #a bob :alice");
        bob.send("JOIN #a");
        assertThat(bob.take()).containsExactly(":irc.test 474 bob #a :Cannot join channel (+b)");
        alice.send("MODE #a +b b?b*");
        alice.send("MODE #a b");
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a +b b?b*!*@*",
                ":irc.test 367 alice #a bob!*@*", ":irc.test 367 alice #a b?b*!*@*",
                ":irc.test 368 alice #a :End of channel ban list");
        alice.send("MODE #a -bb bob!*@* b?b*!*@chat");
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a -b bob!*@*",
                ":alice!alice@chat MODE #a -b b?b*!*@*");
        bob.send("JOIN #a");
        assertThat(bob.take()).first().isEqualTo(":bob!bob@chat JOIN #a");
    }

    @Test
    void aBanMaskTheCoreCannotExpressGets696() {
        aliceOpsBobGuest();
        alice.send("MODE #a +b *!*@chat");
        alice.send("MODE #a +b bob!ident@*");
        alice.send("MODE #a +b *!*@example.org");
        alice.send("MODE #a +b b.b!*@*");
        assertThat(alice.take()).containsExactly(
                ":irc.test 696 alice #a b *!*@chat :Ban mask not taken: every user here has the host chat, so this "
                        + "mask would ban everyone: ban by nick, as nick!*@* (or *!*@* to mean everyone)",
                ":irc.test 696 alice #a b bob!ident@* :Ban mask not taken: the user part of every mask here is its "
                        + "nick (nick!nick@chat): ban by nick, as nick!*@*",
                ":irc.test 696 alice #a b *!*@example.org :Ban mask not taken: every user here has the host chat, "
                        + "so this mask matches nobody: ban by nick, as nick!*@*",
                ":irc.test 696 alice #a b b.b!*@* :Ban mask not taken: the nick part of a ban mask is 1 to 64 of "
                        + "A-Z a-z 0-9 _ - and the wildcards * ?");
        assertThat(bob.take()).isEmpty();
    }

    @Test
    void inviteOnlyGets473UntilInvited() {
        aliceOpsBobGuest();
        TestChat.Irc carol = chat.registered("carol");
        alice.send("MODE #a +i").take();
        bob.take();
        carol.send("JOIN #a");
        assertThat(carol.take()).containsExactly(
                ":irc.test 473 carol #a :Cannot join channel (+i): an operator of it must INVITE you");
        bob.send("INVITE carol #a");
        assertThat(bob.take()).containsExactly(":irc.test 482 bob #a :You're not channel operator");
        alice.send("INVITE carol #a");
        alice.send("INVITE nobody #a");
        assertThat(alice.take()).containsExactly(":irc.test 341 alice carol #a",
                ":irc.test 401 alice nobody :No such nick/channel");
        assertThat(carol.take()).containsExactly(":alice!alice@chat INVITE carol #a");
        carol.send("JOIN #a");
        assertThat(carol.take()).first().isEqualTo(":carol!carol@chat JOIN #a");
    }

    @Test
    void aSecretChannelIsHiddenFromNonMembers() {
        aliceOpsBobGuest();
        alice.send("MODE #a +s");
        assertThat(bob.take()).containsExactly(":alice!alice@chat MODE #a +s");
        TestChat.Irc carol = chat.registered("carol");
        carol.send("LIST");
        assertThat(carol.take()).containsExactly(":irc.test 321 carol Channel :Users  Name",
                ":irc.test 323 carol :End of /LIST");
        carol.send("NAMES #a");
        carol.send("MODE #a");
        carol.send("TOPIC #a");
        assertThat(carol.take()).containsExactly(":irc.test 366 carol #a :End of /NAMES list",
                ":irc.test 403 carol #a :No such channel", ":irc.test 403 carol #a :No such channel");
        bob.send("LIST");
        assertThat(bob.take()).contains(":irc.test 322 bob #a 2 :");
    }

    @Test
    void topicIsSetByOperatorsShownToAllAndOnJoin() {
        aliceOpsBobGuest();
        bob.send("TOPIC #a");
        assertThat(bob.take()).containsExactly(":irc.test 331 bob #a :No topic is set");
        bob.send("TOPIC #a :mine now");
        assertThat(bob.take()).containsExactly(":irc.test 482 bob #a :You're not channel operator");
        alice.send("TOPIC #a :Welcome to A");
        assertThat(alice.take()).containsExactly(":alice!alice@chat TOPIC #a :Welcome to A");
        assertThat(bob.take()).containsExactly(":alice!alice@chat TOPIC #a :Welcome to A");
        bob.send("TOPIC #a");
        assertThat(bob.take()).containsExactly(":irc.test 332 bob #a :Welcome to A",
                ":irc.test 333 bob #a alice 1767225600");
        TestChat.Irc carol = chat.registered("carol");
        carol.send("JOIN #a");
        assertThat(carol.take()).containsExactly(":carol!carol@chat JOIN #a", ":irc.test 332 carol #a :Welcome to A",
                ":irc.test 333 carol #a alice 1767225600", ":irc.test 353 carol = #a :@alice bob carol",
                ":irc.test 366 carol #a :End of /NAMES list");
        bob.take();
        carol.send("LIST #a");
        assertThat(carol.take()).contains(":irc.test 322 carol #a 3 :Welcome to A");
        alice.send("TOPIC #a :");
        assertThat(bob.take()).containsExactly(":alice!alice@chat TOPIC #a :");
    }

    @Test
    void inARoomWithoutOperatorAnyMemberSetsTheTopic() {
        bob = chat.registered("bob");
        bob.send("JOIN #g").take();
        bob.send("TOPIC #g :anyone may");
        assertThat(bob.take()).containsExactly(":bob!bob@chat TOPIC #g :anyone may");
        bob.send("MODE #g");
        assertThat(bob.take()).containsExactly(":irc.test 324 bob #g +n");
        bob.send("MODE #g +m");
        assertThat(bob.take()).containsExactly(":irc.test 482 bob #g :You're not channel operator");
        bob.send("TOPIC #h :not joined");
        assertThat(bob.take()).containsExactly(":irc.test 442 bob #h :You're not on that channel");
    }

    @Test
    void modeLinesTheServerCannotTakeAreAnswered() {
        aliceOpsBobGuest();
        alice.send("MODE #a +tk key");
        alice.send("MODE #a +o");
        alice.send("MODE #a e");
        alice.send("MODE #a +vvvvv bob bob bob bob bob");
        assertThat(alice.take()).containsExactly(
                ":irc.test 400 alice MODE :Modes n and t are fixed on this server: only members send to a room, and "
                        + "only operators set the topic of a room that has operators",
                ":irc.test 472 alice k :is unknown mode char to me",
                ":irc.test 461 alice MODE :Not enough parameters: +o needs a nick",
                ":irc.test 349 alice #a :End of channel exception list",
                ":irc.test 400 alice MODE :At most 4 modes with a parameter per MODE (MODES=4); the others were not "
                        + "done",
                ":alice!alice@chat MODE #a +v bob");
    }
    @Test
    void aLongModeStringIsAnsweredOncePerModeChar() {
        aliceOpsBobGuest();
        alice.send("MODE #a +" + "x".repeat(200) + "o".repeat(100) + "eI".repeat(50));
        assertThat(alice.take()).containsExactly(
                ":irc.test 472 alice x :is unknown mode char to me",
                ":irc.test 461 alice MODE :Not enough parameters: +o needs a nick",
                ":irc.test 349 alice #a :End of channel exception list",
                ":irc.test 347 alice #a :End of channel invite list");
        alice.send("MODE #a +" + "i".repeat(300));
        assertThat(alice.take()).containsExactly(":alice!alice@chat MODE #a +i");
    }
    @Test
    void whoAndNamesOfARoomNotJoinedShowTheCoresPrefixes() {
        aliceOpsBobGuest();
        alice.send("MODE #a +v bob").take();
        TestChat.Irc carol = chat.registered("carol", "multi-prefix");
        carol.send("WHO #a");
        assertThat(carol.take()).containsExactly(
                ":irc.test 352 carol #a alice chat irc.test alice H@ :0 alice",
                ":irc.test 352 carol #a bob chat irc.test bob H+ :0 bob",
                ":irc.test 315 carol #a :End of WHO list");
        carol.send("NAMES #a");
        assertThat(carol.take()).contains(":irc.test 353 carol = #a :@alice +bob");
    }
}
