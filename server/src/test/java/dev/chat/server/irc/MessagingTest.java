package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code PRIVMSG} and {@code NOTICE} both ways between IRC and framed users ("Modern IRC",
 * section "PRIVMSG message", "NOTICE message"), IRCv3 "echo-message", "Multiline messages",
 * "server-time", "Message IDs", and the per-user {@code QUIT}/{@code NICK} of IRC.
 */
class MessagingTest {

    private final TestChat chat = new TestChat();

    private TestChat.Irc inRoom(String nick, String... caps) {
        TestChat.Irc c = chat.registered(nick, caps);
        c.send("JOIN #a").take();
        return c;
    }

    @Test
    void aChannelMessageIsASayThatEveryOtherMemberGets() {
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        TestChat.Irc carol = inRoom("carol");
        TestChat.Irc alice = inRoom("alice");
        carol.take();
        alice.send("PRIVMSG #a :hello, world");
        assertThat(alice.take()).isEmpty(); // no echo without echo-message
        assertThat(alice.sent).contains(new ClientMessage.Say(3L, "a", "hello, world"));
        assertThat(carol.take()).containsExactly(":alice!alice@chat PRIVMSG #a :hello, world");
        assertThat(bob.received).contains(ServerMessage.ChatMessage.inRoom("a", "alice", "hello, world", chat.now, 1));
    }

    @Test
    void aFramedUsersMessageReachesIrcWithTimeAndMsgidWhenAsked() {
        TestChat.Irc plain = inRoom("plain");
        TestChat.Irc tagged = inRoom("tagged", "server-time", "message-tags");
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        plain.take();
        tagged.take();
        bob.send(new ClientMessage.Say(3L, "a", "hi"));
        assertThat(plain.take()).containsExactly(":bob!bob@chat PRIVMSG #a :hi");
        assertThat(tagged.take()).containsExactly(
                "@time=2026-01-01T00:00:00.000Z;msgid=a:1 :bob!bob@chat PRIVMSG #a :hi");
    }

    @Test
    void oneRenderPerCapabilitySetNotPerMember() {
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        for (int i = 0; i < 50; i++) {
            inRoom("plain" + i);
            inRoom("timed" + i, "server-time");
            inRoom("timetagged" + i, "server-time", "message-tags", "echo-message"); // echo-message does not matter
        }
        chat.caches.clear();
        bob.send(new ClientMessage.Say(3L, "a", "to 150 IRC members"));
        assertThat(chat.caches).hasSize(1);
        assertThat(chat.caches.get(0).renders()).isEqualTo(3);
    }

    @Test
    void aDirectMessageIsADmBothWays() {
        TestChat.Framed bob = chat.framed("bob");
        TestChat.Irc alice = chat.registered("alice");
        alice.send("PRIVMSG bob :psst");
        assertThat(bob.received).contains(ServerMessage.ChatMessage.direct("bob", "alice", "psst", chat.now));
        bob.send(new ClientMessage.Dm(4L, "alice", "what?"));
        assertThat(alice.take()).containsExactly(":bob!bob@chat PRIVMSG alice :what?");
    }

    @Test
    void severalTargetsAtOnce() {
        TestChat.Irc bob = inRoom("bob");
        TestChat.Irc carol = chat.registered("carol");
        TestChat.Irc alice = inRoom("alice");
        bob.take();
        alice.send("PRIVMSG #a,carol :to both");
        assertThat(bob.take()).containsExactly(":alice!alice@chat PRIVMSG #a :to both");
        assertThat(carol.take()).containsExactly(":alice!alice@chat PRIVMSG carol :to both");
        alice.send("PRIVMSG carol,carol,carol,carol,nobody1 :five");
        assertThat(alice.take()).containsExactly(":irc.test 407 alice nobody1 :Too many targets: at most 4 targets "
                + "per message; this one was not sent");
    }

    @Test
    void errorsOfPrivmsgGetTheirNumerics() {
        TestChat.Irc alice = chat.registered("alice");
        alice.send("PRIVMSG");
        alice.send("PRIVMSG #a");
        alice.send("PRIVMSG #a :");
        alice.send("PRIVMSG nobody :hi");
        alice.send("PRIVMSG bad!nick :hi");
        alice.send("PRIVMSG #a :not joined");
        alice.send("PRIVMSG #bad! :x");
        assertThat(alice.take()).containsExactly(
                ":irc.test 411 alice :No recipient given (PRIVMSG)",
                ":irc.test 412 alice :No text to send",
                ":irc.test 412 alice :No text to send",
                ":irc.test 401 alice nobody :No such nick/channel",
                ":irc.test 401 alice bad!nick :No such nick/channel",
                ":irc.test 404 alice #a :Cannot send to channel: you are not in it (join it first)",
                ":irc.test 403 alice #bad! :No such channel: a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on this "
                        + "server");
    }

    @Test
    void noticeNeverGetsAnErrorBack() {
        TestChat.Irc alice = chat.registered("alice");
        alice.send("NOTICE");
        alice.send("NOTICE #a");
        alice.send("NOTICE nobody :hi");
        alice.send("NOTICE #a :not joined");
        alice.send("NOTICE #bad! :x");
        assertThat(alice.take()).isEmpty();
        TestChat.Irc bob = inRoom("bob");
        alice.send("JOIN #a").take();
        alice.send("NOTICE #a :a notice");
        assertThat(bob.take()).containsExactly(":alice!alice@chat JOIN #a",
                ":alice!alice@chat PRIVMSG #a :a notice"); // the chat protocol has no notices
    }

    @Test
    void rpl_awayWhenTheRecipientIsAway() {
        chat.registered("bob").send("AWAY :gone fishing");
        TestChat.Irc alice = chat.registered("alice");
        alice.send("PRIVMSG bob :are you there?");
        assertThat(alice.take()).containsExactly(":irc.test 301 alice bob :gone fishing");
        alice.send("NOTICE bob :no 301 for notices");
        assertThat(alice.take()).isEmpty();
    }

    @Test
    void echoMessageReturnsTheStoredMessageWithItsLabel() {
        TestChat.Irc alice = inRoom("alice", "echo-message", "labeled-response", "batch", "message-tags");
        alice.send("@label=L1 PRIVMSG #a :hello");
        assertThat(alice.take()).containsExactly("@label=L1;msgid=a:1 :alice!alice@chat PRIVMSG #a :hello");
        chat.repliesBeforeEvents = true; // the ok overtakes the fanned-out message: same answer
        alice.send("@label=L2 PRIVMSG #a :again");
        assertThat(alice.take()).containsExactly("@label=L2;msgid=a:2 :alice!alice@chat PRIVMSG #a :again");
    }

    @Test
    void echoMessageOfANoticeIsANotice() {
        TestChat.Irc alice = inRoom("alice", "echo-message");
        alice.send("NOTICE #a :quietly");
        assertThat(alice.take()).containsExactly(":alice!alice@chat NOTICE #a :quietly");
    }

    @Test
    void echoMessageOfADirectMessage() {
        chat.registered("bob");
        TestChat.Irc alice = chat.registered("alice", "echo-message", "server-time");
        alice.send("PRIVMSG Bob :hi");
        assertThat(alice.take()).containsExactly("@time=2026-01-01T00:00:00.000Z :alice!alice@chat PRIVMSG Bob :hi");
    }

    @Test
    void aLabeledMessageWithoutEchoGetsAnAck() {
        TestChat.Irc alice = inRoom("alice", "labeled-response", "batch");
        alice.send("@label=x1 PRIVMSG #a :hi");
        assertThat(alice.take()).containsExactly("@label=x1 :irc.test ACK");
        alice.send("@label=x2 PRIVMSG #nope :hi");
        assertThat(alice.take()).containsExactly(
                "@label=x2 :irc.test 404 alice #nope :Cannot send to channel: you are not in it (join it first)");
    }

    @Test
    void aTextWithLineBreaksIsOnePrivmsgPerLineWithoutBlankLines() {
        TestChat.Irc alice = inRoom("alice", "message-tags");
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        alice.take();
        bob.send(new ClientMessage.Say(3L, "a", "line one\n\nline three\r\nline four"));
        assertThat(alice.take()).containsExactly(
                "@msgid=a:1 :bob!bob@chat PRIVMSG #a :line one",
                ":bob!bob@chat PRIVMSG #a :line three",
                ":bob!bob@chat PRIVMSG #a :line four");
    }

    @Test
    void aLongTextIsSplitAtCharacterBoundariesAndEachLineFits() {
        TestChat.Irc alice = inRoom("alice");
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        alice.take();
        String text = "é😀".repeat(500) + " end"; // 3,004 bytes, one line
        bob.send(new ClientMessage.Say(3L, "a", text));
        List<String> lines = alice.take();
        assertThat(lines.size()).isGreaterThan(6);
        StringBuilder joined = new StringBuilder();
        for (String l : lines) {
            assertThat(l.getBytes(StandardCharsets.UTF_8).length + 2).isLessThanOrEqualTo(512);
            assertThat(l).startsWith(":bob!bob@chat PRIVMSG #a :").doesNotContain("\uFFFD");
            joined.append(l.substring(":bob!bob@chat PRIVMSG #a :".length()));
        }
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Test
    void multilineClientsGetTheExactTextBack() {
        TestChat.Irc alice = inRoom("alice", "draft/multiline", "batch", "message-tags");
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        alice.take();
        String longLine = "x".repeat(600);
        bob.send(new ClientMessage.Say(3L, "a", "first\n\n" + longLine));
        List<String> lines = alice.take();
        assertThat(lines.get(0)).isEqualTo("@msgid=a:1 :bob!bob@chat BATCH +ml1 draft/multiline #a");
        assertThat(lines.get(1)).isEqualTo("@batch=ml1 :bob!bob@chat PRIVMSG #a :first");
        assertThat(lines.get(2)).isEqualTo("@batch=ml1 :bob!bob@chat PRIVMSG #a :");
        assertThat(lines.get(3)).startsWith("@batch=ml1 :bob!bob@chat PRIVMSG #a :xxx");
        assertThat(lines.get(4)).startsWith("@batch=ml1;draft/multiline-concat :bob!bob@chat PRIVMSG #a :xxx");
        assertThat(lines.get(5)).isEqualTo(":irc.test BATCH -ml1");
        assertThat(lines).hasSize(6);
    }

    @Test
    void aMultilineBatchFromTheClientIsOneChatText() {
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        TestChat.Irc alice = inRoom("alice", "draft/multiline", "batch", "echo-message", "labeled-response");
        alice.send("@label=m1 BATCH +b1 draft/multiline #a");
        alice.send("@batch=b1 PRIVMSG #a hello");
        alice.send("@batch=b1 privmsg #a :how is ");
        alice.send("@batch=b1;draft/multiline-concat PRIVMSG #a :everyone?");
        assertThat(alice.sent).noneMatch(m -> m instanceof ClientMessage.Say);
        alice.send("BATCH -b1");
        assertThat(alice.sent).contains(new ClientMessage.Say(3L, "a", "hello\nhow is everyone?"));
        assertThat(bob.received).contains(ServerMessage.ChatMessage.inRoom("a", "alice", "hello\nhow is everyone?",
                chat.now, 1));
        assertThat(alice.take()).containsExactly(
                "@label=m1 :alice!alice@chat BATCH +ml1 draft/multiline #a",
                "@batch=ml1 :alice!alice@chat PRIVMSG #a :hello",
                "@batch=ml1 :alice!alice@chat PRIVMSG #a :how is everyone?",
                ":irc.test BATCH -ml1");
    }

    @Test
    void multilineBatchLimitsAndMistakesAreRefused() {
        TestChat.Irc alice = inRoom("alice", "draft/multiline", "batch");
        alice.send("BATCH +b draft/multiline #a");
        alice.send("@batch=b PRIVMSG #other :hi");
        alice.send("@batch=b PRIVMSG #a :ignored now");
        alice.send("BATCH -b");
        assertThat(alice.take()).containsExactly(
                ":irc.test FAIL BATCH MULTILINE_INVALID_TARGET #a #other :Invalid multiline target");
        alice.send("BATCH +c draft/multiline #a");
        for (int i = 0; i < 101; i++) {
            alice.send("@batch=c PRIVMSG #a :line " + i);
        }
        alice.send("BATCH -c");
        assertThat(alice.take()).containsExactly(
                ":irc.test FAIL BATCH MULTILINE_MAX_LINES 100 :Multiline batch max-lines exceeded; nothing of it was sent");
        alice.send("BATCH +d draft/multiline #a");
        for (int i = 0; i < 10; i++) {
            alice.send("@batch=d PRIVMSG #a :" + "y".repeat(450));
        }
        alice.send("BATCH -d");
        assertThat(alice.take()).containsExactly(":irc.test FAIL BATCH MULTILINE_MAX_BYTES 4000 :Multiline batch "
                + "max-bytes exceeded; nothing of it was sent");
        alice.send("BATCH -zzz");
        alice.send("BATCH +e chathistory #a");
        assertThat(alice.take()).containsExactly(":irc.test FAIL BATCH MULTILINE_INVALID :No batch -zzz is open",
                ":irc.test FAIL BATCH MULTILINE_INVALID :Only draft/multiline batches are taken, after CAP REQ "
                        + "draft/multiline and batch");
        assertThat(alice.sent).noneMatch(m -> m instanceof ClientMessage.Say);
    }

    @Test
    void quitAndNickOfAMemberSharingSeveralRoomsAreShownOnce() {
        TestChat.Irc alice = chat.registered("alice");
        alice.send("JOIN #a,#b,#c").take();
        TestChat.Framed bob = chat.framed("bob");
        for (String room : List.of("a", "b", "c")) {
            bob.send(new ClientMessage.Join(2L, room));
        }
        alice.take();
        bob.send(new ClientMessage.Nick(5L, "robert"));
        assertThat(alice.take()).containsExactly(":bob!bob@chat NICK robert");
        bob.send(new ClientMessage.Nick(6L, "bob"));
        assertThat(alice.take()).containsExactly(":robert!robert@chat NICK bob");
        bob.send(new ClientMessage.Nick(7L, "robert"));
        assertThat(alice.take()).containsExactly(":bob!bob@chat NICK robert");
        bob.disconnect();
        assertThat(alice.take()).containsExactly(":robert!robert@chat QUIT :Connection closed");
        TestChat.Framed again = chat.framed("robert");
        again.send(new ClientMessage.Join(2L, "a"));
        again.disconnect();
        assertThat(alice.take()).containsExactly(":robert!robert@chat JOIN #a",
                ":robert!robert@chat QUIT :Connection closed");
    }

    @Test
    void quitEndsTheConnectionWithError() {
        TestChat.Irc bob = inRoom("bob");
        TestChat.Irc alice = inRoom("alice");
        bob.take();
        alice.send("QUIT :lunch");
        assertThat(alice.take()).containsExactly("ERROR :Closing link: Quit: lunch");
        assertThat(alice.closed).isTrue();
        assertThat(bob.take()).containsExactly(":alice!alice@chat QUIT :Connection closed");
        alice.send("PRIVMSG #a :after quit");
        assertThat(alice.take()).isEmpty();
    }

    @Test
    void rateLimitAndUnavailableErrorsFromTheCoreGetTheirNumerics() {
        TestChat.Irc alice = inRoom("alice");
        // the framed listener's flood control answers rate_limited; the adapter will pass it on as a reply
        alice.session.onServerMessage(new ServerMessage.Ok(-1L)); // an unknown id is ignored
        assertThat(alice.take()).isEmpty();
        List<String> out = new java.util.ArrayList<>();
        IrcSession s = scripted(out, new ServerMessage.Error(null, "rate_limited", "slow down"));
        s.line(IrcLine.parse("PRIVMSG #a :fast"));
        s.line(IrcLine.parse("PRIVMSG bob :fast"));
        assertThat(out).containsExactly(
                ":irc.test 404 x #a :Cannot send to channel: message dropped, you are sending faster than this server "
                        + "allows; wait a moment",
                ":irc.test 263 x PRIVMSG :Message to bob dropped: you are sending faster than this server allows; "
                        + "wait a moment and try again");
        out.clear();
        IrcSession u = scripted(out, new ServerMessage.Error(null, "unavailable", "a node did not answer"));
        u.line(IrcLine.parse("JOIN #a"));
        assertThat(out).containsExactly(
                ":irc.test 263 x JOIN :Could not join #a: a node did not answer; please try again");
    }

    /** A session registered as "x" whose core answers every later request with {@code error} (same id). */
    private static IrcSession scripted(List<String> out, ServerMessage.Error error) {
        IrcSession[] s = new IrcSession[1];
        IrcHooks core = request -> {
            ServerMessage reply = request instanceof ClientMessage.Hello h
                    ? new ServerMessage.Welcome(h.id(), h.nick(), "t", "n", 1, 30000, 65536)
                    : new ServerMessage.Error(request.id(), error.code(), error.message());
            s[0].onServerMessage(reply);
        };
        s[0] = new IrcSession(IrcServerInfo.forTests(), core, new IrcOutput() {
            public void write(byte[] lines) {
                String t = new String(lines, StandardCharsets.UTF_8);
                out.addAll(List.of(t.substring(0, t.length() - 2).split("\r\n")));
            }

            public void close() {
            }
        }, () -> 0L);
        s[0].line(IrcLine.parse("NICK x"));
        s[0].line(IrcLine.parse("USER x 0 * :x"));
        out.clear();
        return s[0];
    }
}
