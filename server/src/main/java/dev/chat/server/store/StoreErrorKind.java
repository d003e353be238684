package dev.chat.server.store;

import java.util.Locale;

/** Why a store operation failed, as counted in the metrics ({@link #label()}). */
public enum StoreErrorKind {
    /** The disk (or PostgreSQL's) is full. */
    DISK_FULL,
    /** A read or write error of the file system. */
    IO,
    /** The database could not be reached or the connection broke (PostgreSQL). */
    CONNECTION,
    /** Another process held a lock on the database longer than the store waits. */
    BUSY,
    /** The write queue was full: appends arrive faster than the database commits them. */
    QUEUE_FULL,
    /** The store failed recently and has not recovered yet: the append was not tried. */
    UNAVAILABLE,
    /** The database file is damaged. */
    CORRUPT,
    /** The store is closed. */
    CLOSED,
    /** Anything else the database reported. */
    OTHER;

    /** Lower case, for metric labels and messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
