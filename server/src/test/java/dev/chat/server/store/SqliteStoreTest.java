package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.appendInOneTurn;
import static dev.chat.server.store.StoreTesting.msg;
import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static dev.chat.server.store.StoreTesting.sqlite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SQLite store on real files: round trips, restarts, group commit, retention. */
@Timeout(120)
class SqliteStoreTest extends StoreFixture {
    @Test
    void storesAndReadsMessagesOldestFirst() throws Exception {
        MessageStore store = open(vertx, sqlite(tmp.resolve("data")));
        for (long s = 1; s <= 30; s++) {
            long seq = s;
            on(vertx, () -> store.append(msg("general", seq)));
        }
        on(vertx, () -> store.append(new StoredMessage("random", 7, "bob", "/me waves", 42, true, "req-1")));

        assertThat(on(vertx, () -> store.latest("general", 3))).extracting(StoredMessage::seq).containsExactly(28L, 29L, 30L);
        assertThat(on(vertx, () -> store.after("general", 10, 2))).containsExactly(msg("general", 11), msg("general", 12));
        assertThat(on(vertx, () -> store.after("general", 30, 5))).isEmpty();
        assertThat(on(vertx, () -> store.latest("nowhere", 5))).isEmpty();
        assertThat(on(vertx, () -> store.latest("random", 5)))
                .containsExactly(new StoredMessage("random", 7, "bob", "/me waves", 42, true, "req-1"));
        assertThat(on(vertx, () -> store.byRequestId("random", "req-1"))).map(StoredMessage::seq).contains(7L);
        assertThat(on(vertx, () -> store.byRequestId("random", "req-2"))).isEmpty();
        assertThat(on(vertx, store::lastSeqs)).isEqualTo(Map.of("general", 30L, "random", 7L));

        // appending a (room, seq) that is there already changes nothing
        on(vertx, () -> store.append(new StoredMessage("general", 30, "mallory", "other", 1, false, null)));
        assertThat(on(vertx, () -> store.latest("general", 1))).containsExactly(msg("general", 30));

        on(vertx, () -> store.saveRoom("general", "all things", new JsonObject().put("moderated", true)));
        RoomInfo info = on(vertx, () -> store.room("general")).orElseThrow();
        assertThat(info.topic()).isEqualTo("all things");
        assertThat(info.attrs().getBoolean("moderated")).isTrue();
        assertThat(info.lastSeq()).isEqualTo(30);

        on(vertx, () -> store.deleteRoom("general"));
        assertThat(on(vertx, () -> store.latest("general", 50))).isEmpty();
        assertThat(on(vertx, () -> store.lastSeq("general"))).isZero();
        assertThat(on(vertx, () -> store.room("general"))).isEmpty();
        assertThat(store.health().ok()).isTrue();
        on(vertx, store::close);
    }

    @Test
    void historyAndNumberingSurviveARestart() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        MessageStore first = open(vertx, config);
        for (long s = 1; s <= 100; s++) {
            long seq = s;
            on(vertx, () -> first.append(msg("a", seq)));
        }
        on(vertx, () -> first.append(msg("b", 1)));
        on(vertx, first::close);

        MessageStore second = open(vertx, config);
        assertThat(on(vertx, second::lastSeqs)).isEqualTo(Map.of("a", 100L, "b", 1L));
        assertThat(on(vertx, () -> second.after("a", 0, 1000))).hasSize(100).last().isEqualTo(msg("a", 100));
        on(vertx, () -> second.append(msg("a", 101)));
        assertThat(on(vertx, () -> second.lastSeq("a"))).isEqualTo(101);
        on(vertx, second::close);
    }

    @Test
    void appendsOfOneTurnShareTransactionsAndCompleteInOrderOnTheCallersContext() throws Exception {
        StoreCounters counters = new StoreCounters();
        MessageStore store = open(vertx, sqlite(tmp.resolve("data")), counters);
        List<Long> completed = new CopyOnWriteArrayList<>();
        List<Boolean> onContext = new CopyOnWriteArrayList<>();
        int n = 5_000;
        on(vertx, () -> {
            Context ctx = Vertx.currentContext();
            List<Future<Void>> all = new ArrayList<>();
            for (long s = 1; s <= n; s++) {
                long seq = s;
                all.add(store.append(msg("busy", seq)).onSuccess(v -> {
                    completed.add(seq);
                    onContext.add(Vertx.currentContext() == ctx);
                }));
            }
            return Future.all(all);
        });
        assertThat(completed).hasSize(n).isSorted();
        assertThat(onContext).containsOnly(true);
        assertThat(counters.rowsPerCommit().sum()).isEqualTo(n);
        assertThat(counters.rowsPerCommit().count()).as("transactions").isLessThan(n / 10);
        assertThat(store.queueDepth()).isZero();
        on(vertx, store::close);
    }

    @Test
    void retentionKeepsTheLatestPerRoomAndTheNumbering() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data")).withHistoryMaxPerRoom(100);
        StoreCounters counters = new StoreCounters();
        MessageStore store = open(vertx, config, counters);
        appendInOneTurn(vertx, store, "chatty", 2_000);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(on(vertx, () -> store.after("chatty", 0, 5_000))).hasSize(100));
        assertThat(on(vertx, () -> store.latest("chatty", 1))).containsExactly(msg("chatty", 2_000));
        assertThat(counters.pruned()).isEqualTo(1_900);
        on(vertx, store::close);

        MessageStore again = open(vertx, config);
        assertThat(on(vertx, () -> again.lastSeq("chatty"))).isEqualTo(2_000);
        on(vertx, again::close);
    }

    @Test
    void retentionByAgeDropsOldMessagesButKeepsTheNumbering() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data")).withHistoryMaxAge(Duration.ofHours(1));
        MessageStore store = open(vertx, config);
        long now = System.currentTimeMillis();
        long old = now - Duration.ofHours(2).toMillis();
        for (long s = 1; s <= 1_200; s++) {
            long seq = s;
            on(vertx, () -> store.append(new StoredMessage("r", seq, "a", "t" + seq, seq <= 1_100 ? old : now, false, null)));
        }
        on(vertx, () -> store.append(new StoredMessage("ancient", 1, "a", "t", old, false, null)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(on(vertx, () -> store.after("r", 0, 5_000))).extracting(StoredMessage::seq)
                    .hasSize(100).startsWith(1_101L);
            assertThat(on(vertx, () -> store.latest("ancient", 10))).isEmpty();
        });
        assertThat(on(vertx, store::lastSeqs)).isEqualTo(Map.of("r", 1_200L, "ancient", 1L));
        on(vertx, store::close);
    }

    @Test
    void theFileIsMarkedOursAndReadableWithPlainSqlWhileTheStoreRuns() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        MessageStore store = open(vertx, config);
        on(vertx, () -> store.append(msg("general", 1)));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.databaseFile());
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA application_id")) {
                assertThat(rs.getInt(1)).isEqualTo(SqliteFile.APPLICATION_ID);
            }
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rs = st.executeQuery("SELECT sender, text FROM messages WHERE room = 'general'")) {
                assertThat(rs.getString(1)).isEqualTo("alice");
                assertThat(rs.getString(2)).isEqualTo("general message 1");
            }
        }
        on(vertx, store::close);
    }

    @Test
    void closedStoreRefusesAppends() throws Exception {
        MessageStore store = open(vertx, sqlite(tmp.resolve("data")));
        on(vertx, store::close);
        Throwable t = StoreTesting.failureOf(vertx, () -> store.append(msg("a", 1)));
        assertThat(t).isInstanceOf(StoreException.class);
        assertThat(((StoreException) t).kind()).isEqualTo(StoreErrorKind.CLOSED);
        assertThat(Optional.of(store.health().ok())).contains(true);
    }
}
