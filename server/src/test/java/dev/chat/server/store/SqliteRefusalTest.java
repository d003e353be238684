package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.appendInOneTurn;
import static dev.chat.server.store.StoreTesting.msg;
import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static dev.chat.server.store.StoreTesting.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite store refuses to start, with one line naming the place and the reason, rather than
 * start empty over something that is not its own, and it upgrades an older schema.
 */
@Timeout(120)
class SqliteRefusalTest extends StoreFixture {
    private String refusal(StoreConfig config) throws Exception {
        Throwable t = StoreTesting.failureOf(vertx, () -> Stores.open(vertx, config, StoreMetrics.NONE));
        assertThat(t).isInstanceOf(StoreStartException.class);
        String m = t.getMessage();
        assertThat(m).doesNotContain("\n").doesNotContain("Exception");
        return m;
    }

    private static void sql(Path file, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static long count(Path file, String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            return rs.getLong(1);
        }
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedAndLeftAlone() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        Files.createDirectories(config.dataDir());
        sql(config.databaseFile(), "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)",
                "INSERT INTO invoices (total) VALUES (12.5)");
        assertThat(refusal(config)).contains(config.databaseFile().toString()).contains("not a chat database")
                .contains("invoices");
        assertThat(count(config.databaseFile(), "SELECT count(*) FROM invoices")).isEqualTo(1);
        assertThat(count(config.databaseFile(), "SELECT count(*) FROM sqlite_schema WHERE name = 'messages'")).isZero();

        sql(config.databaseFile(), "PRAGMA application_id = 1234");
        assertThat(refusal(config)).contains("not a chat database").contains("application_id is 0x4d2");
    }

    @Test
    void aFileThatIsNotADatabaseIsRefused() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        Files.createDirectories(config.dataDir());
        byte[] text = "these are my notes, not a database\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(config.databaseFile(), text);
        assertThat(refusal(config)).contains(config.databaseFile().toString()).contains("not an SQLite database");
        assertThat(Files.readAllBytes(config.databaseFile())).isEqualTo(text);
    }

    @Test
    void aDamagedDatabaseIsRefused() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        MessageStore store = open(vertx, config);
        appendInOneTurn(vertx, store, "general", 3_000);
        on(vertx, store::close);
        long size = Files.size(config.databaseFile());
        assertThat(size).isGreaterThan(32 * 4096);
        try (RandomAccessFile f = new RandomAccessFile(config.databaseFile().toFile(), "rw")) {
            byte[] garbage = new byte[4 * 4096];
            Arrays.fill(garbage, (byte) 0x5a);
            f.seek(size / 2 / 4096 * 4096); // whole pages in the middle: the messages' B-tree
            f.write(garbage);
        }
        assertThat(refusal(config)).contains(config.databaseFile().toString()).contains("damaged");
    }

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        on(vertx, open(vertx, config)::close);
        sql(config.databaseFile(), "INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
                + " script, checksum, installed_by, execution_time, success)"
                + " VALUES (4, '4', 'future', 'SQL', 'V4__future.sql', 1, 'chat', 1, 1)");
        assertThat(refusal(config)).contains(config.databaseFile().toString())
                .contains("schema version 4, newer than this server's 3");
    }

    @Test
    void anOlderSchemaIsUpgradedKeepingItsMessages() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        Files.createDirectories(config.dataDir());
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + config.databaseFile());
        sql(config.databaseFile(), "PRAGMA application_id = " + SqliteFile.APPLICATION_ID);
        Migrations.flyway(ds, "sqlite", "1").migrate();
        sql(config.databaseFile(), "INSERT INTO rooms (name, last_seq, created) VALUES ('general', 2, 0)",
                "INSERT INTO messages (room, seq, ts, sender, text) VALUES ('general', 1, 10, 'alice', 'hi')",
                "INSERT INTO messages (room, seq, ts, sender, text) VALUES ('general', 2, 20, 'bob', 'hello')");

        MessageStore store = open(vertx, config);
        assertThat(on(vertx, () -> store.latest("general", 10))).containsExactly(
                new StoredMessage("general", 1, "alice", "hi", 10, false, null),
                new StoredMessage("general", 2, "bob", "hello", 20, false, null));
        on(vertx, () -> store.append(new StoredMessage("general", 3, "carol", "/me waves", 30, true, "r-3")));
        assertThat(on(vertx, () -> store.byRequestId("general", "r-3"))).isPresent();
        on(vertx, store::close);
        assertThat(count(config.databaseFile(), "SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history"))
                .isEqualTo(3);
    }

    @Test
    void aDirectoryInUseIsRefusedAndFreeAgainAfterClose() throws Exception {
        StoreConfig config = sqlite(tmp.resolve("data"));
        MessageStore first = open(vertx, config);
        assertThat(refusal(config)).contains("data directory " + config.dataDir())
                .contains("in use by another chat server (pid " + ProcessHandle.current().pid() + ")");
        on(vertx, () -> first.append(msg("a", 1)));
        on(vertx, first::close);
        MessageStore second = open(vertx, config);
        assertThat(on(vertx, () -> second.lastSeq("a"))).isEqualTo(1);
        on(vertx, second::close);
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThat(refusal(sqlite(file))).isEqualTo("data directory " + file + " is not a directory");
        Path below = file.resolve("data");
        assertThat(refusal(sqlite(below))).startsWith("data directory " + below + " does not exist and cannot be created: ");
    }

    @Test
    void aReadOnlyDataDirectoryIsRefused() throws Exception {
        try (Tmpfs ro = Tmpfs.mount(tmp.resolve("ro"), "size=1m,ro")) {
            assertThat(refusal(sqlite(ro.dir()))).isEqualTo("data directory " + ro.dir()
                    + " is not writable: read-only file system");
            Path inside = ro.dir().resolve("data");
            assertThat(refusal(sqlite(inside))).isEqualTo("data directory " + inside
                    + " does not exist and cannot be created: read-only file system");
        }
    }
}
