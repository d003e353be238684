package dev.chat.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ServerMessage.ChatMessage;
import org.junit.jupiter.api.Test;

class InMemoryHistoryTest {

    private static ChatMessage m(long seq) {
        return ChatMessage.inRoom("r", "a", "t" + seq, 0, seq);
    }

    @Test
    void keepsOnlyTheLastNPerRoomAcrossGrowthAndWrapAround() {
        InMemoryHistory h = new InMemoryHistory(100);
        for (long s = 1; s <= 250; s++) {
            h.append("r", m(s));
        }
        assertThat(h.latest("r", 500)).extracting(ChatMessage::seq).hasSize(100).startsWith(151L).endsWith(250L);
        assertThat(h.latest("r", 3)).extracting(ChatMessage::seq).containsExactly(248L, 249L, 250L);
        // after a seq that fell out of the window: the oldest kept, in order
        assertThat(h.after("r", 10, 2)).extracting(ChatMessage::seq).containsExactly(151L, 152L);
        assertThat(h.after("r", 200, 3)).extracting(ChatMessage::seq).containsExactly(201L, 202L, 203L);
        assertThat(h.after("r", 250, 3)).isEmpty();
        assertThat(h.latest("other", 5)).isEmpty();
        h.drop("r");
        assertThat(h.latest("r", 5)).isEmpty();
    }
}
