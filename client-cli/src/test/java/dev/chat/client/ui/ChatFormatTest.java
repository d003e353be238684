package dev.chat.client.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** How lines look: actions, reasons, topics, and what counts as a mention. */
class ChatFormatTest {
    private final ChatFormat format = new ChatFormat(ZoneOffset.UTC);

    @Test
    void actionsReadAsWhatTheSenderDoes() {
        assertThat(format.chat(ChatMessage.inRoom("ops", "bob", "waves", true, 0, 1), false, "ops", false)
                .toString()).isEqualTo("00:00 * bob waves");
        assertThat(format.chat(ChatMessage.inRoom("ops", "bob", "waves", true, 0, 1), false, "lobby", false)
                .toString()).isEqualTo("00:00 #ops * bob waves");
        assertThat(format.chat(ChatMessage.direct("alice", "bob", "nods", true, 0), false, null, false).toString())
                .isEqualTo("00:00 * bob nods");
        assertThat(format.sentDirect("bob", "alice", "nods", true, 0).toString()).isEqualTo("00:00 -> *bob* * alice nods");
        assertThat(format.chat(ChatMessage.inRoom("ops", "bob", "hi", 0, 1), false, "ops", false).toString())
                .isEqualTo("00:00 <bob> hi");
    }

    @Test
    void partAndQuitShowTheReasonWhenThereIsOne() {
        assertThat(format.member(new ServerMessage.Member("ops", "bob", "part", null, "lunch")).toString())
                .isEqualTo("-- bob left #ops (lunch)");
        assertThat(format.member(new ServerMessage.Member("ops", "bob", "quit", null, "bye\u001b[2J")).toString())
                .isEqualTo("-- bob quit (bye^[[2J)");
        assertThat(format.member(new ServerMessage.Member("ops", "bob", "quit", null, null)).toString())
                .isEqualTo("-- bob quit");
    }

    @Test
    void presenceNoticesSayWhetherThePeerIsVerified() {
        assertThat(format.presence(new ServerMessage.Presence("ann", "127.0.0.1:1", "online", true)).toString())
                .isEqualTo("-- ann is online (127.0.0.1:1, verified)");
        assertThat(format.presence(new ServerMessage.Presence("pybeacon", "127.0.0.1:2", "away")).toString())
                .isEqualTo("-- pybeacon is away (127.0.0.1:2, unverified)");
    }

    @Test
    void moderationSaysWhoDidWhatToWhom() {
        assertThat(format.member(new ServerMessage.Member("ops", "bob", "kick", null, "spam", "alice")).toString())
                .isEqualTo("-- bob was kicked from #ops (by alice) (spam)");
        assertThat(format.member(new ServerMessage.Member("ops", "bob", "op", null, null, "alice")).toString())
                .isEqualTo("-- bob is an operator of #ops (by alice)");
        assertThat(format.member(new ServerMessage.Member("ops", "bob", "devoice", null, null, "alice")).toString())
                .isEqualTo("-- bob is no longer voiced in #ops (by alice)");
        assertThat(format.modeChange(ServerMessage.ModeChange.moderated("ops", "alice", true)).toString())
                .isEqualTo("-- #ops is moderated now: only operators and voiced members speak (by alice)");
        assertThat(format.modeChange(ServerMessage.ModeChange.ban("ops", "alice", "troll*")).toString())
                .isEqualTo("-- troll* is banned from #ops (by alice)");
        assertThat(format.invited(new ServerMessage.Invited("ops", "alice")).toString())
                .isEqualTo("*** alice invites you to #ops (/join ops)");
        assertThat(ChatFormat.withRoles(java.util.List.of("alice", "bob", "carol"), java.util.List.of("Alice"),
                java.util.List.of("bob"))).isEqualTo("@alice, +bob, carol");
    }

    @Test
    void topics() {
        assertThat(format.topic(new ServerMessage.Topic(null, "ops", "release on Friday", "alice", 0L)).toString())
                .isEqualTo("-- topic of #ops: release on Friday (set by alice at 00:00)");
        assertThat(format.topic(new ServerMessage.Topic(null, "ops", "", null, null)).toString())
                .isEqualTo("-- #ops has no topic");
    }

    @Test
    void aMentionIsTheNickAsAWholeWordIgnoringCase() {
        assertThat(ChatFormat.mentions("alice: look", "alice")).isTrue();
        assertThat(ChatFormat.mentions("hi @Alice!", "alice")).isTrue();
        assertThat(ChatFormat.mentions("ALICE", "alice")).isTrue();
        assertThat(ChatFormat.mentions("malice aforethought", "alice")).isFalse();
        assertThat(ChatFormat.mentions("alice_2 is not you", "alice")).isFalse();
        assertThat(ChatFormat.mentions("alice-ish", "alice")).isFalse();
        assertThat(ChatFormat.mentions("nothing", "alice")).isFalse();
    }

    @Test
    void aMentionIsHighlighted() {
        String plain = format.chat(ChatMessage.inRoom("ops", "bob", "alice: look", 0, 1), false, "ops", false)
                .toAnsi(256, org.jline.utils.AttributedCharSequence.ForceMode.None);
        String marked = format.chat(ChatMessage.inRoom("ops", "bob", "alice: look", 0, 1), false, "ops", true)
                .toAnsi(256, org.jline.utils.AttributedCharSequence.ForceMode.None);
        assertThat(marked).isNotEqualTo(plain).contains("43");
    }
}
