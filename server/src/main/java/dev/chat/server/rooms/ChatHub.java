package dev.chat.server.rooms;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.ListRooms;
import dev.chat.protocol.ClientMessage.Nick;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The chat's state and rules: nicks, rooms, membership, sequence numbers, history. Single
 * threaded by design: the {@link HubVerticle} calls it from its one context, so nothing here
 * needs a lock. It never touches sockets: replies are returned, fan-out goes to the
 * {@link Outbox} as one encoded frame per event loop.
 */
public final class ChatHub {

    /** Where the hub sends fan-out: one {@link Delivery} per event loop with members. */
    @FunctionalInterface
    public interface Outbox {
        void send(int loop, Delivery delivery);

        /**
         * Sends one encoded frame to recipients grouped by event loop ({@code byLoop[loop]}), one
         * delivery per loop that has any, leaving out {@code except} (may be null).
         */
        default void fanOut(byte[] frame, Recipient[][] byLoop, Recipient except, boolean message) {
            for (int loop = 0; loop < byLoop.length; loop++) {
                Recipient[] to = byLoop[loop];
                if (except != null && except.loop() == loop) {
                    List<Recipient> rest = new ArrayList<>(to.length);
                    for (Recipient r : to) {
                        if (r != except) {
                            rest.add(r);
                        }
                    }
                    to = rest.toArray(new Recipient[0]);
                }
                if (to.length > 0) {
                    send(loop, new Delivery(frame, to, message));
                }
            }
        }
    }

    /** A registered session. */
    static final class Participant {
        final Recipient recipient;
        String nick;
        /**
         * The rooms joined, in join order. A list, not a set: most sessions are in one or a few
         * rooms (at most {@code --max-rooms-per-session}), and a set costs ~150 bytes per session.
         */
        final List<String> rooms = new ArrayList<>(2);

        Participant(Recipient recipient, String nick) {
            this.recipient = recipient;
            this.nick = nick;
        }
    }

    private final ServerConfig config;
    private final String nodeId;
    private final HistoryStore history;
    private final Outbox outbox;
    private final LongSupplier clock;
    private final int loops;
    private final Map<String, Participant> byNick = new HashMap<>();
    /**
     * Keyed by the session's handle itself (one object per session, compared by identity): an
     * identity map stores no boxed id and no entry object per session.
     */
    private final Map<Recipient, Participant> bySession = new IdentityHashMap<>();
    /** Access-ordered, so that the least recently used empty room is the one dropped. */
    private final LinkedHashMap<String, Room> rooms = new LinkedHashMap<>(64, 0.75f, true);

    public ChatHub(ServerConfig config, String nodeId, HistoryStore history, Outbox outbox, LongSupplier clock) {
        this.config = config;
        this.nodeId = nodeId;
        this.history = history;
        this.outbox = outbox;
        this.clock = clock;
        this.loops = config.tcpInstances();
    }

    /** Handles one request; returns the direct reply ({@code ok} even without id: the loop drops it). */
    public ServerMessage handle(Recipient from, ClientMessage m) {
        if (m instanceof Hello h) {
            return hello(from, h);
        }
        Participant me = bySession.get(from);
        if (me == null) {
            return error(m, ErrorCode.NOT_REGISTERED, "send hello first");
        }
        if (m instanceof Say s) {
            return say(me, s);
        } else if (m instanceof Join j) {
            return join(me, j);
        } else if (m instanceof Part p) {
            return part(me, p);
        } else if (m instanceof Dm d) {
            return dm(me, d);
        } else if (m instanceof Nick n) {
            return nick(me, n);
        } else if (m instanceof Who w) {
            Room room = rooms.get(w.room());
            return new ServerMessage.WhoReply(w.id(), w.room(), room == null ? List.of() : room.nicks());
        } else if (m instanceof ListRooms l) {
            return listRooms(l);
        } else if (m instanceof History h) {
            List<ChatMessage> found = h.afterSeq() == null
                    ? history.latest(h.room(), h.limit())
                    : history.after(h.room(), h.afterSeq(), h.limit());
            return new ServerMessage.HistoryReply(h.id(), h.room(), found);
        }
        throw new IllegalArgumentException("the hub does not handle " + m.type());
    }

    /** A registered session went away: it leaves its rooms (members see {@code quit}) and frees its nick. */
    public void disconnected(Recipient who) {
        Participant me = bySession.remove(who);
        if (me == null) {
            return;
        }
        byNick.remove(Names.nickKey(me.nick));
        for (String name : me.rooms) {
            Room room = rooms.get(name);
            room.remove(me);
            fanout(room, new Member(name, me.nick, Member.QUIT, null), null);
        }
        me.rooms.clear();
    }

    /** Number of registered sessions. */
    public int sessions() {
        return bySession.size();
    }

    /** Number of rooms with at least one member. */
    public int activeRooms() {
        int n = 0;
        for (Room r : rooms.values()) {
            if (!r.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private ServerMessage hello(Recipient from, Hello h) {
        if (bySession.containsKey(from)) {
            return error(h, ErrorCode.ALREADY_REGISTERED, "this connection already said hello");
        }
        String key = Names.nickKey(h.nick());
        if (byNick.containsKey(key)) {
            return error(h, ErrorCode.NICK_TAKEN, "nick '" + h.nick() + "' is taken");
        }
        Participant me = new Participant(from, h.nick());
        byNick.put(key, me);
        bySession.put(from, me);
        return new ServerMessage.Welcome(h.id(), h.nick(), config.name(), nodeId, Frames.PROTOCOL_VERSION,
                config.heartbeat().toMillis(), config.maxFrame());
    }

    private ServerMessage say(Participant me, Say s) {
        Room room = rooms.get(s.room());
        if (room == null || !room.contains(me)) {
            return error(s, ErrorCode.NOT_IN_ROOM, "join '" + s.room() + "' before saying something there");
        }
        ChatMessage msg = ChatMessage.inRoom(room.name, me.nick, s.text(), clock.getAsLong(), ++room.lastSeq);
        history.append(room.name, msg);
        fanout(room, MessageCodec.encodeFrame(msg), null, true);
        return new ServerMessage.Ok(s.id());
    }

    private ServerMessage join(Participant me, Join j) {
        Room room = rooms.get(j.room());
        if (room != null && room.contains(me)) {
            return joined(j, room);
        }
        if (me.rooms.size() >= config.maxRoomsPerSession()) {
            return error(j, ErrorCode.TOO_MANY_ROOMS, "already in " + me.rooms.size() + " rooms, the limit");
        }
        if (room == null) {
            if (rooms.size() >= config.maxRooms() && !dropIdleRoom()) {
                return error(j, ErrorCode.UNAVAILABLE, "the server holds as many rooms as it may");
            }
            room = new Room(j.room());
            rooms.put(room.name, room);
        } else if (room.size() >= config.maxRoomMembers()) {
            return error(j, ErrorCode.ROOM_FULL, "room '" + room.name + "' is full");
        }
        fanout(room, new Member(room.name, me.nick, Member.JOIN, null), null);
        room.add(me);
        me.rooms.add(room.name);
        return joined(j, room);
    }

    private static ServerMessage joined(Join j, Room room) {
        return new ServerMessage.Joined(j.id(), room.name, room.nicks(), room.lastSeq);
    }

    private ServerMessage part(Participant me, Part p) {
        Room room = rooms.get(p.room());
        if (room == null || !room.contains(me)) {
            return error(p, ErrorCode.NOT_IN_ROOM, "not in room '" + p.room() + "'");
        }
        room.remove(me);
        me.rooms.remove(room.name);
        fanout(room, new Member(room.name, me.nick, Member.PART, null), null);
        return new ServerMessage.Parted(p.id(), room.name);
    }

    private ServerMessage dm(Participant me, Dm d) {
        Participant to = byNick.get(Names.nickKey(d.to()));
        if (to == null) {
            return error(d, ErrorCode.NO_SUCH_USER, "nobody is called '" + d.to() + "'");
        }
        byte[] frame = MessageCodec.encodeFrame(ChatMessage.direct(to.nick, me.nick, d.text(), clock.getAsLong()));
        outbox.send(to.recipient.loop(), new Delivery(frame, new Recipient[] {to.recipient}, true));
        return new ServerMessage.Ok(d.id());
    }

    private ServerMessage nick(Participant me, Nick n) {
        String newKey = Names.nickKey(n.nick());
        Participant holder = byNick.get(newKey);
        if (holder != null && holder != me) {
            return error(n, ErrorCode.NICK_TAKEN, "nick '" + n.nick() + "' is taken");
        }
        String old = me.nick;
        byNick.remove(Names.nickKey(old));
        byNick.put(newKey, me);
        me.nick = n.nick();
        for (String name : me.rooms) {
            fanout(rooms.get(name), new Member(name, me.nick, Member.NICK, old), me.recipient);
        }
        return new ServerMessage.Ok(n.id());
    }

    private ServerMessage listRooms(ListRooms l) {
        List<ServerMessage.RoomInfo> out = new ArrayList<>();
        for (Room r : rooms.values()) {
            if (!r.isEmpty()) {
                out.add(new ServerMessage.RoomInfo(r.name, r.size()));
            }
        }
        out.sort((a, b) -> a.room().compareTo(b.room()));
        return new ServerMessage.RoomList(l.id(), out);
    }

    private boolean dropIdleRoom() {
        // iteration order is least recently used first
        for (Iterator<Room> it = rooms.values().iterator(); it.hasNext(); ) {
            Room r = it.next();
            if (r.isEmpty()) {
                it.remove();
                history.drop(r.name);
                return true;
            }
        }
        return false;
    }

    private void fanout(Room room, ServerMessage event, Recipient except) {
        fanout(room, MessageCodec.encodeFrame(event), except, false);
    }

    /** Sends one encoded frame to every member of the room: one delivery per event loop. */
    private void fanout(Room room, byte[] frame, Recipient except, boolean message) {
        outbox.fanOut(frame, room.recipientsByLoop(loops), except, message);
    }

    private static ServerMessage.Error error(ClientMessage m, String code, String message) {
        return new ServerMessage.Error(m.id(), code, message);
    }
}
