package dev.chat.client.session;

import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.Joined;
import dev.chat.protocol.ServerMessage.Member;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client's memory of its session: nick, joined rooms in join order, the current room, and
 * per room the last {@code seq} shown. This is what makes reconnecting lossless and
 * duplicate-free: a room message is shown only if its {@code seq} is above the last one shown;
 * after a reconnect the gap is fetched with {@code history after_seq}, and live messages that
 * arrive meanwhile wait in a buffer until the gap is filled.
 *
 * <p>Thread-safe: every method synchronizes on this object, and callers that must act on a
 * decision atomically (show exactly the messages returned) hold the same monitor. Readers that
 * must never block (tab completion, the prompt) use the immutable {@link #view()}.
 */
public final class SessionState {

    /** Result of a {@code joined} reply. */
    public record JoinOutcome(String room, boolean catchUp, boolean historyReset) {
    }

    /**
     * An immutable snapshot for code that must not take locks.
     *
     * @param nicks members of every joined room, ours included
     * @param knownRooms joined rooms plus rooms seen in a {@code rooms} reply
     */
    public record View(String nick, String currentRoom, List<String> rooms, Set<String> nicks,
                       Set<String> knownRooms, boolean connected) {
    }

    private static final int MAX_KNOWN_ROOMS = 10_000;

    private final Map<String, RoomState> rooms = new LinkedHashMap<>();
    private final Set<String> knownRooms = new TreeSet<>();
    private String nick;
    private String current;
    private boolean connected;
    private volatile View view;

    public SessionState(String nick) {
        this.nick = nick;
        publish();
    }

    /** The lock-free snapshot, replaced after every change. */
    public View view() {
        return view;
    }

    public synchronized String nick() {
        return nick;
    }

    public synchronized void setNick(String newNick) {
        nick = newNick;
        publish();
    }

    /** Whether {@code name} is our nick (nicks compare ignoring case). */
    public synchronized boolean isMe(String name) {
        return name != null && Names.nickKey(name).equals(Names.nickKey(nick));
    }

    public synchronized void setConnected(boolean value) {
        connected = value;
        publish();
    }

    /** Joined rooms, in join order. */
    public synchronized List<String> rooms() {
        return List.copyOf(rooms.keySet());
    }

    public synchronized boolean isJoined(String room) {
        return rooms.containsKey(room);
    }

    /** The room plain text goes to, or null when no room is joined. */
    public synchronized String currentRoom() {
        return current;
    }

    /** Makes a joined room current; returns false when it is not joined. */
    public synchronized boolean setCurrentRoom(String room) {
        if (!rooms.containsKey(room)) {
            return false;
        }
        current = room;
        publish();
        return true;
    }

    /** Members of a joined room as last known, or an empty list. */
    public synchronized List<String> members(String room) {
        RoomState r = rooms.get(room);
        return r == null ? List.of() : List.copyOf(r.members);
    }

    /** Operators among the members of a joined room, as last known. */
    public synchronized List<String> operators(String room) {
        RoomState r = rooms.get(room);
        return r == null ? List.of() : List.copyOf(r.operators);
    }

    /** Voiced members of a joined room, as last known. */
    public synchronized List<String> voiced(String room) {
        RoomState r = rooms.get(room);
        return r == null ? List.of() : List.copyOf(r.voiced);
    }

    /** The topic of a joined room ("" for none). */
    public synchronized String topic(String room) {
        RoomState r = rooms.get(room);
        return r == null ? "" : r.topic;
    }

    /** A {@code topic} event or reply. */
    public synchronized void onTopic(ServerMessage.Topic t) {
        RoomState r = rooms.get(t.room());
        if (r != null) {
            r.topic = t.topic() == null ? "" : t.topic();
        }
    }

    /** Whether {@code room} was joined again after an outage and still has to fetch what it missed. */
    public synchronized boolean isCatchingUp(String room) {
        RoomState r = rooms.get(room);
        return r != null && r.phase == RoomState.Phase.CATCHING_UP;
    }

    /** The last {@code seq} shown in {@code room}, or -1 when not joined. */
    public synchronized long lastSeen(String room) {
        RoomState r = rooms.get(room);
        return r == null ? -1 : r.lastSeen;
    }

    /** Remembers rooms from a {@code rooms} reply, for completion. */
    public synchronized void learnRooms(Collection<String> names) {
        for (String n : names) {
            if (knownRooms.size() >= MAX_KNOWN_ROOMS) {
                break;
            }
            knownRooms.add(n);
        }
        publish();
    }

    /**
     * A {@code joined} reply. A room we were in before the connection dropped must catch up
     * from its last seen {@code seq}; a new room starts at the reply's {@code last_seq} (what
     * was said before we came is history, not news). When the server's {@code last_seq} is below
     * what we saw, the room's history is not the one we knew (a restarted server without
     * persistence): catch up from the start of the new one.
     */
    public synchronized JoinOutcome onJoined(Joined j) {
        RoomState r = rooms.get(j.room());
        boolean catchUp = false;
        boolean reset = false;
        if (r == null) {
            r = new RoomState(j.room(), j.lastSeq());
            rooms.put(j.room(), r);
        } else if (r.phase == RoomState.Phase.STALE) {
            if (j.lastSeq() < r.lastSeen) {
                r.lastSeen = 0;
                reset = true;
            }
            r.buffer.clear();
            r.overflowed = false;
            r.phase = RoomState.Phase.CATCHING_UP;
            catchUp = true;
        }
        r.members.clear();
        r.members.addAll(j.members());
        r.operators.clear();
        r.operators.addAll(j.operators());
        r.voiced.clear();
        r.voiced.addAll(j.voiced());
        r.topic = j.topic() == null ? "" : j.topic();
        if (current == null) {
            current = j.room();
        }
        publish();
        return new JoinOutcome(j.room(), catchUp, reset);
    }

    /** We left {@code room}; the current room moves to the first remaining one. */
    public synchronized void onParted(String room) {
        rooms.remove(room);
        if (room.equals(current)) {
            current = rooms.isEmpty() ? null : rooms.keySet().iterator().next();
        }
        publish();
    }

    /** The connection is gone: every room will be joined again and caught up. */
    public synchronized void onDisconnected() {
        connected = false;
        for (RoomState r : rooms.values()) {
            r.phase = RoomState.Phase.STALE;
            r.buffer.clear();
            r.overflowed = false;
        }
        publish();
    }

    /**
     * A live {@code message}. Returns it when it should be shown now (a direct message, or a
     * room message above the last seen seq in a live room), else nothing: a duplicate, a room we
     * are not in, or a message held until the catch-up is done.
     */
    public synchronized List<ChatMessage> onLive(ChatMessage m) {
        if (m.isDirect() || m.seq() == null) {
            return List.of(m);
        }
        RoomState r = rooms.get(m.room());
        if (r == null) {
            return List.of();
        }
        switch (r.phase) {
            case LIVE -> {
                if (m.seq() <= r.lastSeen) {
                    return List.of();
                }
                r.lastSeen = m.seq();
                return List.of(m);
            }
            case CATCHING_UP -> {
                if (m.seq() > r.lastSeen) {
                    if (r.buffer.size() < RoomState.MAX_BUFFERED) {
                        r.buffer.put(m.seq(), m);
                    } else {
                        r.overflowed = true;
                    }
                }
                return List.of();
            }
            default -> {
                return List.of(); // STALE: from a connection we no longer use
            }
        }
    }

    /** A page of {@code history after_seq}: returns the messages to show, in seq order. */
    public synchronized List<ChatMessage> onCatchUpPage(String room, List<ChatMessage> page) {
        RoomState r = rooms.get(room);
        if (r == null) {
            return List.of();
        }
        List<ChatMessage> show = new ArrayList<>();
        for (ChatMessage m : page) {
            if (m.seq() != null && m.seq() > r.lastSeen) {
                r.lastSeen = m.seq();
                show.add(m);
            }
        }
        return show;
    }

    /**
     * Ends the catch-up of {@code room}: the room goes live and the buffered live messages
     * above the last seen seq are returned to be shown, in seq order. Returns null (and stays
     * catching up) when the buffer overflowed: fetch another page first.
     */
    public synchronized List<ChatMessage> finishCatchUp(String room) {
        RoomState r = rooms.get(room);
        if (r == null || r.phase != RoomState.Phase.CATCHING_UP) {
            return List.of();
        }
        if (r.overflowed) {
            r.overflowed = false;
            r.buffer.headMap(r.lastSeen, true).clear();
            return null;
        }
        List<ChatMessage> show = new ArrayList<>();
        for (ChatMessage m : r.buffer.tailMap(r.lastSeen, false).values()) {
            show.add(m);
            r.lastSeen = m.seq();
        }
        r.buffer.clear();
        r.phase = RoomState.Phase.LIVE;
        return show;
    }

    /**
     * Keeps member lists (and our own nick) up to date from {@code member} events. A {@code kick}
     * of ourselves takes the room off our list, so that a reconnect does not join it again.
     */
    public synchronized void onMember(Member m) {
        if (Member.NICK.equals(m.event()) && m.old() != null && isMe(m.old())) {
            nick = m.nick();
        }
        RoomState r = rooms.get(m.room());
        if (r != null) {
            switch (m.event()) {
                case Member.JOIN -> r.members.add(m.nick());
                case Member.PART, Member.QUIT -> forget(r, m.nick());
                case Member.KICK -> {
                    if (isMe(m.nick())) {
                        onParted(m.room()); // not joined again after a reconnect
                        return;
                    }
                    forget(r, m.nick());
                }
                case Member.NICK -> {
                    if (m.old() != null) {
                        r.members.remove(m.old());
                        if (r.operators.remove(m.old())) {
                            r.operators.add(m.nick());
                        }
                        if (r.voiced.remove(m.old())) {
                            r.voiced.add(m.nick());
                        }
                    }
                    r.members.add(m.nick());
                }
                case Member.OP -> r.operators.add(m.nick());
                case Member.DEOP -> r.operators.remove(m.nick());
                case Member.VOICE -> r.voiced.add(m.nick());
                case Member.DEVOICE -> r.voiced.remove(m.nick());
                default -> {
                    // a newer server's event: nothing to track
                }
            }
        }
        publish();
    }

    private static void forget(RoomState r, String nick) {
        r.members.remove(nick);
        r.operators.remove(nick);
        r.voiced.remove(nick);
    }

    private void publish() {
        Set<String> nicks = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (RoomState r : rooms.values()) {
            nicks.addAll(r.members);
        }
        Set<String> known = new TreeSet<>(knownRooms);
        known.addAll(rooms.keySet());
        view = new View(nick, current, List.copyOf(rooms.keySet()), Set.copyOf(nicks), Set.copyOf(known), connected);
    }
}
