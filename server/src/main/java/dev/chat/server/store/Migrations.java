package dev.chat.server.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema to this server's version with Flyway (the scripts are in
 * {@code db/migration/sqlite} and {@code db/migration/postgresql}): an older schema is
 * upgraded, a newer one or one whose migration failed is refused.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    /** The schema version this server writes; a database at a higher one is refused. */
    static final String VERSION = "3";

    private Migrations() {
    }

    /**
     * @param dialect {@code sqlite} or {@code postgresql}
     * @param where the database, as the user knows it, for messages
     * @return the schema version now
     * @throws StoreStartException when the schema is newer, broken, or cannot be migrated
     */
    static String migrate(DataSource ds, String dialect, String where) {
        Flyway flyway = flyway(ds, dialect, null);
        try {
            MigrationInfoService info = flyway.info();
            for (MigrationInfo m : info.applied()) {
                MigrationState s = m.getState();
                if (s == MigrationState.FUTURE_SUCCESS || s == MigrationState.FUTURE_FAILED) {
                    throw new StoreStartException(where + " has schema version " + m.getVersion()
                            + ", newer than this server's " + VERSION
                            + ": run the newer server it was written by, or restore a backup");
                }
                if (s.isFailed()) {
                    throw new StoreStartException(where + ": the migration to schema version " + m.getVersion()
                            + " failed earlier (" + m.getDescription() + "); restore a backup");
                }
            }
            MigrationInfo current = info.current();
            MigrateResult r = flyway.migrate();
            String now = r.targetSchemaVersion != null ? r.targetSchemaVersion
                    : current == null ? "none" : current.getVersion().getVersion();
            if (r.migrationsExecuted > 0) {
                LOG.info("store {}: schema migrated from version {} to {}", where,
                        current == null ? "none (new)" : current.getVersion().getVersion(), now);
            }
            return now;
        } catch (FlywayException e) {
            throw new StoreStartException(where + ": cannot bring its schema to version " + VERSION + ": "
                    + Failures.oneLine(e), e);
        }
    }

    /** A Flyway for the dialect's scripts, up to {@code target} (null: all). Tests build older schemas with it. */
    static Flyway flyway(DataSource ds, String dialect, String target) {
        var conf = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/migration/" + dialect)
                .failOnMissingLocations(true)
                .cleanDisabled(true)
                .loggers(QuietLog.class.getName());
        if (target != null) {
            conf.target(target);
        }
        return conf.load();
    }

    /**
     * Flyway's log, one level down: its progress lines ("Successfully validated 2 migrations",
     * ...) at debug, since the store logs the one line that matters; warnings and errors as they are.
     */
    public static final class QuietLog implements LogCreator, Log {
        private static final Logger FLYWAY = LoggerFactory.getLogger("org.flywaydb");

        @Override
        public Log createLogger(Class<?> clazz) {
            return this;
        }

        @Override
        public boolean isDebugEnabled() {
            return FLYWAY.isDebugEnabled();
        }

        @Override
        public void debug(String message) {
            FLYWAY.debug(message);
        }

        @Override
        public void info(String message) {
            FLYWAY.debug(message);
        }

        @Override
        public void notice(String message) {
            FLYWAY.debug(message);
        }

        @Override
        public void warn(String message) {
            FLYWAY.warn(message);
        }

        @Override
        public void error(String message) {
            FLYWAY.error(message);
        }

        @Override
        public void error(String message, Exception e) {
            FLYWAY.error(message, e);
        }
    }
}
