package dev.chat.server.store;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Sorts the databases' exceptions into {@link StoreErrorKind}s and one-line messages. */
final class Failures {

    private Failures() {
    }

    static StoreErrorKind kindOf(Throwable t) {
        if (t instanceof StoreException se) {
            return se.kind();
        }
        if (t instanceof SQLiteException se) {
            return sqlite(se.getResultCode());
        }
        if (t instanceof PgException pe) {
            return postgres(pe.getSqlState());
        }
        if (t instanceof IOException || t instanceof ClosedChannelException
                || t.getClass().getName().endsWith("ClosedConnectionException")) {
            return StoreErrorKind.CONNECTION; // the network, or PostgreSQL closed the session
        }
        if (t.getCause() != null && t.getCause() != t) {
            return kindOf(t.getCause());
        }
        return StoreErrorKind.OTHER;
    }

    private static StoreErrorKind sqlite(SQLiteErrorCode code) {
        if (code == null) {
            return StoreErrorKind.OTHER;
        }
        return switch (code) {
            case SQLITE_FULL -> StoreErrorKind.DISK_FULL;
            case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_BUSY_RECOVERY, SQLITE_BUSY_SNAPSHOT,
                 SQLITE_LOCKED_SHAREDCACHE -> StoreErrorKind.BUSY;
            case SQLITE_CORRUPT, SQLITE_CORRUPT_VTAB, SQLITE_NOTADB -> StoreErrorKind.CORRUPT;
            default -> code.name().startsWith("SQLITE_IOERR") || code.name().startsWith("SQLITE_CANTOPEN")
                    || code.name().startsWith("SQLITE_READONLY") ? StoreErrorKind.IO : StoreErrorKind.OTHER;
        };
    }

    private static StoreErrorKind postgres(String sqlState) {
        if (sqlState == null) {
            return StoreErrorKind.OTHER;
        }
        if (sqlState.equals("53100")) {
            return StoreErrorKind.DISK_FULL;
        }
        if (sqlState.startsWith("08") || sqlState.startsWith("57P")) {
            return StoreErrorKind.CONNECTION; // connection exceptions; admin shutdown, cannot connect now
        }
        if (sqlState.startsWith("58")) {
            return StoreErrorKind.IO;
        }
        if (sqlState.startsWith("XX")) {
            return StoreErrorKind.CORRUPT;
        }
        if (sqlState.equals("55P03") || sqlState.equals("40P01") || sqlState.equals("40001")) {
            return StoreErrorKind.BUSY;
        }
        return StoreErrorKind.OTHER;
    }

    /** The exception as one line: its message (or class) without line breaks. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** "storing 3 messages", for failure messages. */
    static String storing(int appends) {
        return appends == 1 ? "storing 1 message" : "storing " + appends + " messages";
    }

    /** A {@link StoreException} for a failed write or read, keeping the cause. */
    static StoreException wrap(String what, Throwable t) {
        if (t instanceof StoreException se) {
            return se;
        }
        StoreErrorKind kind = kindOf(t);
        return new StoreException(kind, what + " failed (" + kind.label() + "): " + oneLine(t), t);
    }
}
