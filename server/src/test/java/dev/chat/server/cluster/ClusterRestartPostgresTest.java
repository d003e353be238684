package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.store.PostgresExtension;
import dev.chat.server.store.PostgresServer;
import dev.chat.testsupport.ChatClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three nodes of {@link ClusterRestartFixture} sharing ONE PostgreSQL database (docs/CLUSTER.md,
 * docs/STORAGE.md "In a cluster"): every node appends every committed message (insert-if-absent),
 * only a room's owner writes the room's row. Stopped whole and started again on the same database,
 * the cluster has the history complete, in order and once, the numbering, the topic and the bans;
 * the table itself has one row per message. Without PostgreSQL the tests are skipped, except
 * under {@code CI=true}, where they fail ({@link PostgresExtension}).
 */
@Timeout(300)
@ExtendWith(PostgresExtension.class)
class ClusterRestartPostgresTest extends ClusterRestartFixture {
    private PostgresServer pg;
    private String db;

    @BeforeEach
    void database(PostgresServer server) throws Exception {
        pg = server;
        db = server.createDatabase();
    }

    @Override
    String store(int i) {
        return pg.url(db); // the same database for every node
    }

    private Connection sql() throws Exception {
        return DriverManager.getConnection(pg.jdbc(db), PostgresServer.USER, PostgresServer.PASSWORD);
    }

    /** The room's rows in the table, as {@link #lines} writes messages, in seq order. */
    private List<String> rows(String room) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = sql(); PreparedStatement st = c.prepareStatement(
                "SELECT seq, sender, action, text FROM messages WHERE room = ? ORDER BY seq")) {
            st.setString(1, room);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1) + " " + rs.getString(2) + (rs.getBoolean(3) ? " * " : ": ") + rs.getString(4));
                }
            }
        }
        return out;
    }

    private long scalar(String query, String room) throws Exception {
        try (Connection c = sql(); PreparedStatement st = c.prepareStatement(query)) {
            st.setString(1, room);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as(query).isTrue();
                return rs.getLong(1);
            }
        }
    }

    @Override
    void checkStored(String room, int messages) throws Exception {
        // the stopped cluster's database: one row per (room, seq), seqs 1..messages, no gaps, no
        // duplicates under other seqs, and the room's numbering is the last one
        List<String> rows = rows(room);
        assertThat(rows).as("rows of %s", room).hasSize(messages);
        for (int i = 0; i < messages; i++) {
            assertThat(rows.get(i)).startsWith((i + 1) + " ");
        }
        assertThat(scalar("SELECT count(*) FROM (SELECT seq FROM messages WHERE room = ? GROUP BY seq"
                + " HAVING count(*) > 1) d", room)).as("seqs held twice").isZero();
        assertThat(scalar("SELECT count(DISTINCT (sender, text)) FROM messages WHERE room = ?", room))
                .as("the same message under two seqs").isEqualTo(messages);
        assertThat(scalar("SELECT last_seq FROM rooms WHERE name = ?", room)).as("rooms.last_seq").isEqualTo(messages);
    }

    @Test
    void theSameMessageWrittenByThreeNodesIsOneRow() throws Exception {
        startCluster();
        // count every insert the nodes attempt that succeeds (a BEFORE ROW trigger fires for each
        // proposed row, also for one that ON CONFLICT DO NOTHING then skips; a failed insert rolls
        // its count back: with a plain INSERT the least written message counts 1, not 3)
        try (Connection c = sql(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE attempts (room TEXT NOT NULL, seq BIGINT NOT NULL)");
            st.execute("CREATE FUNCTION count_attempt() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN INSERT INTO attempts VALUES (NEW.room, NEW.seq); RETURN NEW; END $$");
            st.execute("CREATE TRIGGER count_attempts BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION count_attempt()");
        }
        List<String> expected = new ArrayList<>();
        try (ChatClient alice = ChatClient.registered(port(0), "alice"); ChatClient dora = ChatClient.registered(port(2), "dora")) {
            join(alice, "porch");
            join(dora, "porch");
            for (int i = 1; i <= 10; i++) {
                say(i % 2 == 1 ? alice : dora, "porch", "line " + i, i == 4);
                expected.add(i + " " + (i % 2 == 1 ? "alice" : "dora") + (i == 4 ? " * " : ": ") + "line " + i);
            }
        }
        awaitEverywhere("porch", expected);
        // every node commits every message and appends it: three writes of each, one row each
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(scalar("SELECT coalesce(min(n), 0) FROM (SELECT count(*) AS n FROM attempts WHERE room = ?"
                    + " GROUP BY seq) a", "porch")).as("writes of the least written message").isGreaterThanOrEqualTo(SIZE);
            assertThat(scalar("SELECT count(DISTINCT seq) FROM attempts WHERE room = ?", "porch")).isEqualTo(10);
        });
        assertThat(rows("porch")).as("while running").containsExactlyElementsOf(expected);
        for (int n = 0; n < SIZE; n++) {
            // the writes of a message another node had written already were no failures
            String m = metrics(n);
            assertThat(m).as("node %s", n).doesNotContainPattern("chat_store_errors_total\\{[^}]*} [1-9]")
                    .contains("chat_store_failed_appends_total 0");
        }
        stopAll();
        checkStored("porch", 10);
        assertThat(rows("porch")).containsExactlyElementsOf(expected);
    }

    @Test
    void aRoomRowTheDatabaseRefusedIsWrittenWhenItAcceptsAgain() throws Exception {
        startCluster();
        List<String> ids = new ArrayList<>();
        for (var n : nodes) {
            ids.add(n.nodeId());
        }
        String room = null;
        for (int r = 0; room == null; r++) {
            if (ids.get(0).equals(Rendezvous.pick("yard" + r, ids))) {
                room = "yard" + r; // sequenced by node 0, whose clients are none of the room's members
            }
        }
        String name = room;
        try (ChatClient alice = ChatClient.registered(port(1), "alice"); ChatClient dora = ChatClient.registered(port(2), "dora")) {
            join(alice, name);
            join(dora, name);
            assertThat(alice.request(id -> new ClientMessage.Topic(id, name, "first"))).isInstanceOf(ServerMessage.Topic.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "first".equals(topicRow(name)));
            // the database refuses the owner's write of the room's row for a while: only the owner
            // writes it, so nothing else would ever put the new topic there; the owner writes it
            // again until it goes through (before, the row kept "first" for good, and a
            // whole-cluster restart brought the room back with it)
            try (Connection c = sql(); Statement st = c.createStatement()) {
                st.execute("CREATE SEQUENCE refusals"); // nextval survives the rollback: it counts the refusals
                st.execute("CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN PERFORM nextval('refusals'); RAISE EXCEPTION 'refused for the test'; END $$");
                st.execute("CREATE TRIGGER refuse_rows BEFORE UPDATE ON rooms FOR EACH ROW"
                        + " WHEN (NEW.topic = 'second') EXECUTE FUNCTION refuse_row()");
            }
            assertThat(alice.request(id -> new ClientMessage.Topic(id, name, "second"))).isInstanceOf(ServerMessage.Topic.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> refusals() > 0);
            assertThat(topicRow(name)).as("refused").isEqualTo("first");
            try (Connection c = sql(); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER refuse_rows ON rooms");
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "second".equals(topicRow(name)));
        }
        stopAll();
        startCluster();
        try (ChatClient carol = ChatClient.registered(port(0), "carol")) {
            assertThat(join(carol, name).topic()).isEqualTo("second");
        }
    }

    private long refusals() throws Exception {
        try (Connection c = sql(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM refusals")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String topicRow(String room) throws Exception {
        try (Connection c = sql(); PreparedStatement st = c.prepareStatement("SELECT topic FROM rooms WHERE name = ?")) {
            st.setString(1, room);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
