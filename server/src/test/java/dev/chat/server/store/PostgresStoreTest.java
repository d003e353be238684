package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.appendInOneTurn;
import static dev.chat.server.store.StoreTesting.msg;
import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** The PostgreSQL store against a real, private PostgreSQL server. */
@Timeout(180)
@ExtendWith(PostgresExtension.class)
class PostgresStoreTest extends StoreFixture {
    PostgresServer pg;
    String db;

    @BeforeEach
    void setUp(PostgresServer pg) throws Exception {
        this.pg = pg;
        this.db = pg.createDatabase();
    }

    private StoreConfig config() {
        return StoreConfig.defaults().withStore(pg.url(db));
    }

    private String refusal(StoreConfig config) throws Exception {
        Throwable t = StoreTesting.failureOf(vertx, () -> Stores.open(vertx, config, StoreMetrics.NONE));
        assertThat(t).isInstanceOf(StoreStartException.class);
        assertThat(t.getMessage()).doesNotContain("\n").doesNotContain(PostgresServer.PASSWORD);
        return t.getMessage();
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbc(db), PostgresServer.USER, PostgresServer.PASSWORD);
             Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    @Test
    void storesReadsAndContinuesAfterARestart() throws Exception {
        MessageStore store = open(vertx, config());
        for (long s = 1; s <= 30; s++) {
            long seq = s;
            on(vertx, () -> store.append(msg("general", seq)));
        }
        on(vertx, () -> store.append(new StoredMessage("random", 7, "bob", "/me waves", 42, true, "req-1")));
        assertThat(on(vertx, () -> store.latest("general", 3))).extracting(StoredMessage::seq).containsExactly(28L, 29L, 30L);
        assertThat(on(vertx, () -> store.after("general", 10, 2))).containsExactly(msg("general", 11), msg("general", 12));
        assertThat(on(vertx, () -> store.byRequestId("random", "req-1"))).map(StoredMessage::action).contains(true);
        on(vertx, () -> store.append(new StoredMessage("general", 30, "mallory", "other", 1, false, null)));
        assertThat(on(vertx, () -> store.latest("general", 1))).containsExactly(msg("general", 30));
        on(vertx, () -> store.saveRoom("random", "anything goes", new JsonObject().put("secret", false)));
        assertThat(on(vertx, () -> store.room("random")).orElseThrow().topic()).isEqualTo("anything goes");
        on(vertx, store::close);

        MessageStore again = open(vertx, config());
        assertThat(on(vertx, again::lastSeqs)).isEqualTo(Map.of("general", 30L, "random", 7L));
        on(vertx, () -> again.append(msg("general", 31)));
        assertThat(on(vertx, () -> again.after("general", 0, 100))).hasSize(31);
        on(vertx, () -> again.deleteRoom("general"));
        assertThat(on(vertx, () -> again.lastSeq("general"))).isZero();
        on(vertx, again::close);
    }

    @Test
    void twoNodesShareOneDatabase() throws Exception {
        MessageStore a = open(vertx, config());
        MessageStore b = open(vertx, config());
        on(vertx, () -> a.append(msg("from-a", 1)));
        on(vertx, () -> b.append(msg("from-b", 1)));
        assertThat(on(vertx, () -> a.latest("from-b", 5))).containsExactly(msg("from-b", 1));
        assertThat(on(vertx, b::lastSeqs)).isEqualTo(Map.of("from-a", 1L, "from-b", 1L));
        on(vertx, a::close);
        on(vertx, b::close);
    }

    @Test
    void appendsOfOneTurnShareTransactions() throws Exception {
        StoreCounters counters = new StoreCounters();
        MessageStore store = open(vertx, config(), counters);
        appendInOneTurn(vertx, store, "busy", 5_000);
        assertThat(counters.rowsPerCommit().sum()).isEqualTo(5_000);
        assertThat(counters.rowsPerCommit().count()).as("transactions").isLessThan(500);
        assertThat(on(vertx, () -> store.lastSeq("busy"))).isEqualTo(5_000);
        on(vertx, store::close);
    }

    @Test
    void retentionKeepsTheLatestPerRoom() throws Exception {
        MessageStore store = open(vertx, config().withHistoryMaxPerRoom(100));
        appendInOneTurn(vertx, store, "chatty", 1_500);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(on(vertx, () -> store.after("chatty", 0, 5_000))).extracting(StoredMessage::seq)
                        .hasSize(100).startsWith(1_401L));
        on(vertx, store::close);
    }

    @Test
    void aTextWithNulIsRefusedAloneAndDoesNotDegradeTheStore() throws Exception {
        MessageStore store = open(vertx, config());
        Throwable t = StoreTesting.failureOf(vertx, () -> store.append(
                new StoredMessage("general", 1, "alice", "a\u0000b", 1, false, null)));
        assertThat(t).isInstanceOf(StoreException.class).hasMessageContaining("U+0000");
        on(vertx, () -> store.append(msg("general", 2)));
        assertThat(store.health().ok()).isTrue();
        on(vertx, store::close);
    }

    @Test
    void unreachableWrongPasswordAndMissingDatabaseAreRefusedWithTheReason() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String nowhere = "postgresql://postgres:secret@127.0.0.1:" + closed + "/chat";
        assertThat(refusal(config().withStore(nowhere)))
                .startsWith("postgresql://postgres@127.0.0.1:" + closed + "/chat is unreachable: ")
                .containsIgnoringCase("refused");
        assertThat(refusal(config().withStore(pg.url(db).replace(PostgresServer.PASSWORD, "wrong"))))
                .contains("authentication failed");
        assertThat(refusal(config().withStore(pg.url("no_such_db")))).contains("no such database");
    }

    @Test
    void anOlderSchemaIsUpgradedAndANewerOneRefused() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.jdbc(db));
        ds.setUser(PostgresServer.USER);
        ds.setPassword(PostgresServer.PASSWORD);
        Migrations.flyway(ds, "postgresql", "1").migrate();
        sql("INSERT INTO rooms (name, last_seq, created) VALUES ('general', 1, 0)",
                "INSERT INTO messages (room, seq, ts, sender, text) VALUES ('general', 1, 10, 'alice', 'hi')");
        MessageStore store = open(vertx, config());
        assertThat(on(vertx, () -> store.latest("general", 5)))
                .containsExactly(new StoredMessage("general", 1, "alice", "hi", 10, false, null));
        on(vertx, store::close);

        sql("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (4, '4', 'future', 'SQL', 'V4__future.sql', 1,"
                + " 'chat', 1, true)");
        assertThat(refusal(config())).contains("schema version 4, newer than this server's 3");
    }
}
