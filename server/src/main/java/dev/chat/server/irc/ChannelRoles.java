package dev.chat.server.irc;

import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage.Member;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one IRC connection knows of its rooms' operators, voiced members and topics, for the
 * {@code @} and {@code +} prefixes ({@code NAMES} after a join, {@code WHOIS}) and {@code LIST}:
 * set from {@code joined} and kept up to date by the room's events ({@code op}, {@code deop},
 * {@code voice}, {@code devoice}, {@code kick}, {@code part}, {@code quit}, {@code nick},
 * {@code topic}). The core decides; this is a copy that only its events change.
 *
 * <p>Bounded: one entry per joined room ({@code CHANLIMIT}), each holding members of that room only.
 */
final class ChannelRoles {

    private static final class Room {
        final Set<String> operators = new HashSet<>();
        final Set<String> voiced = new HashSet<>();
        String topic;
    }

    private final Map<String, Room> rooms = new HashMap<>();

    /** This connection joined {@code room}: its operators and voiced members (nicks), its topic or {@code null}. */
    void joined(String room, Collection<String> operators, Collection<String> voiced, String topic) {
        Room r = new Room();
        operators.forEach(n -> r.operators.add(Names.nickKey(n)));
        voiced.forEach(n -> r.voiced.add(Names.nickKey(n)));
        r.topic = topic == null || topic.isEmpty() ? null : topic;
        rooms.put(room, r);
    }

    /** This connection left {@code room} (part, kick). */
    void left(String room) {
        rooms.remove(room);
    }

    /** A member event of one of this connection's rooms. */
    void apply(Member m) {
        Room r = rooms.get(m.room());
        if (r == null) {
            return;
        }
        String key = Names.nickKey(m.nick());
        switch (m.event()) {
            case Member.OP -> r.operators.add(key);
            case Member.DEOP -> r.operators.remove(key);
            case Member.VOICE -> r.voiced.add(key);
            case Member.DEVOICE -> r.voiced.remove(key);
            case Member.PART, Member.QUIT, Member.KICK -> {
                r.operators.remove(key);
                r.voiced.remove(key);
            }
            case Member.NICK -> {
                String old = m.old() == null ? null : Names.nickKey(m.old());
                if (old != null && r.operators.remove(old)) {
                    r.operators.add(key); // operators are accounts: a logged-in member keeps it
                }
                if (old != null) {
                    r.voiced.remove(old); // a guest's voice stays with its old nick (the core's rule)
                }
            }
            default -> { }
        }
    }

    void topic(String room, String topic) {
        Room r = rooms.get(room);
        if (r != null) {
            r.topic = topic == null || topic.isEmpty() ? null : topic;
        }
    }

    /** The topic of a joined room, or {@code null}. */
    String topic(String room) {
        Room r = rooms.get(room);
        return r == null ? null : r.topic;
    }

    /** Whether {@code room} is one this connection has joined (and so knows the roles of). */
    boolean knows(String room) {
        return rooms.containsKey(room);
    }

    /** {@code "@"}, {@code "+"}, {@code "@+"} or {@code ""} for a member of a joined room. */
    String prefixes(String room, String nick) {
        Room r = rooms.get(room);
        if (r == null) {
            return "";
        }
        String key = Names.nickKey(nick);
        return prefixes(r.operators.contains(key), r.voiced.contains(key));
    }

    /** All prefixes of a member, highest first. */
    static String prefixes(boolean operator, boolean voiced) {
        return operator ? voiced ? "@+" : "@" : voiced ? "+" : "";
    }
}
