package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.LanClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 3: the three clustered nodes of docker-compose.yml. Users on different nodes chat in
 * one room and see one {@code seq} order; one node is killed outright mid-stream; the others
 * keep serving, and the user who was on it fails over to another node and ends up with every
 * message of the room, none of his acknowledged ones lost.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterLanIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ROOM = "ops";

    @Test
    void usersOnThreeNodesShareOneOrderAndSurviveANodeKilledMidStream(ComposeLab lab) {
        LanClient alice = LanClient.start(lab, "alice3", "--server", "chat1:7420", "--nick", "alice", "--room", ROOM,
                "--json", "--follow", "--trace", "--beacon-interval", "0s").awaitJoined(WAIT);
        LanClient bob = LanClient.start(lab, "bob3", "--server", "chat2:7420", "--server", "chat3:7420",
                "--server", "chat1:7420", "--nick", "bob", "--room", ROOM, "--json", "--trace",
                "--beacon-interval", "0s").awaitJoined(WAIT);
        LanClient carol = LanClient.start(lab, "carol3", "--server", "chat3:7420", "--nick", "carol", "--room", ROOM,
                "--json", "--follow", "--trace", "--beacon-interval", "0s").awaitJoined(WAIT);
        List<LanClient> everyone = List.of(alice, bob, carol);

        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            sent.add(type(alice, "a" + i));
            sent.add(type(carol, "c" + i));
            if (i <= 10) {
                sent.add(type(bob, "b" + i));
            }
        }
        for (LanClient c : everyone) {
            awaitAll(c, sent);
        }

        lab.signal("chat2", "KILL"); // bob's node, mid-stream
        for (int i = 16; i <= 30; i++) {
            sent.add(type(alice, "a" + i));
            sent.add(type(carol, "c" + i));
            if (i <= 20) {
                sent.add(type(bob, "b" + (i - 5)));
            }
        }

        // the survivors keep chatting, and bob, failed over, gets everything, his own included
        for (LanClient c : everyone) {
            awaitAll(c, sent);
        }
        Map<String, Long> seqAtAlice = seqByText(alice);
        for (LanClient c : everyone) {
            Map<String, Long> seqs = seqByText(c);
            assertThat(seqs).as(c.name() + ": the same seq for every message as alice saw").isEqualTo(seqAtAlice);
        }
        // one order: seqs as printed strictly increase, and the room has no hole in its numbering
        for (LanClient c : List.of(alice, carol)) {
            List<Long> printed = messages(c).stream().map(m -> m.path("seq").asLong()).toList();
            assertThat(printed).as(c.name() + " prints in seq order").isSorted().doesNotHaveDuplicates();
        }
        long first = seqAtAlice.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = seqAtAlice.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(last - first + 1).as("seqs of " + sent.size() + " messages without holes").isEqualTo(sent.size());

        // acknowledged: the clients exit 0 once the server acknowledged every line they typed
        bob.endInput();
        assertThat(bob.await(WAIT).exit()).as("bob's exit code (every line acknowledged)").isZero();
        alice.terminate();
        carol.terminate();
        alice.await(WAIT);
        carol.await(WAIT);

        lab.restart("chat2"); // the LAN as the next test expects it
    }

    private static String type(LanClient c, String text) {
        c.type(text);
        return text;
    }

    private static void awaitAll(LanClient c, List<String> texts) {
        c.awaitEvent("all " + texts.size() + " messages", e -> seqByText(c).keySet().containsAll(texts), WAIT);
    }

    private static List<JsonNode> messages(LanClient c) {
        return c.events().stream().filter(e -> e.path("type").asText().equals("message")
                && e.path("room").asText().equals(ROOM)).toList();
    }

    /** Every message text the client printed with the seq it came with (texts are unique here). */
    private static Map<String, Long> seqByText(LanClient c) {
        Map<String, Long> seqs = new HashMap<>();
        for (JsonNode m : messages(c)) {
            Long previous = seqs.put(m.path("text").asText(), m.path("seq").asLong());
            assertThat(previous == null || previous == m.path("seq").asLong())
                    .as(c.name() + " got '" + m.path("text").asText() + "' with two seqs").isTrue();
        }
        return seqs;
    }
}
