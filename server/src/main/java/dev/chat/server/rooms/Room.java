package dev.chat.server.rooms;

import dev.chat.server.core.Moderation;
import dev.chat.server.core.Participant;
import dev.chat.server.core.Recipient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One room's live state on a single node: members in join order, the last assigned {@code seq},
 * the last one delivered, and the messages numbered but not yet settled by the store, in
 * {@code seq} order. Owned by the hub. The per-lane recipient arrays used for fan-out are built
 * once after each membership change and shared by every message until the next one.
 */
final class Room {
    final String name;
    /** The last {@code seq} given to a message (stored, waiting, or failed). */
    long lastSeq;
    /** The last {@code seq} delivered: every stored message up to it is in the history (what {@code joined} says). */
    long shownSeq;
    /** Messages waiting for the store, oldest first; null when none ever waited. */
    private ArrayDeque<Pending> pending;
    /** Compared by identity: one {@link Participant} per session (no boxed id per member). */
    private final Set<Participant> members = new LinkedHashSet<>();
    private Recipient[][] byLane; // null when membership changed since the last fan-out
    /** Its topic, operators, bans and modes. */
    final Moderation rules;

    Room(String name, long lastSeq) {
        this(name, lastSeq, Moderation.fresh(name));
    }

    Room(String name, long lastSeq, Moderation rules) {
        this.name = name;
        this.lastSeq = lastSeq;
        this.shownSeq = lastSeq;
        this.rules = rules;
    }

    /** The members in join order. Read only. */
    Set<Participant> members() {
        return java.util.Collections.unmodifiableSet(members);
    }

    void waiting(Pending p) {
        if (pending == null) {
            pending = new ArrayDeque<>();
        }
        pending.addLast(p);
    }

    /** The oldest message waiting for the store, or null. */
    Pending firstWaiting() {
        return pending == null ? null : pending.peekFirst();
    }

    void dropFirstWaiting() {
        pending.pollFirst();
    }

    /** Whether messages of the room wait for the store (the room must stay in memory until they are settled). */
    boolean hasWaiting() {
        return pending != null && !pending.isEmpty();
    }

    boolean contains(Participant m) {
        return members.contains(m);
    }

    void add(Participant m) {
        members.add(m);
        byLane = null;
    }

    void remove(Participant m) {
        members.remove(m);
        byLane = null;
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    List<String> nicks() {
        List<String> out = new ArrayList<>(members.size());
        for (Participant m : members) {
            out.add(m.nick());
        }
        return out;
    }

    /** Recipients grouped by lane: {@code result[lane]}, possibly empty arrays. */
    Recipient[][] recipientsByLane(int lanes) {
        if (byLane == null) {
            int[] counts = new int[lanes];
            for (Participant m : members) {
                counts[m.who().lane()]++;
            }
            Recipient[][] out = new Recipient[lanes][];
            for (int i = 0; i < lanes; i++) {
                out[i] = new Recipient[counts[i]];
                counts[i] = 0;
            }
            for (Participant m : members) {
                int l = m.who().lane();
                out[l][counts[l]++] = m.who();
            }
            byLane = out;
        }
        return byLane;
    }
}
