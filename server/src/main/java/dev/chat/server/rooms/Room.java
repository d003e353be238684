package dev.chat.server.rooms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One room's live state: members in join order and the last assigned {@code seq}. Owned by the
 * hub. The per-loop recipient arrays used for fan-out are built once after each membership
 * change and shared by every message until the next one.
 */
final class Room {
    final String name;
    long lastSeq;
    /** Compared by identity: one {@code Participant} per session (no boxed id per member). */
    private final Set<ChatHub.Participant> members = new LinkedHashSet<>();
    private Recipient[][] byLoop; // null when membership changed since the last fan-out

    Room(String name) {
        this.name = name;
    }

    boolean contains(ChatHub.Participant m) {
        return members.contains(m);
    }

    void add(ChatHub.Participant m) {
        members.add(m);
        byLoop = null;
    }

    void remove(ChatHub.Participant m) {
        members.remove(m);
        byLoop = null;
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    Collection<ChatHub.Participant> members() {
        return members;
    }

    List<String> nicks() {
        List<String> out = new ArrayList<>(members.size());
        for (ChatHub.Participant m : members) {
            out.add(m.nick);
        }
        return out;
    }

    /** Recipients grouped by event loop: {@code result[loop]}, possibly empty arrays. */
    Recipient[][] recipientsByLoop(int loops) {
        if (byLoop == null) {
            int[] counts = new int[loops];
            for (ChatHub.Participant m : members) {
                counts[m.recipient.loop()]++;
            }
            Recipient[][] out = new Recipient[loops][];
            for (int i = 0; i < loops; i++) {
                out[i] = new Recipient[counts[i]];
                counts[i] = 0;
            }
            for (ChatHub.Participant m : members) {
                int l = m.recipient.loop();
                out[l][counts[l]++] = m.recipient;
            }
            byLoop = out;
        }
        return byLoop;
    }
}
