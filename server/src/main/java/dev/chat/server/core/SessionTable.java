package dev.chat.server.core;

import java.util.Arrays;

/**
 * The open sessions of one loop, in no particular order: an array in which each session knows
 * its own slot, so adding and removing are O(1) and a connection costs one array slot instead
 * of a map entry with a boxed id (about 50 bytes less per idle connection). Removing moves the
 * last session into the freed slot. Used only from the owning loop.
 */
final class SessionTable {
    private static final int MIN_CAPACITY = 64;
    private Session[] all = new Session[MIN_CAPACITY];
    private int size;

    void add(Session s) {
        if (s.slot >= 0) {
            throw new IllegalStateException("session " + s + " is in a table already");
        }
        if (size == all.length) {
            all = Arrays.copyOf(all, size * 2);
        }
        s.slot = size;
        all[size++] = s;
    }

    /** Removes the session; false if it was not here. */
    boolean remove(Session s) {
        if (!contains(s)) {
            return false;
        }
        int i = s.slot;
        Session last = all[--size];
        all[i] = last;
        last.slot = i;
        all[size] = null;
        s.slot = -1;
        if (all.length > MIN_CAPACITY && size < all.length / 4) {
            all = Arrays.copyOf(all, all.length / 2);
        }
        return true;
    }

    boolean contains(Session s) {
        int i = s.slot;
        return i >= 0 && i < size && all[i] == s;
    }

    int size() {
        return size;
    }

    /** The session in slot {@code i}, {@code 0 <= i < size()}. */
    Session get(int i) {
        return all[i];
    }

    /** A copy of the sessions, for going through them while they may be removed. */
    Session[] snapshot() {
        return Arrays.copyOf(all, size);
    }
}
