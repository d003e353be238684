package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.it.lab.Command;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.LanClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 7: the three clustered nodes of docker-compose.yml stopped whole and started again,
 * as {@code docker compose restart} does, each node keeping its data directory (its SQLite
 * store, docs/CLUSTER.md "Stopping the whole cluster"). Users on two nodes chat in a room and a
 * third sets its topic; all three nodes are stopped (none runs in between, so no node's memory
 * can carry the room over) and started; then every node serves the room's whole history in the
 * same order with the same {@code seq}s, the topic, and the next message gets the next
 * {@code seq}.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClusterRestartLanIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOM = "annals";
    private static final String TOPIC = "kept across restarts";
    private static final int ROUNDS = 12;

    @Test
    void aClusterRestartedWholeKeepsHistoryNumberingAndTopic(ComposeLab lab) {
        // each node's data directory (./data under the image's WORKDIR /tmp) is in the
        // container's own filesystem, no tmpfs or other mount: it survives a stop
        for (String node : ComposeLab.NODES) {
            assertThat(lab.exec(node, "sh", "-c", "test -s /tmp/data/chat.db").ok()).as(node + " has /tmp/data/chat.db")
                    .isTrue();
            Command.Result mounts = lab.exec(node, "sh", "-c", "cat /proc/mounts");
            assertThat(mounts.out()).as(node + ": /proc/mounts").contains(" / ");
            assertThat(mounts.out().lines().map(l -> l.split(" ")[1]).filter(m -> m.startsWith("/tmp")).toList())
                    .as(node + ": nothing mounted on /tmp").isEmpty();
        }

        LanClient rhea = LanClient.start(lab, "rhea7", "--server", "chat1:7420", "--nick", "rhea", "--room", ROOM,
                "--json", "--trace", "--beacon-interval", "0s").awaitJoined(WAIT);
        LanClient remo = LanClient.start(lab, "remo7", "--server", "chat2:7420", "--nick", "remo", "--room", ROOM,
                "--json", "--trace", "--beacon-interval", "0s").awaitJoined(WAIT);

        // a guest sets the topic: the room has no operator (its members are guests), so members may
        List<JsonNode> set = frames(lab, "chat3", hello("h", "tess"), join("j"),
                "{\"type\":\"topic\",\"id\":\"t\",\"room\":\"" + ROOM + "\",\"topic\":\"" + TOPIC + "\"}");
        assertThat(reply(set, "t").path("topic").asText()).as("topic set: " + set).isEqualTo(TOPIC);

        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= ROUNDS; i++) {
            rhea.type("r" + i);
            remo.type("m" + i);
            sent.add("r" + i);
            sent.add("m" + i);
        }
        // exit 0: the server acknowledged every line
        for (LanClient c : List.of(rhea, remo)) {
            c.endInput();
            Command.Result r = c.await(WAIT);
            assertThat(r.exit()).as(c.name() + " exit code (every line acknowledged); stderr:\n"
                    + Command.tail(r.err(), 20)).isZero();
        }

        List<JsonNode> before = history(lab, "chat3", "vera");
        assertThat(before.stream().map(m -> m.path("text").asText()).toList()).as("history before the restart")
                .containsExactlyInAnyOrderElementsOf(sent);
        List<Long> seqs = before.stream().map(m -> m.path("seq").asLong()).toList();
        assertThat(seqs).as("seqs before the restart").isSorted().doesNotHaveDuplicates();
        long last = seqs.get(seqs.size() - 1);
        assertThat(last - seqs.get(0) + 1).as("no hole in " + seqs).isEqualTo(sent.size());

        lab.stopAllAndStart(ComposeLab.NODES);

        // every node serves the same room: whole history, same order, same seqs, the topic
        int n = 0;
        for (String node : ComposeLab.NODES) {
            String nick = "wes" + ++n;
            List<JsonNode> got = awaitJoinable(lab, node, nick, hello("h", nick), join("j"), historyRequest("y"),
                    "{\"type\":\"topic\",\"id\":\"t\",\"room\":\"" + ROOM + "\"}");
            JsonNode joined = reply(got, "j");
            assertThat(joined.path("last_seq").asLong()).as(node + ": numbering after the restart").isEqualTo(last);
            assertThat(reply(got, "y").path("messages")).as(node + ": history after the restart")
                    .containsExactlyElementsOf(before);
            JsonNode topic = reply(got, "t");
            assertThat(topic.path("topic").asText()).as(node + ": topic after the restart: " + topic).isEqualTo(TOPIC);
            assertThat(topic.path("by").asText()).as(node + ": topic setter").isEqualTo("tess");
        }

        // the numbering goes on: no seq given twice
        List<JsonNode> next = frames(lab, "chat2", hello("h", "zeno"), join("j"),
                "{\"type\":\"say\",\"id\":\"s\",\"room\":\"" + ROOM + "\",\"text\":\"after the restart\"}");
        assertThat(reply(next, "s").path("type").asText()).as("say after the restart: " + next).isEqualTo("ok");
        List<JsonNode> after = history(lab, "chat1", "yuri");
        assertThat(after.subList(0, Math.min(before.size(), after.size()))).as("history on chat1 with the new message")
                .isEqualTo(before);
        assertThat(after.subList(before.size(), after.size())).as("the message said after the restart").singleElement()
                .satisfies(m -> {
                    assertThat(m.path("text").asText()).isEqualTo("after the restart");
                    assertThat(m.path("seq").asLong()).as("the next seq").isEqualTo(last + 1);
                });
    }

    private static String hello(String id, String nick) {
        return "{\"type\":\"hello\",\"id\":\"" + id + "\",\"nick\":\"" + nick + "\"}";
    }

    private static String join(String id) {
        return "{\"type\":\"join\",\"id\":\"" + id + "\",\"room\":\"" + ROOM + "\"}";
    }

    private static String historyRequest(String id) {
        return "{\"type\":\"history\",\"id\":\"" + id + "\",\"room\":\"" + ROOM + "\",\"limit\":500}";
    }

    /** The room's history as a new member on {@code node} gets it. */
    private static List<JsonNode> history(ComposeLab lab, String node, String nick) {
        List<JsonNode> got = frames(lab, node, hello("h", nick), join("j"), historyRequest("y"));
        JsonNode reply = reply(got, "y");
        assertThat(reply.path("type").asText()).as("history reply on " + node + ": " + reply).isEqualTo("history");
        List<JsonNode> messages = new ArrayList<>();
        reply.path("messages").forEach(messages::add);
        return messages;
    }

    /**
     * Plays the script until the join succeeds: a cluster just started may answer the first
     * joins {@code unavailable} while its nodes find each other and the room's takeover runs.
     */
    private static List<JsonNode> awaitJoinable(ComposeLab lab, String node, String nick, String... script) {
        AtomicReference<List<JsonNode>> result = new AtomicReference<>();
        Awaitility.await(nick + " joins " + ROOM + " on " + node + " after the restart").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2)).ignoreExceptionsInstanceOf(IllegalStateException.class).until(() -> {
                    List<JsonNode> got = frames(lab, node, script);
                    JsonNode joined = reply(got, "j");
                    if (joined.path("type").asText().equals("joined")) {
                        result.set(got);
                        return true;
                    }
                    System.err.println("[chat-it] " + node + " answered the join after the restart: " + joined);
                    return false;
                });
        return result.get();
    }

    /** Runs the {@code Frames} actor on the lab host against {@code node}'s chat port; every frame it received. */
    private static List<JsonNode> frames(ComposeLab lab, String node, String... script) {
        byte[] stdin = (String.join("\n", script) + "\n").getBytes(StandardCharsets.UTF_8);
        Command.Result r = lab.onLab(WAIT, stdin, "java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "-cp", "/opt/chat-it/chat-it-actors.jar", "dev.chat.it.actors.Frames", node, "7420");
        if (!r.ok()) {
            throw new IllegalStateException("Frames on " + node + " exited " + r.exit() + ":\n" + Command.tail(r.out(), 20)
                    + "\n" + Command.tail(r.err(), 20));
        }
        List<JsonNode> frames = new ArrayList<>();
        for (String line : r.out().split("\\R")) {
            if (line.startsWith("{")) {
                try {
                    frames.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("Frames printed a line that is not JSON: " + line, e);
                }
            }
        }
        return frames;
    }

    private static JsonNode reply(List<JsonNode> frames, String id) {
        return frames.stream().filter(f -> f.path("id").asText().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no reply " + id + " in " + frames));
    }
}
