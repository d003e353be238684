package dev.chat.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The SQLite database file: checked to be ours before anything is written to it, migrated, and
 * the connections the store works with (one writer, readers, a checkpointer), each with the
 * pragmas its job needs.
 */
final class SqliteFile {
    /**
     * {@code PRAGMA application_id} of a chat database: "Chat" in ASCII. SQLite keeps it in the
     * file's header, and {@code file(1)} shows it.
     */
    static final int APPLICATION_ID = 0x43686174;
    /** How long a connection waits for a lock another process (an {@code sqlite3} shell) holds. */
    static final int BUSY_TIMEOUT_MS = 5_000;
    /** The WAL file is cut back to this after a checkpoint emptied it. */
    static final long JOURNAL_SIZE_LIMIT = 64L << 20;
    /** Files up to this size get a full {@code PRAGMA quick_check} at start. */
    static final long FULL_CHECK_MAX_BYTES = 1L << 30;

    /** What a connection is for. */
    enum Role { WRITER, READER, CHECKPOINTER }

    private final Path file;
    private final Durability durability;
    private final String url;

    SqliteFile(Path file, Durability durability) {
        this.file = file;
        this.durability = durability;
        this.url = "jdbc:sqlite:" + file;
    }

    Path path() {
        return file;
    }

    /**
     * Makes sure the file is a chat database (a new or empty file becomes one), in WAL mode, not
     * damaged, and at this server's schema version.
     *
     * @return the schema version
     * @throws StoreStartException for a file that is not ours, damaged, or of a newer schema
     */
    String prepare() {
        String where = file.toString();
        try (Connection c = connect(null); Statement st = c.createStatement()) {
            int appId;
            try (ResultSet rs = st.executeQuery("PRAGMA application_id")) {
                appId = rs.next() ? rs.getInt(1) : 0;
            }
            if (appId == 0) {
                List<String> tables = tables(st);
                if (!tables.isEmpty()) {
                    throw new StoreStartException(where + " is not a chat database (it has the tables "
                            + String.join(", ", tables.subList(0, Math.min(5, tables.size())))
                            + (tables.size() > 5 ? ", ..." : "") + "); refusing to use it");
                }
                st.execute("PRAGMA application_id = " + APPLICATION_ID);
            } else if (appId != APPLICATION_ID) {
                throw new StoreStartException(where + " is not a chat database (its application_id is 0x"
                        + Integer.toHexString(appId) + ", not 0x" + Integer.toHexString(APPLICATION_ID)
                        + "); refusing to use it");
            }
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!mode.equalsIgnoreCase("wal")) {
                    throw new StoreStartException(where + ": cannot switch it to WAL mode (it stays in " + mode + ")");
                }
            }
            // every page of a file up to 1 GiB (about 5 s here); beyond, the rooms table and the schema
            boolean whole = java.nio.file.Files.size(file) <= FULL_CHECK_MAX_BYTES;
            try (ResultSet rs = st.executeQuery(whole ? "PRAGMA quick_check(1)" : "PRAGMA quick_check(rooms)")) {
                String result = rs.next() ? rs.getString(1).replaceAll("\\s*\\R\\s*", " ").trim() : "no answer";
                if (!result.equals("ok")) {
                    throw new StoreStartException(where + " is damaged (PRAGMA quick_check: " + result
                            + "); refusing to use it: restore a backup");
                }
            }
        } catch (SQLException e) {
            throw startFailure(e);
        } catch (java.io.IOException e) {
            throw new StoreStartException(where + ": " + Failures.oneLine(e), e);
        }
        SQLiteDataSource ds = new SQLiteDataSource(config(null));
        ds.setUrl(url);
        return Migrations.migrate(ds, "sqlite", where);
    }

    private static List<String> tables(Statement st) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_schema ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A start failure for an SQLite error: "not a database" and damage get their own words. */
    StoreStartException startFailure(SQLException e) {
        String where = file.toString();
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_NOTADB) {
                return new StoreStartException(where + " is not an SQLite database, or is damaged"
                        + " (\"file is not a database\"); refusing to use it", e);
            }
            if (code == SQLiteErrorCode.SQLITE_CORRUPT) {
                return new StoreStartException(where + " is damaged (" + Failures.oneLine(e)
                        + "); refusing to use it: restore a backup", e);
            }
            if (code == SQLiteErrorCode.SQLITE_FULL) {
                return new StoreStartException(where + ": the disk is full", e);
            }
        }
        return new StoreStartException(where + ": " + Failures.oneLine(e), e);
    }

    /** Opens a connection for {@code role} (null: the one {@link #prepare} uses). */
    Connection connect(Role role) throws SQLException {
        Connection c = config(role).createConnection(url);
        if (role == Role.WRITER) {
            c.setAutoCommit(false);
        } else if (role == Role.READER) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA query_only = 1");
            }
        }
        return c;
    }

    private SQLiteConfig config(Role role) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        cfg.setSynchronous(durability == Durability.FSYNC ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        cfg.setJournalSizeLimit((int) Math.min(Integer.MAX_VALUE, JOURNAL_SIZE_LIMIT));
        if (role != null) {
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        }
        if (role == Role.WRITER) {
            // checkpoints run on their own connection and thread, so a commit never waits for one
            cfg.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
        }
        return cfg;
    }
}
