package dev.chat.server.store;

/**
 * The store's state for {@code /health}: {@code ok}, or {@code degraded} while writes fail
 * (reads keep working). It returns to {@code ok} by itself once a write succeeds again.
 *
 * @param store what and where ({@link StoreConfig#describe()})
 * @param ok whether the last write attempt succeeded
 * @param lastError the last write error, one line, or null if there was none
 * @param lastErrorKind its kind, or null
 * @param lastErrorAtMs when it happened, milliseconds since the epoch, or 0
 * @param sinceMs when the store entered its current state, milliseconds since the epoch
 */
public record StoreHealth(String store, boolean ok, String lastError, StoreErrorKind lastErrorKind,
                          long lastErrorAtMs, long sinceMs) {

    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";

    /** {@value #OK} or {@value #DEGRADED}. */
    public String status() {
        return ok ? OK : DEGRADED;
    }
}
