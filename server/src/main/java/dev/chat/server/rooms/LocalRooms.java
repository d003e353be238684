package dev.chat.server.rooms;

import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.HubBackend;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Participant;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Refusal;
import dev.chat.server.core.RoomView;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The single-node backend: rooms, membership, sequence numbers and history in this process.
 * Every session is local, so {@link dev.chat.server.core.Hub}'s own nick registry is the whole
 * truth and claiming a nick here always succeeds. Rooms are kept in least-recently-used order: a
 * join that would create a room beyond {@code --max-rooms} drops the least recently used empty
 * room (and its history) first, or is refused when every room has members. Hub context only;
 * every future is already complete when returned.
 */
public final class LocalRooms implements HubBackend {
    private final ServerConfig config;
    private final HistoryStore history;
    private final Outbox outbox;
    private final LongSupplier clock;
    private final int lanes;
    /** Access-ordered, so that the least recently used empty room is the one dropped. */
    private final LinkedHashMap<String, Room> rooms = new LinkedHashMap<>(64, 0.75f, true);

    public LocalRooms(ServerConfig config, Lanes lanes, HistoryStore history, Outbox outbox, LongSupplier clock) {
        this.config = config;
        this.lanes = lanes.count();
        this.history = history;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public Future<Boolean> claimNick(Recipient who, String key, long deadline) {
        return Future.succeededFuture(true);
    }

    @Override
    public void releaseNick(Recipient who, String key) {
    }

    @Override
    public void registered(Participant p) {
    }

    @Override
    public Future<RoomView> join(Participant me, String name, long deadline) {
        Room room = rooms.get(name);
        if (room != null && room.contains(me)) {
            return Future.succeededFuture(view(room));
        }
        if (room == null) {
            if (rooms.size() >= config.maxRooms() && !dropIdleRoom()) {
                return Future.failedFuture(Refusal.ROOMS_EXHAUSTED.refused());
            }
            room = new Room(name);
            rooms.put(name, room);
        } else if (room.size() >= config.maxRoomMembers()) {
            return Future.failedFuture(Refusal.ROOM_FULL.refused(name));
        }
        fanout(room, new Member(name, me.nick(), Member.JOIN, null), null);
        room.add(me);
        return Future.succeededFuture(view(room));
    }

    private static RoomView view(Room room) {
        return new RoomView(room.nicks(), room.lastSeq);
    }

    @Override
    public Future<Void> part(Participant me, String name, long deadline) {
        Room room = rooms.get(name);
        if (room == null || !room.contains(me)) {
            return Future.failedFuture(Refusal.NOT_IN_ROOM.refused(name));
        }
        room.remove(me);
        fanout(room, new Member(name, me.nick(), Member.PART, null), null);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> say(Participant me, String name, String text, long deadline) {
        Room room = rooms.get(name);
        if (room == null || !room.contains(me)) {
            return Future.failedFuture(Refusal.NOT_IN_ROOM_TO_SAY.refused(name));
        }
        ChatMessage msg = ChatMessage.inRoom(name, me.nick(), text, clock.getAsLong(), ++room.lastSeq);
        history.append(name, msg);
        outbox.fanOut(msg, MessageCodec.encodeFrame(msg), room.recipientsByLane(lanes), null, true);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> dmElsewhere(Participant me, String toKey, String toNick, String text, long deadline) {
        return Future.failedFuture(Refusal.NO_SUCH_USER.refused(toNick)); // every session is local
    }

    @Override
    public void renamed(Participant me, String oldNick) {
        for (String name : me.rooms()) {
            Room room = rooms.get(name);
            if (room != null) {
                fanout(room, new Member(name, me.nick(), Member.NICK, oldNick), me.who());
            }
        }
    }

    @Override
    public List<String> who(String name) {
        Room room = rooms.get(name);
        return room == null ? List.of() : room.nicks();
    }

    @Override
    public List<ServerMessage.RoomInfo> rooms() {
        List<ServerMessage.RoomInfo> out = new ArrayList<>();
        for (Room r : rooms.values()) {
            if (!r.isEmpty()) {
                out.add(new ServerMessage.RoomInfo(r.name, r.size()));
            }
        }
        return out;
    }

    @Override
    public Future<List<ChatMessage>> history(String name, Long afterSeq, int limit) {
        return Future.succeededFuture(afterSeq == null ? history.latest(name, limit) : history.after(name, afterSeq, limit));
    }

    @Override
    public Future<Void> leave(Participant me) {
        for (String name : me.rooms()) {
            Room room = rooms.get(name);
            if (room != null && room.contains(me)) {
                room.remove(me);
                fanout(room, new Member(name, me.nick(), Member.QUIT, null), null);
            }
        }
        return Future.succeededFuture();
    }

    /** Drops the least recently used room without members, with its history; false if there is none. */
    private boolean dropIdleRoom() {
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
        outbox.fanOut(event, MessageCodec.encodeFrame(event), room.recipientsByLane(lanes), except, false);
    }
}
