package dev.chat.server.store;

import java.util.Locale;

/**
 * How far a message has gone when its append completes (and the hub answers {@code ok}).
 * docs/STORAGE.md says what each means for each store.
 */
public enum Durability {
    /**
     * Committed to the database: survives a crash or {@code kill -9} of the server process.
     * SQLite: WAL with {@code synchronous=NORMAL}; PostgreSQL: {@code synchronous_commit=off}.
     */
    PROCESS,
    /**
     * Committed and flushed to disk: survives a power cut too. SQLite: {@code synchronous=FULL};
     * PostgreSQL: {@code synchronous_commit=on}.
     */
    FSYNC;

    /** The option's spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException with a one-line message when {@code text} is neither
     *     {@code process} nor {@code fsync}
     */
    public static Durability parse(String text) {
        for (Durability d : values()) {
            if (d.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("durability must be process or fsync, not '" + text + "'");
    }
}
