package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How events look per capability (IRCv3 "server-time", "account-tag", "extended-join",
 * "Message IDs") and which capabilities make up a render key.
 */
class EventRendererTest {

    private static final long T = 1_767_225_600_123L;

    /** Accounts exist for this test: bob is logged in as "bobby". */
    private final IrcHooks accounts = new IrcHooks() {
        public void send(ClientMessage request) {
        }

        public String account(String nick) {
            return nick.equals("bob") ? "bobby" : null;
        }

        public String realname(String nick) {
            return nick.equals("bob") ? "Bob Builder" : null;
        }
    };
    private final EventRenderer r = new EventRenderer(IrcServerInfo.forTests(), accounts);

    private static int caps(Capability... cs) {
        int bits = 0;
        for (Capability c : cs) {
            bits |= c.bit();
        }
        return bits;
    }

    @Test
    void messagesCarryAccountTimeAndMsgid() {
        ChatMessage m = ChatMessage.inRoom("a", "bob", "hi", T, 7);
        assertThat(r.render(m, 0, 0)).extracting(IrcLine::render).containsExactly(":bob!bob@chat PRIVMSG #a :hi");
        assertThat(r.render(m, caps(Capability.SERVER_TIME, Capability.MESSAGE_TAGS, Capability.ACCOUNT_TAG), 0))
                .extracting(IrcLine::render).containsExactly(
                        "@time=2026-01-01T00:00:00.123Z;msgid=a:7;account=bobby :bob!bob@chat PRIVMSG #a :hi");
        ChatMessage dm = ChatMessage.direct("alice", "bob", "psst", T);
        assertThat(r.render(dm, caps(Capability.MESSAGE_TAGS), 0)).extracting(IrcLine::render)
                .containsExactly(":bob!bob@chat PRIVMSG alice :psst"); // direct messages have no msgid
    }

    @Test
    void memberEvents() {
        int time = caps(Capability.SERVER_TIME);
        assertThat(r.member(new Member("a", "bob", "join", null), caps(Capability.EXTENDED_JOIN), T).render())
                .isEqualTo(":bob!bob@chat JOIN #a bobby :Bob Builder");
        assertThat(r.member(new Member("a", "bob", "part", null), time, T).render())
                .isEqualTo("@time=2026-01-01T00:00:00.123Z :bob!bob@chat PART #a");
        assertThat(r.member(new Member("a", "bob", "quit", null), 0, T).render())
                .isEqualTo(":bob!bob@chat QUIT :Connection closed");
        assertThat(r.member(new Member("a", "robert", "nick", "bob"), caps(Capability.ACCOUNT_TAG), T).render())
                .isEqualTo("@account=bobby :bob!bob@chat NICK robert");
    }

    @Test
    void theRenderKeyOnlyHoldsCapabilitiesThatChangeTheLook() {
        ServerMessage message = ChatMessage.inRoom("a", "bob", "hi", T, 1);
        ServerMessage join = new Member("a", "bob", "join", null);
        ServerMessage part = new Member("a", "bob", "part", null);
        int noise = caps(Capability.ECHO_MESSAGE, Capability.LABELED_RESPONSE, Capability.AWAY_NOTIFY,
                Capability.CAP_NOTIFY, Capability.MULTI_PREFIX, Capability.CHATHISTORY);
        assertThat(noise & EventRenderer.keyMask(message)).isZero();
        assertThat(noise & EventRenderer.keyMask(join)).isZero();
        assertThat(caps(Capability.EXTENDED_JOIN) & EventRenderer.keyMask(message)).isZero();
        assertThat(caps(Capability.EXTENDED_JOIN) & EventRenderer.keyMask(part)).isZero();
        assertThat(caps(Capability.EXTENDED_JOIN) & EventRenderer.keyMask(join)).isNotZero();
        for (ServerMessage e : List.of(message, join, part)) {
            // rendering with the masked key gives the same lines as with all capabilities
            int all = -1 >>> (32 - Capability.values().length);
            assertThat(r.render(e, all & EventRenderer.keyMask(e), T)).isEqualTo(r.render(e, all, T));
        }
    }

    @Test
    void aCacheRendersOncePerKey() {
        RenderCache cache = new RenderCache(ChatMessage.inRoom("a", "bob", "hi", T, 1), T);
        int[] keys = {0, Capability.SERVER_TIME.bit(), Capability.MESSAGE_TAGS.bit()};
        byte[][] first = new byte[3][];
        for (int i = 0; i < 100; i++) {
            byte[] b = cache.bytes(keys[i % 3], r);
            if (first[i % 3] == null) {
                first[i % 3] = b;
            }
            assertThat(b).isSameAs(first[i % 3]); // shared, not rendered again
        }
        assertThat(cache.renders()).isEqualTo(3);
        assertThat(new String(first[1], java.nio.charset.StandardCharsets.UTF_8)).startsWith("@time=");
    }
    @Test
    void moderationEventsAreModeKickAndTopicLinesFromTheOperator() {
        int tags = caps(Capability.SERVER_TIME, Capability.ACCOUNT_TAG);
        assertThat(r.render(new Member("a", "carol", Member.OP, null, null, "bob"), tags, T))
                .extracting(IrcLine::render).containsExactly(
                        "@time=2026-01-01T00:00:00.123Z;account=bobby :bob!bob@chat MODE #a +o carol");
        assertThat(r.render(new Member("a", "carol", Member.DEVOICE, null, null, "bob"), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat MODE #a -v carol");
        assertThat(r.render(new Member("a", "carol", Member.VOICE, null, null, null), 0, T))
                .extracting(IrcLine::render).containsExactly(":irc.test MODE #a +v carol"); // nobody did it: the server
        assertThat(r.render(new Member("a", "carol", Member.KICK, null, "spam, twice", "bob"), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat KICK #a carol :spam, twice");
        assertThat(r.render(new Member("a", "carol", Member.KICK, null, null, "bob"), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat KICK #a carol :bob");
        assertThat(r.render(ServerMessage.ModeChange.inviteOnly("a", "bob", true), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat MODE #a +i");
        assertThat(r.render(ServerMessage.ModeChange.moderated("a", "bob", false), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat MODE #a -m");
        assertThat(r.render(ServerMessage.ModeChange.secret("a", "bob", true), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat MODE #a +s");
        assertThat(r.render(ServerMessage.ModeChange.ban("a", "bob", "tr?ll*"), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat MODE #a +b tr?ll*!*@*");
        assertThat(r.render(ServerMessage.ModeChange.unban("a", "bob", "troll"), 0, T))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat MODE #a -b troll!*@*");
        // a topic carries its own time
        assertThat(r.render(new ServerMessage.Topic(null, "a", "new topic", "bob", T + 1000), tags, 0))
                .extracting(IrcLine::render).containsExactly(
                        "@time=2026-01-01T00:00:01.123Z;account=bobby :bob!bob@chat TOPIC #a :new topic");
        assertThat(r.render(new ServerMessage.Topic(null, "a", "", "bob", T), 0, 0))
                .extracting(IrcLine::render).containsExactly(":bob!bob@chat TOPIC #a :");
    }
}
