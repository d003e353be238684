package dev.chat.server.irc;

import dev.chat.protocol.Names;

/**
 * Turns the chat's per-room {@code quit} and {@code nick} events into IRC's per-user ones. The
 * core tells a session once per room it shares with the user; IRC says {@code QUIT} and
 * {@code NICK} once. The copies come close together (one core turn), so remembering the last
 * few is enough, in constant memory: an entry lives until something makes it stale (the user
 * joins again, or takes part in a newer change) or 32 newer ones push it out.
 */
final class RecentEvents {
    private static final int SIZE = 32;

    private final String[] keys = new String[SIZE];
    private int next;

    /** True the first time this user's quit is seen. */
    boolean firstQuit(String nick) {
        return add("q " + Names.nickKey(nick));
    }

    /** True the first time this change is seen. */
    boolean firstNick(String old, String now) {
        // exact spelling: "Alice" -> "alice" is a change too
        boolean first = add("n " + old + " " + now);
        if (first) {
            forgetStarting("n " + now + " "); // a later change away from the new nick is a new event
            forget("q " + Names.nickKey(now));
        }
        return first;
    }

    /** True the first time this away state is seen for the user. */
    boolean firstAway(String nick, String message) {
        String key = "a " + Names.nickKey(nick) + " ";
        if (contains(key + (message == null ? "" : "+" + message))) {
            return false;
        }
        forgetStarting(key);
        return add(key + (message == null ? "" : "+" + message));
    }

    /** The user joined a room: their earlier quit and nick changes are history. */
    void joined(String nick) {
        forget("q " + Names.nickKey(nick));
        forgetStarting("n " + nick + " ");
    }

    private boolean add(String key) {
        if (contains(key)) {
            return false;
        }
        keys[next] = key;
        next = (next + 1) % SIZE;
        return true;
    }

    private boolean contains(String key) {
        for (String k : keys) {
            if (key.equals(k)) {
                return true;
            }
        }
        return false;
    }

    private void forget(String key) {
        for (int i = 0; i < SIZE; i++) {
            if (key.equals(keys[i])) {
                keys[i] = null;
            }
        }
    }

    private void forgetStarting(String prefix) {
        for (int i = 0; i < SIZE; i++) {
            if (keys[i] != null && keys[i].startsWith(prefix)) {
                keys[i] = null;
            }
        }
    }
}
