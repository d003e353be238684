package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.server.config.ServerConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IRCv3 draft "chathistory" over the room history: subcommands {@code LATEST}, {@code BEFORE},
 * {@code AFTER}, {@code AROUND}, {@code BETWEEN}, {@code TARGETS}, references by msgid
 * ({@code room:seq}) and timestamp, and its standard replies ("Errors and Warnings").
 */
class ChatHistoryTest {

    private static final long T0 = 1_767_225_600_000L;
    private final TestChat chat = new TestChat();
    private TestChat.Irc alice;

    /** Messages 1..20 in #a, message n said at T0 + n seconds. */
    @BeforeEach
    void twentyMessages() {
        TestChat.Framed bob = chat.framed("bob");
        bob.send(new ClientMessage.Join(2L, "a"));
        for (int n = 1; n <= 20; n++) {
            chat.now = T0 + n * 1000L;
            bob.send(new ClientMessage.Say(3L, "a", "message " + n));
        }
        alice = chat.registered("alice", "batch", "server-time", "message-tags", "draft/chathistory");
        alice.send("JOIN #a"); // a room's history is its members'
        alice.take();
    }

    /** The numbers of the messages in a chathistory answer, checking its batch frame. */
    private List<Integer> numbers(List<String> lines) {
        assertThat(lines.get(0)).matches(":irc.test BATCH \\+b\\d+ chathistory #a");
        String ref = lines.get(0).split(" ")[2].substring(1);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(":irc.test BATCH -" + ref);
        return lines.subList(1, lines.size() - 1).stream().map(l -> {
            assertThat(l).startsWith("@batch=" + ref + ";time=").contains(";msgid=a:").contains(" :bob!bob@chat PRIVMSG #a :message ");
            return Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1));
        }).toList();
    }

    private static String ts(int n) {
        return "timestamp=" + EventRenderer.TIME.format(Instant.ofEpochMilli(T0 + n * 1000L));
    }

    @Test
    void latest() {
        alice.send("CHATHISTORY LATEST #a * 5");
        assertThat(numbers(alice.take())).containsExactly(16, 17, 18, 19, 20);
        alice.send("CHATHISTORY LATEST #a msgid=a:17 10");
        assertThat(numbers(alice.take())).containsExactly(18, 19, 20);
        alice.send("CHATHISTORY LATEST #a " + ts(18) + " 10");
        assertThat(numbers(alice.take())).containsExactly(19, 20);
    }

    @Test
    void theMessagesLookAsTheyDidLive() {
        alice.send("CHATHISTORY LATEST #A * 1");
        List<String> lines = alice.take();
        assertThat(lines.get(1)).isEqualTo(
                "@batch=" + lines.get(0).split(" ")[2].substring(1)
                        + ";time=2026-01-01T00:00:20.000Z;msgid=a:20 :bob!bob@chat PRIVMSG #a :message 20");
    }

    @Test
    void before() {
        alice.send("CHATHISTORY BEFORE #a msgid=a:10 3");
        assertThat(numbers(alice.take())).containsExactly(7, 8, 9);
        alice.send("CHATHISTORY BEFORE #a msgid=3 10");
        assertThat(numbers(alice.take())).containsExactly(1, 2);
        alice.send("CHATHISTORY BEFORE #a " + ts(10) + " 3");
        assertThat(numbers(alice.take())).containsExactly(7, 8, 9);
    }

    @Test
    void after() {
        alice.send("CHATHISTORY AFTER #a msgid=a:10 3");
        assertThat(numbers(alice.take())).containsExactly(11, 12, 13);
        alice.send("CHATHISTORY AFTER #a " + ts(18) + " 10");
        assertThat(numbers(alice.take())).containsExactly(19, 20);
        alice.send("CHATHISTORY AFTER #a msgid=a:20 10");
        assertThat(numbers(alice.take())).isEmpty();
    }

    @Test
    void around() {
        alice.send("CHATHISTORY AROUND #a msgid=a:10 5");
        assertThat(numbers(alice.take())).containsExactly(8, 9, 10, 11, 12);
        alice.send("CHATHISTORY AROUND #a " + ts(2) + " 4");
        assertThat(numbers(alice.take())).containsExactly(1, 2, 3, 4);
    }

    @Test
    void betweenForwardsAndBackwards() {
        alice.send("CHATHISTORY BETWEEN #a msgid=a:5 msgid=a:12 3");
        assertThat(numbers(alice.take())).containsExactly(6, 7, 8);
        alice.send("CHATHISTORY BETWEEN #a msgid=a:12 msgid=a:5 3");
        assertThat(numbers(alice.take())).containsExactly(9, 10, 11);
        alice.send("CHATHISTORY BETWEEN #a " + ts(5) + " " + ts(9) + " 100");
        assertThat(numbers(alice.take())).containsExactly(6, 7, 8);
        alice.send("CHATHISTORY BETWEEN #a msgid=a:5 msgid=a:5 10");
        assertThat(numbers(alice.take())).isEmpty();
    }

    @Test
    void theLimitIsCappedAtTheAdvertisedMaximum() {
        alice.send("CHATHISTORY LATEST #a * 100000");
        assertThat(alice.sent).contains(new ClientMessage.History(anyId(), "a", null, 500));
    }

    private Long anyId() {
        return alice.sent.stream().filter(m -> m instanceof ClientMessage.History).map(m -> (Long) m.id())
                .findFirst().orElseThrow();
    }

    @Test
    void aTimestampCostsAboutLog2ProbesOfOneMessage() {
        TestChat big = new TestChat(ServerConfig.forTests());
        TestChat.Framed bob = big.framed("bob");
        bob.send(new ClientMessage.Join(2L, "r"));
        for (int n = 1; n <= 1000; n++) {
            big.now = T0 + n * 1000L;
            bob.send(new ClientMessage.Say(3L, "r", "m" + n));
        }
        TestChat.Irc c = big.registered("carol", "batch");
        c.send("JOIN #r");
        c.take();
        c.send("CHATHISTORY BEFORE #r " + ts(500) + " 3");
        List<String> lines = c.take();
        assertThat(lines.subList(1, 4)).allMatch(l -> l.contains(":m497") || l.contains(":m498") || l.contains(":m499"));
        long histories = c.sent.stream().filter(m -> m instanceof ClientMessage.History).count();
        // latest(1), about log2(1000) one-message probes, then the page: 11 today
        assertThat(histories).isBetween(3L, 12L);
    }

    @Test
    void directMessageTargetsAndTargetsGetEmptyBatches() {
        alice.send("CHATHISTORY LATEST bob * 10");
        List<String> lines = alice.take();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches(":irc.test BATCH \\+b\\d+ chathistory bob");
        alice.send("CHATHISTORY TARGETS " + ts(1) + " " + ts(20) + " 10");
        assertThat(alice.take().get(0)).matches(":irc.test BATCH \\+b\\d+ draft/chathistory-targets");
    }

    @Test
    void mistakesGetStandardReplies() {
        alice.send("CHATHISTORY FROB #a * 10");
        alice.send("CHATHISTORY LATEST #a *");
        alice.send("CHATHISTORY LATEST #a * lots");
        alice.send("CHATHISTORY BEFORE #a * 10");
        alice.send("CHATHISTORY BEFORE #a msgid=b:3 10");
        alice.send("CHATHISTORY AFTER #a timestamp=yesterday 10");
        alice.send("CHATHISTORY LATEST #bad! * 10");
        alice.send("CHATHISTORY LATEST bad!nick * 10");
        assertThat(alice.take()).containsExactly(
                ":irc.test FAIL CHATHISTORY UNKNOWN_COMMAND FROB :Unknown command",
                ":irc.test FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :Missing parameters",
                ":irc.test FAIL CHATHISTORY INVALID_PARAMS LATEST lots :The limit must be a positive integer",
                ":irc.test FAIL CHATHISTORY INVALID_PARAMS BEFORE * :Message references are msgid=<room>:<seq>, "
                        + "timestamp=YYYY-MM-DDThh:mm:ss.sssZ or * (LATEST)",
                ":irc.test FAIL CHATHISTORY INVALID_PARAMS BEFORE msgid=b:3 :Message references are msgid=<room>:<seq>, "
                        + "timestamp=YYYY-MM-DDThh:mm:ss.sssZ or * (LATEST)",
                ":irc.test FAIL CHATHISTORY INVALID_PARAMS AFTER timestamp=yesterday :Message references are "
                        + "msgid=<room>:<seq>, timestamp=YYYY-MM-DDThh:mm:ss.sssZ or * (LATEST)",
                ":irc.test FAIL CHATHISTORY INVALID_TARGET LATEST #bad! :No such channel",
                ":irc.test FAIL CHATHISTORY INVALID_TARGET LATEST bad!nick :No such target");
    }

    @Test
    void withoutBatchTheMessagesComeBare() {
        TestChat.Irc c = chat.registered("carol");
        c.send("JOIN #a");
        c.take();
        c.send("CHATHISTORY LATEST #a * 2");
        assertThat(c.take()).containsExactly(":bob!bob@chat PRIVMSG #a :message 19",
                ":bob!bob@chat PRIVMSG #a :message 20");
    }

    @Test
    void aLabeledChathistoryCarriesTheLabelOnItsBatch() {
        TestChat.Irc c = chat.registered("carol", "batch", "labeled-response");
        c.send("JOIN #a");
        c.take();
        c.send("@label=h1 CHATHISTORY LATEST #a * 1");
        List<String> lines = c.take();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("@label=h1 :irc.test BATCH \\+b\\d+ chathistory #a");
    }
}
