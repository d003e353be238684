package dev.chat.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Joined;
import dev.chat.protocol.ServerMessage.Member;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionStateTest {

    private static ChatMessage msg(String room, long seq) {
        return ChatMessage.inRoom(room, "bob", "m" + seq, 1000 + seq, seq);
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }

    @Test
    void newRoomStartsAtItsLastSeqAndShowsOnlyNewerMessages() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "general", List.of("alice", "bob"), 5));
        assertThat(s.onLive(msg("general", 5))).isEmpty();
        assertThat(seqs(s.onLive(msg("general", 6)))).containsExactly(6L);
        assertThat(s.onLive(msg("general", 6))).as("duplicate").isEmpty();
        assertThat(s.currentRoom()).isEqualTo("general");
        assertThat(s.lastSeen("general")).isEqualTo(6);
    }

    @Test
    void messagesOfRoomsWeAreNotInAreDropped() {
        SessionState s = new SessionState("alice");
        assertThat(s.onLive(msg("elsewhere", 1))).isEmpty();
    }

    @Test
    void directMessagesAlwaysShow() {
        SessionState s = new SessionState("alice");
        ChatMessage dm = ChatMessage.direct("alice", "bob", "psst", 1);
        assertThat(s.onLive(dm)).containsExactly(dm);
    }

    @Test
    void catchUpShowsTheGapThenBufferedLiveMessagesEachOnceInOrder() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "general", List.of("alice"), 0));
        for (long i = 1; i <= 3; i++) {
            s.onLive(msg("general", i));
        }
        s.onDisconnected();
        assertThat(s.onLive(msg("general", 4))).as("from the dead connection").isEmpty();

        SessionState.JoinOutcome o = s.onJoined(new Joined(2L, "general", List.of("alice", "bob"), 6));
        assertThat(o.catchUp()).isTrue();
        assertThat(s.isCatchingUp("general")).isTrue();
        // Live messages arrive while the history request is on its way: held back.
        assertThat(s.onLive(msg("general", 7))).isEmpty();
        assertThat(s.onLive(msg("general", 6))).isEmpty();

        List<ChatMessage> shown = new ArrayList<>(s.onCatchUpPage("general",
                List.of(msg("general", 4), msg("general", 5), msg("general", 6))));
        shown.addAll(s.finishCatchUp("general"));
        assertThat(seqs(shown)).containsExactly(4L, 5L, 6L, 7L);
        assertThat(s.isCatchingUp("general")).isFalse();
        assertThat(seqs(s.onLive(msg("general", 8)))).containsExactly(8L);
        assertThat(s.onLive(msg("general", 7))).isEmpty();
    }

    @Test
    void overflowingTheBufferAsksForAnotherPage() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "r", List.of("alice"), 0));
        s.onDisconnected();
        s.onJoined(new Joined(2L, "r", List.of("alice"), 0));
        for (long i = 1; i <= RoomState.MAX_BUFFERED + 5; i++) {
            s.onLive(msg("r", i));
        }
        assertThat(s.onCatchUpPage("r", List.of(msg("r", 1)))).hasSize(1);
        assertThat(s.finishCatchUp("r")).as("must page again").isNull();
        assertThat(s.isCatchingUp("r")).isTrue();
        List<ChatMessage> page = new ArrayList<>();
        for (long i = 2; i <= RoomState.MAX_BUFFERED + 5; i++) {
            page.add(msg("r", i));
        }
        assertThat(s.onCatchUpPage("r", page)).hasSize(RoomState.MAX_BUFFERED + 4);
        assertThat(s.finishCatchUp("r")).isEmpty();
        assertThat(s.lastSeen("r")).isEqualTo(RoomState.MAX_BUFFERED + 5);
    }

    @Test
    void aServerWithShorterHistoryResetsTheRoom() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "r", List.of("alice"), 40));
        s.onDisconnected();
        SessionState.JoinOutcome o = s.onJoined(new Joined(2L, "r", List.of("alice"), 2));
        assertThat(o.historyReset()).isTrue();
        assertThat(seqs(s.onCatchUpPage("r", List.of(msg("r", 1), msg("r", 2))))).containsExactly(1L, 2L);
    }

    @Test
    void partMovesTheCurrentRoomAndMembersFollowEvents() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "a", List.of("alice", "bob"), 0));
        s.onJoined(new Joined(2L, "b", List.of("alice"), 0));
        assertThat(s.setCurrentRoom("b")).isTrue();
        assertThat(s.setCurrentRoom("nope")).isFalse();
        s.onMember(new Member("a", "carol", Member.JOIN, null));
        s.onMember(new Member("a", "bob", Member.QUIT, null));
        s.onMember(new Member("a", "caro", Member.NICK, "carol"));
        assertThat(s.members("a")).containsExactly("alice", "caro");
        assertThat(s.view().nicks()).containsExactlyInAnyOrder("alice", "caro");
        s.onParted("b");
        assertThat(s.currentRoom()).isEqualTo("a");
        assertThat(s.view().rooms()).containsExactly("a");
    }

    @Test
    void aKickOfUsTakesTheRoomOffOurListSoAReconnectDoesNotJoinItAgain() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "a", List.of("alice", "bob", "carol"), 0));
        s.onJoined(new Joined(2L, "b", List.of("alice"), 0));
        s.onMember(new Member("a", "bob", Member.KICK, null, "spam", "alice"));
        assertThat(s.members("a")).containsExactly("alice", "carol");
        s.onMember(new Member("a", "ALICE", Member.KICK, null, null, "carol"));
        assertThat(s.isJoined("a")).isFalse();
        assertThat(s.view().rooms()).containsExactly("b");
        s.onDisconnected();
        assertThat(s.rooms()).containsExactly("b");
    }

    @Test
    void rolesAndTopicFollowTheEvents() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "a", List.of("alice", "bob", "carol"), 0, "old", List.of("alice"), List.of()));
        assertThat(s.topic("a")).isEqualTo("old");
        s.onTopic(new dev.chat.protocol.ServerMessage.Topic(null, "a", "release", "alice", 1L));
        s.onMember(new Member("a", "bob", Member.OP, null, null, "alice"));
        s.onMember(new Member("a", "carol", Member.VOICE, null, null, "alice"));
        s.onMember(new Member("a", "caro", Member.NICK, "carol"));
        s.onMember(new Member("a", "alice", Member.DEOP, null, null, "bob"));
        assertThat(s.topic("a")).isEqualTo("release");
        assertThat(s.operators("a")).containsExactly("bob");
        assertThat(s.voiced("a")).containsExactly("caro");
        s.onMember(new Member("a", "bob", Member.QUIT, null));
        assertThat(s.operators("a")).isEmpty();
    }

    @Test
    void ourOwnRenameIsFollowed() {
        SessionState s = new SessionState("alice");
        s.onJoined(new Joined(1L, "a", List.of("alice"), 0));
        s.onMember(new Member("a", "alicia", Member.NICK, "ALICE"));
        assertThat(s.nick()).isEqualTo("alicia");
        assertThat(s.isMe("Alicia")).isTrue();
    }
}
