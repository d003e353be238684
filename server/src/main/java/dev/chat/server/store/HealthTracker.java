package dev.chat.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's health: degraded from the first failed write until the next successful one. Logs
 * each change once (a warning when writes start failing, info when they work again), not every
 * failure. Any thread.
 */
final class HealthTracker {
    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    private final String store;
    private volatile StoreHealth health;

    HealthTracker(String store) {
        this.store = store;
        this.health = new StoreHealth(store, true, null, null, 0, System.currentTimeMillis());
    }

    StoreHealth get() {
        return health;
    }

    boolean ok() {
        return health.ok();
    }

    void succeeded() {
        if (health.ok()) {
            return; // the common case: no lock
        }
        synchronized (this) {
            StoreHealth h = health;
            if (h.ok()) {
                return;
            }
            long now = System.currentTimeMillis();
            LOG.info("store {}: writes succeed again after {} ms degraded", store, now - h.sinceMs());
            health = new StoreHealth(store, true, h.lastError(), h.lastErrorKind(), h.lastErrorAtMs(), now);
        }
    }

    synchronized void failed(StoreErrorKind kind, String message) {
        StoreHealth h = health;
        long now = System.currentTimeMillis();
        if (h.ok()) {
            LOG.warn("store {}: degraded, writes fail: {}", store, message);
        }
        health = new StoreHealth(store, false, message, kind, now, h.ok() ? now : h.sinceMs());
    }
}
