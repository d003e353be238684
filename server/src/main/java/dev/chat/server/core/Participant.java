package dev.chat.server.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A registered session of this node, as the hub keeps it: who it is, its nick, and the rooms it
 * joined (or is joining), in join order. Made and changed only by {@link Hub}; backends read it
 * (a single-node room keeps its members as participants). Hub context only.
 */
public final class Participant implements Moderation.Person {
    private final Recipient who;
    private String nick;
    /** The nick key of the account the session is logged in to, or null for a guest. */
    private String account;
    /**
     * A list, not a set: most sessions are in one or a few rooms (at most
     * {@code --max-rooms-per-session}), and a set costs ~150 bytes per session.
     */
    private final List<String> rooms = new ArrayList<>(2);
    /** Its beacon key while it holds its nick (null: none). */
    private dev.chat.server.presence.BeaconKeys.Holder beaconKey;

    Participant(Recipient who, String nick) {
        this.who = who;
        this.nick = nick;
    }

    public Recipient who() {
        return who;
    }

    public String nick() {
        return nick;
    }

    /** The rooms joined or being joined, in join order. Read only. */
    public List<String> rooms() {
        return rooms;
    }

    public boolean in(String room) {
        return rooms.contains(room);
    }

    dev.chat.server.presence.BeaconKeys.Holder beaconKey() {
        return beaconKey;
    }

    void beaconKey(dev.chat.server.presence.BeaconKeys.Holder key) {
        beaconKey = key;
    }

    /** The nick key of the account this session is logged in to, or null: a guest. */
    public String account() {
        return account;
    }

    void account(String key) {
        account = key;
    }

    void nick(String nick) {
        this.nick = nick;
    }

    void joining(String room) {
        rooms.add(room);
    }

    boolean leaving(String room) {
        return rooms.remove(room);
    }

    /**
     * An operator of the room kicked the session out of it: a backend takes the room from the
     * session's rooms when it removes the member (docs/PROTOCOL.md, "Room operators").
     */
    public void kickedFrom(String room) {
        rooms.remove(room);
    }
}
