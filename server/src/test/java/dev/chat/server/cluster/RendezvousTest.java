package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Choosing who takes over a room: the same everywhere, and only the dead node's rooms move. */
class RendezvousTest {
    private static final List<String> NODES = List.of("n-1", "n-2", "n-3", "n-4");

    @Test
    void theChoiceDependsOnlyOnTheSetNotItsOrder() {
        for (int i = 0; i < 200; i++) {
            String room = "room" + i;
            assertThat(Rendezvous.pick(room, List.of("n-4", "n-2", "n-3", "n-1"))).isEqualTo(Rendezvous.pick(room, NODES));
        }
        assertThat(Rendezvous.pick("x", List.of())).isNull();
    }

    @Test
    void removingANodeMovesOnlyItsRoomsAndSpreadsThem() {
        Map<String, Integer> moved = new HashMap<>();
        int total = 2000;
        int[] perNode = new int[4];
        for (int i = 0; i < total; i++) {
            String room = "room" + i;
            String before = Rendezvous.pick(room, NODES);
            perNode[NODES.indexOf(before)]++;
            String after = Rendezvous.pick(room, List.of("n-1", "n-2", "n-4"));
            if (!before.equals("n-3")) {
                assertThat(after).isEqualTo(before);
            } else {
                moved.merge(after, 1, Integer::sum);
            }
        }
        for (int n : perNode) {
            assertThat(n).isBetween(total / 4 - 150, total / 4 + 150);
        }
        assertThat(moved.keySet()).containsExactlyInAnyOrder("n-1", "n-2", "n-4");
    }
}
