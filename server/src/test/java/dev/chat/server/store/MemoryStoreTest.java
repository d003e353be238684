package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.msg;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The memory store keeps today's behaviour: the last N per room, in order, gone on close. */
class MemoryStoreTest {

    private static <T> T now(io.vertx.core.Future<T> f) {
        assertThat(f.isComplete()).isTrue();
        return f.result();
    }

    @Test
    void keepsTheLastNPerRoomAndTheNumbering() {
        MemoryStore store = new MemoryStore(StoreConfig.defaults().withStore("memory").withHistoryMaxPerRoom(100));
        for (long s = 1; s <= 250; s++) {
            now(store.append(msg("r", s)));
        }
        assertThat(now(store.latest("r", 500))).extracting(StoredMessage::seq).hasSize(100).startsWith(151L).endsWith(250L);
        assertThat(now(store.latest("r", 3))).extracting(StoredMessage::seq).containsExactly(248L, 249L, 250L);
        assertThat(now(store.after("r", 10, 2))).extracting(StoredMessage::seq).containsExactly(151L, 152L);
        assertThat(now(store.after("r", 250, 3))).isEmpty();
        assertThat(now(store.lastSeqs())).isEqualTo(Map.of("r", 250L));
        now(store.append(msg("r", 200))); // a retried older append changes nothing
        assertThat(now(store.latest("r", 1))).extracting(StoredMessage::seq).containsExactly(250L);
        now(store.deleteRoom("r"));
        assertThat(now(store.latest("r", 5))).isEmpty();
        assertThat(now(store.lastSeq("r"))).isZero();
        assertThat(store.health().status()).isEqualTo("ok");
    }

    @Test
    void dropsMessagesOlderThanTheMaxAge() {
        MemoryStore store = new MemoryStore(StoreConfig.defaults().withStore("memory")
                .withHistoryMaxAge(Duration.ofHours(1)));
        long old = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        now(store.append(new StoredMessage("r", 1, "a", "old", old, false, "x")));
        now(store.append(new StoredMessage("r", 2, "a", "new", System.currentTimeMillis(), false, "y")));
        assertThat(now(store.latest("r", 10))).extracting(StoredMessage::text).containsExactly("new");
        assertThat(now(store.byRequestId("r", "y"))).isPresent();
        assertThat(now(store.lastSeq("r"))).isEqualTo(2);
    }
}
