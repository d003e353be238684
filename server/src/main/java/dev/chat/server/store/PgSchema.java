package dev.chat.server.store;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL at start, through JDBC (Flyway needs it; the store then works through the
 * reactive client): reachable, and at this server's schema version.
 */
final class PgSchema {
    /** Seconds to wait for PostgreSQL to accept a connection at start. */
    static final int CONNECT_TIMEOUT_S = 10;

    private PgSchema() {
    }

    /**
     * Blocking: call it on a worker.
     *
     * @return the schema version
     * @throws StoreStartException naming the URL (without password) and the reason
     */
    static String prepare(StoreConfig config) {
        String where = config.describe();
        PgConnectOptions o = config.postgres();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {o.getHost()});
        ds.setPortNumbers(new int[] {o.getPort()});
        ds.setDatabaseName(o.getDatabase());
        ds.setUser(o.getUser());
        ds.setPassword(o.getPassword());
        ds.setConnectTimeout(CONNECT_TIMEOUT_S);
        ds.setLoginTimeout(CONNECT_TIMEOUT_S);
        ds.setApplicationName(PgStore.APPLICATION_NAME);
        try (Connection c = ds.getConnection()) {
            c.isValid(CONNECT_TIMEOUT_S);
        } catch (SQLException e) {
            throw new StoreStartException(where + " is unreachable: " + reason(e), e);
        }
        return Migrations.migrate(ds, "postgresql", where);
    }

    private static String reason(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = Failures.oneLine(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.UnknownHostException) {
            return "unknown host " + root.getMessage();
        }
        if (root instanceof java.net.SocketTimeoutException) {
            return "no answer within " + CONNECT_TIMEOUT_S + " s";
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return "authentication failed (" + msg + ")";
        }
        if (state.equals("3D000")) {
            return "no such database (" + msg + ")";
        }
        return msg;
    }
}
