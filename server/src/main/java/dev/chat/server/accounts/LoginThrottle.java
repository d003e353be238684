package dev.chat.server.accounts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts login attempts that have not succeeded, per peer address and per account (nick key,
 * whether or not the account exists, so that the delay tells nothing about it), and says how
 * long the next attempt must wait: nothing for the first {@link #FREE_ATTEMPTS}, then
 * {@link #FIRST_DELAY_MS}, doubling with each attempt, at most {@link #MAX_DELAY_MS}. An attempt
 * counts as soon as it starts (parallel guesses wait like serial ones); a success clears both
 * counts. A count is forgotten {@link #FORGET_AFTER_MS} after its last attempt, and each map keeps
 * at most {@link #MAX_ENTRIES} (the least recently used goes first). Hub context only.
 */
public final class LoginThrottle {
    public static final int FREE_ATTEMPTS = 3;
    public static final long FIRST_DELAY_MS = 500;
    public static final long MAX_DELAY_MS = 5_000;
    public static final long FORGET_AFTER_MS = 15 * 60 * 1000;
    public static final int MAX_ENTRIES = 10_000;

    private static final class Count {
        int attempts;
        long last;
    }

    private final Map<String, Count> byAddress = lru();
    private final Map<String, Count> byAccount = lru();

    private static Map<String, Count> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Count> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }

    /** An attempt starts now: how long it must wait, ms, given the attempts before it. */
    public long attempt(String address, String nickKey, long nowMs) {
        int before = Math.max(bump(byAddress, address, nowMs), bump(byAccount, nickKey, nowMs));
        return delayAfter(before);
    }

    /** The delay for an attempt that follows {@code failures} unsuccessful ones. */
    public static long delayAfter(int failures) {
        if (failures < FREE_ATTEMPTS) {
            return 0;
        }
        int doublings = Math.min(failures - FREE_ATTEMPTS, 20);
        return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << doublings);
    }

    /** The attempt succeeded: both counts start again. */
    public void succeeded(String address, String nickKey) {
        if (address != null) {
            byAddress.remove(address);
        }
        byAccount.remove(nickKey);
    }

    /** Unsuccessful attempts counted for the address now (for the log). */
    public int failures(String address, long nowMs) {
        Count c = address == null ? null : byAddress.get(address);
        return c == null || nowMs - c.last > FORGET_AFTER_MS ? 0 : c.attempts;
    }

    /** Attempts of the key before this one; counts this one. */
    private static int bump(Map<String, Count> map, String key, long nowMs) {
        if (key == null) {
            return 0;
        }
        Count c = map.computeIfAbsent(key, k -> new Count());
        if (nowMs - c.last > FORGET_AFTER_MS) {
            c.attempts = 0;
        }
        int before = c.attempts;
        c.attempts = Math.min(before + 1, 1_000);
        c.last = nowMs;
        return before;
    }
}
