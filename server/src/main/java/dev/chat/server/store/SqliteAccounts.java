package dev.chat.server.store;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The accounts table of an SQLite store. Account changes are rare and small, so they do not go
 * through the messages' group-commit writer: one thread of their own, with its own connection in
 * autocommit mode (SQLite's busy timeout makes it wait for the writer's transaction, never the
 * other way round for long). Never an event loop.
 */
final class SqliteAccounts implements AccountStore {
    private final SqliteFile file;
    private final ExecutorService thread;
    private Connection connection; // the thread's only

    SqliteAccounts(SqliteFile file) {
        this.file = file;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chat-store-accounts");
            t.setDaemon(true);
            return t;
        });
    }

    @FunctionalInterface
    private interface Sql<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> Future<T> run(String what, Sql<T> body) {
        return Completions.call(thread, () -> {
            try {
                if (connection == null) {
                    connection = file.connect(SqliteFile.Role.WRITER);
                    connection.setAutoCommit(true);
                }
                return body.apply(connection);
            } catch (SQLException e) {
                closeConnection();
                throw Failures.wrap(what, e);
            }
        });
    }

    @Override
    public Future<List<StoredAccount>> allAccounts() {
        return run("reading the accounts", c -> {
            List<StoredAccount> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT nick_key, nick, hash, created FROM accounts");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredAccount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
            return out;
        });
    }

    @Override
    public Future<Boolean> insertAccount(StoredAccount a) {
        return run("storing an account", c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO accounts (nick_key, nick, hash, created)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (nick_key) DO NOTHING")) {
                st.setString(1, a.nickKey());
                st.setString(2, a.nick());
                st.setString(3, a.hash());
                st.setLong(4, a.created());
                return st.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Future<Void> updateAccountHash(String nickKey, String hash) {
        return run("changing a password", c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE accounts SET hash = ? WHERE nick_key = ?")) {
                st.setString(1, hash);
                st.setString(2, nickKey);
                st.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Future<Void> deleteAccount(String nickKey) {
        return run("deleting an account", c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM accounts WHERE nick_key = ?")) {
                st.setString(1, nickKey);
                st.executeUpdate();
            }
            return null;
        });
    }

    /** Finishes what was asked, then closes the connection. Blocking (the store's close runs it off the loops). */
    void close() {
        thread.execute(this::closeConnection);
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
            connection = null;
        }
    }
}
