package dev.chat.server.rooms;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.Deadlines;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Moderation;
import dev.chat.server.core.Refused;
import dev.chat.server.core.HubBackend;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Participant;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Refusal;
import dev.chat.server.core.RoomView;
import dev.chat.server.store.BoundedHistory;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The single-node backend: rooms, membership and numbering in this process; every room message in
 * the node's {@link MessageStore}, the latest of them also in a cache bounded in bytes
 * ({@code --history-memory}). Every session is local, so {@link dev.chat.server.core.Hub}'s own
 * nick registry is the whole truth and claiming a nick here always succeeds. Hub context only.
 *
 * <ul>
 *   <li><b>Numbering continues.</b> A room comes into memory (its first join since the start, or
 *       since it was dropped) with the highest {@code seq} the store ever stored for it, so its
 *       next message is one more, across restarts.
 *   <li><b>A message is delivered once stored.</b> {@code say} numbers the message and hands it
 *       to the store; only when the store has committed it (as far as {@code --durability} says)
 *       and every earlier message of the room is settled does it go to the room's members (as
 *       they are then) and the sender get {@code ok}. So no client ever sees a message that could
 *       vanish, and members see a room's messages in {@code seq} order. If the store fails it, the
 *       sender gets {@code unavailable}, nobody sees it, and its {@code seq} stays unused (a gap);
 *       the hub goes on serving meanwhile. A commit not confirmed by the request's deadline is
 *       answered {@code unavailable} ({@link Refusal#STORE_SLOW}); should it commit later, it is
 *       delivered then, like any stored message.
 *   <li><b>{@code joined.last_seq}</b> is the last delivered {@code seq}: everything up to it is in
 *       the history, everything after arrives live.
 *   <li><b>History</b> comes from the cache when it holds the whole answer, else from the store.
 *   <li><b>Rooms in memory</b> are kept in least-recently-used order: a join that would bring a
 *       room in beyond {@code --max-rooms} drops the least recently used room without members and
 *       without messages waiting for the store (its history and numbering stay in the store), or
 *       is refused when there is none.
 *   <li><b>Moderation</b> ({@link Moderation}: topic, operators, voice, bans, modes) comes into
 *       memory with the room from its row in the store, and every change is saved there (after
 *       the messages handed to the store before it, since the store keeps its writes' order). Its
 *       events wait in the room's queue like a message: they reach the members after every
 *       message numbered before them, and the requester's {@code ok} once the row is committed.
 *       A kicked member still gets what was numbered before its kick.
 * </ul>
 */
public final class LocalRooms implements HubBackend {
    private final ServerConfig config;
    private final MessageStore store;
    /** The latest messages of the rooms, for history without the store; null with the memory store (it is memory). */
    private final BoundedHistory cache;
    private final Outbox outbox;
    private final LongSupplier clock;
    private final int lanes;
    /** Access-ordered, so that the least recently used empty room is the one dropped. */
    private final LinkedHashMap<String, Room> rooms = new LinkedHashMap<>(64, 0.75f, true);
    /** Rooms whose numbering is being read from the store, and the joins waiting for it. */
    private final Map<String, Future<Room>> loading = new HashMap<>();
    /** Every message not yet settled and answered, oldest first: what {@link #expire} looks at. */
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    /**
     * @param store where the rooms' messages and numbering are kept
     * @param cacheBytes bytes of the latest messages to keep in memory for history; 0: none (the
     *     memory store, which keeps them in memory itself)
     */
    public LocalRooms(ServerConfig config, Lanes lanes, MessageStore store, long cacheBytes, Outbox outbox,
                      LongSupplier clock) {
        this.config = config;
        this.lanes = lanes.count();
        this.store = store;
        this.cache = cacheBytes > 0 ? new BoundedHistory(config.historyLimit(), cacheBytes) : null;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Bytes of history this backend holds in memory (its cache; the memory store counts its own). Any thread. */
    public long cachedBytes() {
        return cache == null ? 0 : cache.bytes();
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

    // ---- rooms and members ----

    @Override
    public Future<RoomView> join(Participant me, String name, long deadline) {
        Room room = rooms.get(name);
        if (room != null) {
            return enter(me, room, deadline);
        }
        Future<Room> loaded = loading.get(name);
        if (loaded == null) {
            loaded = load(name);
        }
        return loaded.compose(r -> {
            if (Deadlines.passed(deadline, System.nanoTime())) {
                return Future.failedFuture(Refusal.EXPIRED.refused()); // the client was told "not applied"
            }
            return enter(me, r, deadline);
        });
    }

    /** Brings a room into memory with its numbering and moderation from the store. */
    private Future<Room> load(String name) {
        if (rooms.size() + loading.size() >= config.maxRooms() && !dropIdleRoom()) {
            return Future.failedFuture(Refusal.ROOMS_EXHAUSTED.refused());
        }
        Promise<Room> done = Promise.promise();
        loading.put(name, done.future());
        Future<java.util.Optional<dev.chat.server.store.RoomInfo>> info;
        try {
            info = store.room(name);
        } catch (RuntimeException e) {
            info = Future.failedFuture(e);
        }
        info.onComplete(ar -> {
            loading.remove(name);
            if (ar.failed()) {
                done.fail(StoreRefusals.unreadable(ar.cause()));
                return;
            }
            Room r = ar.result().map(i -> new Room(name, i.lastSeq(), Moderation.load(name, i.topic(), i.attrs())))
                    .orElseGet(() -> new Room(name, 0));
            rooms.put(name, r);
            if (cache != null) {
                cache.open(name, r.lastSeq);
            }
            done.complete(r);
        });
        return done.future();
    }

    private Future<RoomView> enter(Participant me, Room room, long deadline) {
        if (room.contains(me)) {
            return Future.succeededFuture(view(room));
        }
        if (room.size() >= config.maxRoomMembers()) {
            return Future.failedFuture(Refusal.ROOM_FULL.refused(room.name));
        }
        Refused refused = room.rules.joinRefusal(me);
        if (refused != null) {
            return Future.failedFuture(refused);
        }
        Member role = room.rules.roleOnJoin(me);
        fanout(room, new Member(room.name, me.nick(), Member.JOIN, null), null);
        if (role != null) {
            fanout(room, role, null); // an operator back: the others see its role (its own joined says it)
        }
        room.add(me);
        if (room.rules.joined(me)) {
            persist(room, new Moderation.Change(null, List.of(), null, true), deadline); // a room now, with its operator if any
        }
        return Future.succeededFuture(view(room));
    }

    private static RoomView view(Room room) {
        return new RoomView(room.nicks(), room.shownSeq, room.rules.topicOrNull(),
                room.rules.operatorNicks(room.members()), room.rules.voicedNicks(room.members()));
    }

    @Override
    public RoomView view(String name) {
        Room room = rooms.get(name);
        return room == null ? new RoomView(List.of(), 0) : view(room);
    }

    @Override
    public boolean secret(String name) {
        Room room = rooms.get(name);
        return room != null && room.rules.secret();
    }

    // ---- moderation ----

    @Override
    public Future<ServerMessage> moderate(Participant me, ClientMessage request, long deadline) {
        String name = Moderation.roomOf(request);
        Room room = rooms.get(name);
        if (room == null) {
            return Future.failedFuture(Refusal.NOT_IN_ROOM.refused(name)); // no members: nothing to see or do
        }
        Moderation.Change c = room.rules.apply(me, request, room.members(), clock.getAsLong());
        if (c.kicked() instanceof Participant kicked) {
            room.remove(kicked);
            kicked.kickedFrom(name);
            if (room.hasWaiting()) {
                if (room.kickedWaiting == null) {
                    room.kickedWaiting = new ArrayList<>(1);
                }
                room.kickedWaiting.add(kicked);
            }
        }
        return persist(room, c, deadline);
    }

    /**
     * Stores the room's moderation (if the change says so) after everything the store was given
     * before, then delivers the change's events in the room's order (after the messages numbered
     * before it) and completes with its reply.
     */
    private Future<ServerMessage> persist(Room room, Moderation.Change c, long deadline) {
        if (!c.store() && c.events().isEmpty()) {
            return Future.succeededFuture(c.reply());
        }
        Pending p = new Pending(room, c.events(), (Participant) c.kicked(), deadline);
        room.waiting(p);
        inFlight.addLast(p);
        Future<Void> stored;
        try {
            stored = c.store() ? store.saveRoom(room.name, room.rules.storedTopic(), room.rules.attrs())
                    : Future.succeededFuture();
        } catch (RuntimeException e) {
            stored = Future.failedFuture(e);
        }
        stored.onComplete(ar -> {
            p.settle(ar.failed() ? ar.cause() : null);
            release(p.room);
        });
        return p.answer.future().map(v -> c.reply());
    }

    @Override
    public Future<Void> part(Participant me, String name, long deadline) {
        return part(me, name, null, deadline);
    }

    @Override
    public Future<Void> part(Participant me, String name, String reason, long deadline) {
        Room room = rooms.get(name);
        if (room == null || !room.contains(me)) {
            return Future.failedFuture(Refusal.NOT_IN_ROOM.refused(name));
        }
        room.remove(me);
        room.rules.left(me);
        fanout(room, new Member(name, me.nick(), Member.PART, null, reason), null);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> leave(Participant me) {
        return leave(me, null);
    }

    @Override
    public Future<Void> leave(Participant me, String reason) {
        for (String name : me.rooms()) {
            Room room = rooms.get(name);
            if (room != null && room.contains(me)) {
                room.remove(me);
                room.rules.left(me);
                fanout(room, new Member(name, me.nick(), Member.QUIT, null, reason), null);
            }
        }
        return Future.succeededFuture();
    }

    @Override
    public void renamed(Participant me, String oldNick) {
        for (String name : me.rooms()) {
            Room room = rooms.get(name);
            if (room != null) {
                room.rules.renamed(oldNick);
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
    public List<dev.chat.server.core.NetworkView.Room> roomsWithOwners() {
        List<dev.chat.server.core.NetworkView.Room> out = new ArrayList<>();
        for (Room r : rooms.values()) {
            if (!r.isEmpty()) {
                out.add(new dev.chat.server.core.NetworkView.Room(r.name, r.size(), r.lastSeq, null));
            }
        }
        return out;
    }

    /**
     * Drops the least recently used room without members and without messages waiting for the
     * store from memory (its history and numbering stay in the store); false if there is none.
     */
    private boolean dropIdleRoom() {
        for (Iterator<Room> it = rooms.values().iterator(); it.hasNext(); ) {
            Room r = it.next();
            if (r.isEmpty() && !r.hasWaiting()) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    // ---- messages ----

    @Override
    public Future<Void> say(Participant me, String name, String text, long deadline) {
        return say(me, name, text, false, deadline);
    }

    @Override
    public Future<Void> say(Participant me, String name, String text, boolean action, long deadline) {
        Room room = rooms.get(name);
        if (room == null || !room.contains(me)) {
            return Future.failedFuture(Refusal.NOT_IN_ROOM_TO_SAY.refused(name));
        }
        Refused muted = room.rules.sayRefusal(me);
        if (muted != null) {
            return Future.failedFuture(muted);
        }
        ChatMessage msg = ChatMessage.inRoom(name, me.nick(), text, action, clock.getAsLong(), ++room.lastSeq);
        Pending p = new Pending(room, msg, deadline);
        room.waiting(p);
        inFlight.addLast(p);
        Future<Void> stored;
        try {
            stored = store.append(p.stored);
        } catch (RuntimeException e) {
            stored = Future.failedFuture(e);
        }
        stored.onComplete(ar -> {
            p.settle(ar.failed() ? ar.cause() : null);
            release(p.room);
        });
        return p.answer.future();
    }

    /**
     * Delivers (or refuses) the room's settled messages from the oldest waiting one on, stopping at
     * the first the store has not settled yet: members get a room's messages in {@code seq} order.
     */
    private void release(Room room) {
        Pending p;
        while ((p = room.firstWaiting()) != null && p.settled()) {
            room.dropFirstWaiting();
            p.released();
            if (p.message == null) {
                changed(room, p);
            } else if (p.failure() == null) {
                room.shownSeq = p.message.seq();
                if (cache != null) {
                    cache.add(p.stored);
                }
                byte[] frame = MessageCodec.encodeFrame(p.message);
                outbox.fanOut(p.message, frame, room.recipientsByLane(lanes), null, true);
                if (room.kickedWaiting != null) {
                    for (Participant k : room.kickedWaiting) {
                        if (!room.contains(k)) { // not back in the room already
                            outbox.send(k.who().lane(), new Delivery(p.message, frame, new Recipient[] {k.who()}, true));
                        }
                    }
                }
                p.answer.tryComplete();
            } else {
                p.answer.tryFail(StoreRefusals.notStored(p.failure()));
            }
        }
        while ((p = inFlight.peekFirst()) != null && p.isReleased()) {
            inFlight.pollFirst();
        }
    }

    /**
     * Delivers a moderation change's events to the members (and to the member it kicked), then
     * answers it. Its state is in effect on this node even when the store failed to keep it; its
     * requester is then told so ({@link Refusal#ROOM_NOT_SAVED}).
     */
    private void changed(Room room, Pending p) {
        List<Participant> alsoTo = new ArrayList<>(1); // kicked members this change comes before (or is)
        if (room.kickedWaiting != null) {
            for (Participant k : room.kickedWaiting) {
                if (!room.contains(k)) {
                    alsoTo.add(k);
                }
            }
        }
        if (p.kicked != null && !alsoTo.contains(p.kicked) && !room.contains(p.kicked)) {
            alsoTo.add(p.kicked);
        }
        for (ServerMessage e : p.events) {
            byte[] frame = MessageCodec.encodeFrame(e);
            outbox.fanOut(e, frame, room.recipientsByLane(lanes), null, false);
            for (Participant k : alsoTo) {
                outbox.send(k.who().lane(), new Delivery(e, frame, new Recipient[] {k.who()}, false));
            }
        }
        if (p.kicked != null && room.kickedWaiting != null) {
            room.kickedWaiting.remove(p.kicked);
            if (room.kickedWaiting.isEmpty()) {
                room.kickedWaiting = null;
            }
        }
        if (p.failure() == null) {
            p.answer.tryComplete();
        } else {
            p.answer.tryFail(StoreRefusals.notSaved(p.failure()));
        }
    }

    /**
     * Answers {@code unavailable} to each {@code say} whose deadline passed while its message waits
     * for the store (the store's outcome is then unknown to the sender: it may still be stored and
     * delivered). Called periodically by the hub verticle.
     */
    public void expire(long nowNanos) {
        Pending p;
        while ((p = inFlight.peekFirst()) != null) {
            if (!p.isReleased()) {
                if (!Deadlines.passed(p.deadline, nowNanos)) {
                    return;
                }
                p.answer.tryFail(Refusal.STORE_SLOW.refused());
            }
            inFlight.pollFirst();
        }
    }

    @Override
    public Future<Void> dmElsewhere(Participant me, String toKey, String toNick, String text, long deadline) {
        return Future.failedFuture(Refusal.NO_SUCH_USER.refused(toNick)); // every session is local
    }

    @Override
    public Future<List<ChatMessage>> history(String name, Long afterSeq, int limit) {
        if (cache != null) {
            if (config.historyMaxAge().toMillis() > 0) {
                cache.dropOlderThan(name, clock.getAsLong() - config.historyMaxAge().toMillis());
            }
            if (afterSeq == null ? cache.coversLatest(name, limit) : cache.coversAfter(name, afterSeq)) {
                return Future.succeededFuture(chat(afterSeq == null ? cache.latest(name, limit)
                        : cache.after(name, afterSeq, limit)));
            }
        }
        Future<List<StoredMessage>> read;
        try {
            read = afterSeq == null ? store.latest(name, limit) : store.after(name, afterSeq, limit);
        } catch (RuntimeException e) {
            read = Future.failedFuture(e);
        }
        return read.transform(ar -> ar.succeeded() ? Future.succeededFuture(chat(ar.result()))
                : Future.failedFuture(StoreRefusals.unreadable(ar.cause())));
    }

    private static List<ChatMessage> chat(List<StoredMessage> stored) {
        List<ChatMessage> out = new ArrayList<>(stored.size());
        for (StoredMessage m : stored) {
            out.add(m.toChatMessage());
        }
        return out;
    }

    private void fanout(Room room, ServerMessage event, Recipient except) {
        outbox.fanOut(event, MessageCodec.encodeFrame(event), room.recipientsByLane(lanes), except, false);
    }
}
