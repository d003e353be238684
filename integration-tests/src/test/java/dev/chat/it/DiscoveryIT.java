package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.it.lab.Actor;
import dev.chat.it.lab.Command;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.LanClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 2: the LAN side. A client given no address finds the servers by their multicast
 * announcements (the compose file's own {@code client} service does exactly that); clients'
 * presence beacons make {@code peers} list them; a client killed outright leaves the list after
 * 3 of its beacon intervals, one that exits normally leaves at once.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DiscoveryIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long BEACON_MS = 1000;

    @Test
    void theComposeClientServiceFindsTheThreeServersWithNoAddress(ComposeLab lab) {
        Command.Result list = lab.composeRun(Duration.ofMinutes(2), "client");
        assertThat(list.exit()).as("docker compose run client (--discover --list); stderr:\n" + list.err()).isZero();
        for (String node : ComposeLab.NODES) {
            assertThat(list.out()).as("servers listed").containsPattern("(?m)^\\s*" + node + "\\s");
        }

        // and with no address a client connects to one of them and its message goes through
        LanClient dora = LanClient.start(lab, "dora", "--discover", "--nick", "dora", "--room", "lobby",
                "--send", "found you");
        Command.Result sent = dora.await(WAIT);
        assertThat(sent.exit()).as("--discover --send exit code; stderr:\n" + sent.err()).isZero();
        assertThat(sent.err()).containsPattern("discovered chat[123] at ");
    }

    @Test
    void peersListsBeaconingClientsAndDropsThemWhenTheyGo(ComposeLab lab) {
        Actor watch = Actor.start(lab, "PeersWatch", "chat1", 7420, "watcher", 100, 120);
        watch.awaitOutput("WATCHING", WAIT);
        String interval = BEACON_MS + "ms";
        LanClient bob = LanClient.start(lab, "bob", "--host", "chat1", "--nick", "bob", "--room", "lobby",
                "--follow", "--beacon-interval", interval, "--trace").awaitJoined(WAIT);
        LanClient carol = LanClient.start(lab, "carol", "--host", "chat1", "--nick", "carol", "--room", "lobby",
                "--follow", "--beacon-interval", interval, "--trace").awaitJoined(WAIT);
        Awaitility.await("peers lists bob and carol online").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> latest(watch) != null && online(latest(watch), "bob") && online(latest(watch), "carol"));

        long killedAt = System.currentTimeMillis();
        bob.kill();
        long stoppedAt = System.currentTimeMillis();
        carol.terminate();
        Awaitility.await("bob and carol gone from peers").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> listed(latest(watch), "bob") == null && listed(latest(watch), "carol") == null);
        watch.closeInput();
        List<JsonNode> replies = watch.jsonLines();

        // carol said goodbye: gone at once, long before her 3 intervals could run out
        long carolGone = firstAbsentAfter(replies, "carol", stoppedAt);
        JsonNode carolLast = lastListing(replies, "carol", 0);
        assertThat(carolGone - stoppedAt).as("ms from SIGTERM to carol leaving peers").isLessThan(2 * BEACON_MS);
        assertThat(carolLast.path("last_seen_ms").asLong()).as("carol's last_seen_ms when last listed")
                .isLessThan(2 * BEACON_MS);

        // bob died silently: listed until his last beacon is 3 intervals old, then gone
        long bobGone = firstAbsentAfter(replies, "bob", killedAt);
        JsonNode bobLast = lastListing(replies, "bob", killedAt);
        assertThat(bobLast.path("last_seen_ms").asLong()).as("bob's last_seen_ms when last listed")
                .isBetween(3 * BEACON_MS - 500, 3 * BEACON_MS + 50);
        assertThat(bobGone - killedAt).as("ms from SIGKILL to bob leaving peers")
                .isBetween(2 * BEACON_MS, 3 * BEACON_MS + 1500);
        for (JsonNode r : replies) {
            if (r.path("t").asLong() > bobGone) {
                assertThat(listed(r, "bob")).as("bob listed again after leaving").isNull();
            }
        }
        assertThat(carol.await(WAIT).exit()).as("carol ends on SIGTERM (0, or 143 = killed by SIGTERM)").isIn(0, 143);
    }

    private static JsonNode latest(Actor watch) {
        List<JsonNode> lines = watch.jsonLines();
        return lines.isEmpty() ? null : lines.get(lines.size() - 1);
    }

    private static JsonNode listed(JsonNode reply, String nick) {
        for (JsonNode p : reply.path("peers")) {
            if (p.path("nick").asText().equals(nick)) {
                return p;
            }
        }
        return null;
    }

    private static boolean online(JsonNode reply, String nick) {
        JsonNode p = listed(reply, nick);
        return p != null && p.path("status").asText().equals("online");
    }

    /** Time of the first reply after {@code since} from which on {@code nick} is no longer listed. */
    private static long firstAbsentAfter(List<JsonNode> replies, String nick, long since) {
        long gone = -1;
        for (JsonNode r : replies) {
            if (r.path("t").asLong() < since) {
                continue;
            }
            if (listed(r, nick) == null) {
                if (gone < 0) {
                    gone = r.path("t").asLong();
                }
            } else {
                gone = -1;
            }
        }
        assertThat(gone).as(nick + " left peers").isPositive();
        return gone;
    }

    /** The last listing of {@code nick} at or after {@code since}: the one just before it left. */
    private static JsonNode lastListing(List<JsonNode> replies, String nick, long since) {
        JsonNode last = null;
        for (JsonNode r : replies) {
            JsonNode p = listed(r, nick);
            if (p != null && r.path("t").asLong() >= since) {
                last = p;
            }
        }
        assertThat(last).as(nick + " still listed after " + since).isNotNull();
        return last;
    }
}
