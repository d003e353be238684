package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IRCv3 "Labeled Responses": ACK, one labeled line, a labeled-response batch, and no label without the capability. */
class LabeledResponseTest {

    private final TestChat chat = new TestChat();

    @Test
    void aCommandWithoutAnswerGetsAnAck() {
        TestChat.Irc c = chat.registered("alice", "labeled-response", "batch");
        c.send("@label=abc PONG :foobar");
        assertThat(c.take()).containsExactly("@label=abc :irc.test ACK");
    }

    @Test
    void aOneLineAnswerCarriesTheLabel() {
        TestChat.Irc c = chat.registered("alice", "labeled-response", "batch");
        c.send("@label=dc11f13f11 PRIVMSG nick :Hello");
        assertThat(c.take()).containsExactly("@label=dc11f13f11 :irc.test 401 alice nick :No such nick/channel");
    }

    @Test
    void aSeveralLineAnswerIsALabeledResponseBatch() {
        chat.registered("bob");
        TestChat.Irc c = chat.registered("alice", "labeled-response", "batch");
        c.send("@label=mGhe5V7RTV WHOIS bob");
        List<String> lines = c.take();
        assertThat(lines.get(0)).matches("@label=mGhe5V7RTV :irc.test BATCH \\+b\\d+ labeled-response");
        String ref = lines.get(0).split(" ")[3].substring(1);
        assertThat(lines).hasSize(5);
        assertThat(lines.subList(1, lines.size() - 1)).allMatch(l -> l.startsWith("@batch=" + ref + " :irc.test 3"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo(":irc.test BATCH -" + ref);
    }

    @Test
    void aJoinOfSeveralChannelsIsOneBatchInCommandOrder() {
        TestChat.Irc c = chat.registered("alice", "labeled-response", "batch");
        c.send("@label=j JOIN #a,#bad!,#b");
        List<String> lines = c.take();
        assertThat(lines).extracting(l -> l.startsWith("@") ? l.substring(l.indexOf(' ') + 1) : l).containsExactly(
                ":irc.test BATCH +b1 labeled-response",
                ":alice!alice@chat JOIN #a",
                ":irc.test 353 alice = #a :alice",
                ":irc.test 366 alice #a :End of /NAMES list",
                ":irc.test 403 alice #bad! :No such channel: a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on this "
                        + "server",
                ":alice!alice@chat JOIN #b",
                ":irc.test 353 alice = #b :alice",
                ":irc.test 366 alice #b :End of /NAMES list",
                ":irc.test BATCH -b1");
        assertThat(lines.get(0)).startsWith("@label=j ");
    }

    @Test
    void withoutTheCapabilityLabelsAreIgnored() {
        TestChat.Irc c = chat.registered("alice", "batch");
        c.send("@label=abc PING x");
        assertThat(c.take()).containsExactly(":irc.test PONG irc.test :x");
        TestChat.Irc d = chat.registered("bob", "labeled-response"); // batch is needed too
        d.send("@label=abc PING x");
        assertThat(d.take()).containsExactly(":irc.test PONG irc.test :x");
    }

    @Test
    void isOneBatchFollowsNesting() {
        List<IrcLine> nested = List.of(
                IrcLine.parse("BATCH +h chathistory #a"),
                IrcLine.parse("@batch=h BATCH +m draft/multiline #a"),
                IrcLine.parse("@batch=m PRIVMSG #a x"),
                IrcLine.parse("@batch=h BATCH -m"),
                IrcLine.parse("BATCH -h"));
        assertThat(Response.isOneBatch(nested)).isTrue();
        assertThat(Response.isOneBatch(List.of(IrcLine.parse("BATCH +h x"), IrcLine.parse("PRIVMSG #a y"),
                IrcLine.parse("BATCH -h")))).isFalse();
    }
}
