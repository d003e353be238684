package dev.chat.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link Moderation} without a server: decisions, bounds, and the state a cluster carries. */
class ModerationRulesTest {
    record M(String nick, String account) implements Moderation.Person {
    }

    private static final M ALICE = new M("alice", "alice");
    private static final M BOB = new M("bob", null);
    private static final M CAROL = new M("Carol", "carol");

    private static String refusal(Runnable r) {
        try {
            r.run();
            return "accepted";
        } catch (Refused e) {
            return e.code();
        }
    }

    @Test
    void theFirstLoggedInJoinerOfANewRoomIsItsOperator() {
        Moderation guestRoom = Moderation.fresh("g");
        assertThat(guestRoom.joined(BOB)).as("the room is new no more").isTrue();
        guestRoom.joined(ALICE);
        assertThat(guestRoom.hasOperator()).isFalse();

        Moderation m = Moderation.fresh("r");
        m.joined(ALICE);
        m.joined(BOB);
        assertThat(m.isOperator(ALICE)).isTrue();
        assertThat(m.isOperator(BOB)).isFalse();
        assertThat(m.joined(CAROL)).isFalse();
    }

    @Test
    void everyStateSurvivesTheTripThroughJson() {
        Moderation m = Moderation.fresh("r");
        List<M> members = List.of(ALICE, BOB, CAROL);
        m.joined(ALICE);
        m.apply(ALICE, new ClientMessage.Topic(1, "r", "hello"), members, 42);
        m.apply(ALICE, new ClientMessage.Voice(2, "r", "bob"), members, 43);
        m.apply(ALICE, new ClientMessage.Voice(2, "r", "carol"), members, 43);
        m.apply(ALICE, new ClientMessage.Ban(3, "r", "x*"), members, 44);
        m.apply(ALICE, new ClientMessage.Mode(4, "r", true, true, true), members, 45);
        m.apply(ALICE, new ClientMessage.Invite(5, "r", "dave"), members, 46);
        Moderation copy = Moderation.fromState("r", m.state());
        assertThat(copy.state()).isEqualTo(m.state());
        assertThat(copy.isVoiced(BOB)).isTrue();
        assertThat(copy.joinRefusal(new M("dave", null))).as("invited").isNull();
        assertThat(copy.joinRefusal(new M("xena", null)).code()).isEqualTo(ErrorCode.BANNED);
        Moderation stored = Moderation.load("r", m.storedTopic(), m.attrs());
        assertThat(stored.isVoiced(BOB)).as("a guest's voice is not stored").isFalse();
        assertThat(stored.isVoiced(CAROL)).isTrue();
        assertThat(stored.topicReply(9)).isEqualTo(new ServerMessage.Topic(9, "r", "hello", "alice", 42L));
    }

    @Test
    void rulesRefuseWhatTheSpecRefuses() {
        Moderation m = Moderation.fresh("r");
        List<M> members = List.of(ALICE, BOB);
        m.joined(ALICE);
        assertThat(refusal(() -> m.apply(BOB, new ClientMessage.Op(1, "r", "bob"), members, 0)))
                .isEqualTo(ErrorCode.NOT_OPERATOR);
        assertThat(refusal(() -> m.apply(ALICE, new ClientMessage.Op(1, "r", "bob"), members, 0)))
                .isEqualTo(ErrorCode.NO_ACCOUNT);
        assertThat(refusal(() -> m.apply(ALICE, new ClientMessage.Kick(1, "r", "carol", null), members, 0)))
                .isEqualTo(ErrorCode.NO_SUCH_USER);
        assertThat(refusal(() -> m.apply(CAROL, new ClientMessage.Topic(1, "r", "x"), members, 0)))
                .isEqualTo(ErrorCode.NOT_IN_ROOM);
        assertThat(m.apply(ALICE, new ClientMessage.Deop(1, "r", "alice"), members, 0).events()).hasSize(1);
        assertThat(m.hasOperator()).as("the last operator may go").isFalse();
        assertThat(refusal(() -> m.apply(ALICE, new ClientMessage.Ban(1, "r", "y"), members, 0)))
                .as("nobody moderates a room without operator").isEqualTo(ErrorCode.NOT_OPERATOR);
        assertThat(refusal(() -> m.apply(BOB, new ClientMessage.Topic(1, "r", "anyone"), members, 0))).isEqualTo("accepted");
    }

    @Test
    void invitationsAreBoundedOldestFirst() {
        Moderation m = Moderation.fresh("r");
        List<M> members = List.of(ALICE);
        m.joined(ALICE);
        m.apply(ALICE, new ClientMessage.Mode(1, "r", true, null, null), members, 0);
        for (int i = 0; i <= Moderation.MAX_INVITED; i++) {
            m.apply(ALICE, new ClientMessage.Invite(1, "r", "n" + i), members, 0);
        }
        assertThat(m.joinRefusal(new M("n0", null))).as("the oldest went").isNotNull();
        assertThat(m.joinRefusal(new M("n1", null))).isNull();
        assertThat(m.joinRefusal(new M("n" + Moderation.MAX_INVITED, null))).isNull();
    }
}
