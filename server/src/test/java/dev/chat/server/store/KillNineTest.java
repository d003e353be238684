package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * A process appends to the store and reports each acknowledged append; it is killed with
 * {@code kill -9} in mid-stream. Reopened, the store has every acknowledged message, each room's
 * numbers without a gap, and numbering continues.
 */
@Timeout(300)
class KillNineTest extends StoreFixture {
    static final int ROOMS = 4;
    static final int ACKS_BEFORE_KILL = 3_000;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everyAcknowledgedAppendSurvivesKillNine(Durability durability) throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data")).withDurability(durability);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AppendingChild.class.getName(),
                config.dataDir().toString(), durability.label(), Integer.toString(ROOMS))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, List<Long>> acked = new HashMap<>();
        int acks = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("READY ");
            String pid = line.substring("READY ".length());

            // a second server on the same directory is refused while the child holds it
            Throwable refused = StoreTesting.failureOf(vertx, () -> Stores.open(vertx, config, StoreMetrics.NONE));
            assertThat(refused).isInstanceOf(StoreStartException.class)
                    .hasMessage("data directory " + config.dataDir() + " is in use by another chat server (pid " + pid
                            + "): " + config.dataDir().resolve(StoreConfig.LOCK_FILE) + " is locked");

            while (acks < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
                acks += record(line, acked);
            }
            child.toHandle().destroyForcibly(); // SIGKILL; the handle leaves our end of the pipe open
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            while ((line = out.readLine()) != null) { // acks already in the pipe were printed after their commit
                acks += record(line, acked);
            }
        }
        assertThat(acks).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        MessageStore store = StoreTesting.open(vertx, config);
        Map<String, Long> last = on(vertx, store::lastSeqs);
        for (Map.Entry<String, List<Long>> e : acked.entrySet()) {
            String room = e.getKey();
            long maxAcked = e.getValue().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(last.get(room)).as(room).isGreaterThanOrEqualTo(maxAcked);
            List<StoredMessage> stored = on(vertx, () -> store.after(room, 0, MessageStore.MAX_READ));
            assertThat(stored).extracting(StoredMessage::seq).as("%s: every number from 1, once", room)
                    .containsExactlyElementsOf(range(1, last.get(room)));
            for (StoredMessage m : stored) {
                assertThat(m.text()).isEqualTo(AppendingChild.text(room, m.seq()));
            }
        }
        long next = last.get("room-0") + 1;
        on(vertx, () -> store.append(new StoredMessage("room-0", next, "me", "after the crash", 1, false, null)));
        assertThat(on(vertx, () -> store.latest("room-0", 1))).extracting(StoredMessage::seq).containsExactly(next);
        on(vertx, store::close);
    }

    private static int record(String line, Map<String, List<Long>> acked) {
        assertThat(line).doesNotStartWith("FAIL");
        if (!line.startsWith("ACK ")) {
            return 0;
        }
        String[] f = line.split(" ");
        acked.computeIfAbsent(f[1], r -> new ArrayList<>()).add(Long.parseLong(f[2]));
        return 1;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }
}
