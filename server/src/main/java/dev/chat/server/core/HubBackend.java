package dev.chat.server.core;

import dev.chat.protocol.ServerMessage;
import java.util.List;

/**
 * The chat's shared state, behind one contract with two implementations: a single node
 * ({@code rooms.LocalRooms}: everything in this process) and a cluster
 * ({@code cluster.ClusterRooms}: nicks in a cluster-wide directory, each room sequenced by its
 * owner node and copied to every node). The rules that do not depend on where the state lives
 * (registration, the per-session limits, ordering, deadlines, error texts) are in {@link Hub},
 * which calls this; so both behave the same by construction.
 *
 * <p>Called on the hub's context only. An operation that fails for a reason the client should
 * hear fails its future with {@link Refused} (made by {@link Refusal#refused}); any other failure
 * is a defect, answered {@code internal}. Each operation given a {@code deadline} (a
 * {@link System#nanoTime()} instant, see {@link Deadlines}) must complete by it, and must not
 * apply the request once it has passed.
 */
public interface HubBackend {

    /**
     * Claims a nick ({@code key} = {@code Names.nickKey(nick)}) for a session that registers or
     * renames itself: true if it is the session's now, false if someone else holds it. {@link Hub}
     * has already refused nicks held or being claimed by sessions of this node. Refusal:
     * {@link Refusal#NICKS_UNAVAILABLE}.
     */
    io.vertx.core.Future<Boolean> claimNick(Recipient who, String key, long deadline);

    /** Frees a nick the session held (after a rename). */
    void releaseNick(Recipient who, String key);

    /** A session registered under the nick it claimed. */
    void registered(Participant p);

    /**
     * Adds the session to the room (creating the room if need be; members get a {@code join}
     * event); a member already gets the room as it is. {@link Hub} has checked the per-session
     * room limit. Refusals: {@link Refusal#ROOM_FULL}, {@link Refusal#ROOMS_EXHAUSTED}, unavailable ones.
     */
    io.vertx.core.Future<RoomView> join(Participant me, String room, long deadline);

    /** Removes a member from a room (members get a {@code part} event). */
    io.vertx.core.Future<Void> part(Participant me, String room, long deadline);

    /**
     * Removes a member from a room; the members' {@code part} event carries the member's
     * {@code reason} (null: none). A backend that does not carry reasons inherits this default,
     * which drops it.
     */
    default io.vertx.core.Future<Void> part(Participant me, String room, String reason, long deadline) {
        return part(me, room, deadline);
    }

    /**
     * Numbers the message, stores it in the room's history and fans it out to every member; completes
     * once it is stored (what {@code ok} promises). {@link Hub} has checked the session is a member.
     */
    io.vertx.core.Future<Void> say(Participant me, String room, String text, long deadline);

    /**
     * As {@link #say(Participant, String, String, long)}, for an action ({@code /me waves}) when
     * {@code action}: the flag is stored with the message and delivered in its {@code message}. A
     * backend that does not carry actions inherits this default, which drops the flag.
     */
    default io.vertx.core.Future<Void> say(Participant me, String room, String text, boolean action, long deadline) {
        return say(me, room, text, deadline);
    }

    /**
     * A direct message to a nick that no session of this node holds.
     * Refusal: {@link Refusal#NO_SUCH_USER}, unavailable ones.
     */
    io.vertx.core.Future<Void> dmElsewhere(Participant me, String toKey, String toNick, String text, long deadline);

    /** As {@link #dmElsewhere(Participant, String, String, String, long)} with the {@code action} flag (default: dropped). */
    default io.vertx.core.Future<Void> dmElsewhere(Participant me, String toKey, String toNick, String text,
                                                   boolean action, long deadline) {
        return dmElsewhere(me, toKey, toNick, text, deadline);
    }

    /** The session's nick changed (to {@link Participant#nick()}): its rooms' members get a {@code nick} event. */
    void renamed(Participant me, String oldNick);

    /**
     * The session logged in to an account, or out of it ({@link Participant#account()} is the new
     * one): room rules that keep members' accounts learn it; completes (never fails) once they
     * did or could not, so that the answer to the login comes after. A backend that reads
     * {@link Participant#account()} when it needs it inherits this default, which does nothing.
     */
    default io.vertx.core.Future<Void> accountChanged(Participant me) {
        return io.vertx.core.Future.succeededFuture();
    }

    /** A room's members' nicks in join order (empty if there is no such room). */
    List<String> who(String room);

    /** Every room with at least one member, in any order. */
    List<ServerMessage.RoomInfo> rooms();

    /**
     * As {@link #rooms()}, with each room's {@code last_seq} and owner node (null: this node), for
     * {@code GET /api/network}. A backend that does not know them inherits this default: 0, this node.
     */
    default List<NetworkView.Room> roomsWithOwners() {
        List<NetworkView.Room> out = new java.util.ArrayList<>();
        for (ServerMessage.RoomInfo r : rooms()) {
            out.add(new NetworkView.Room(r.room(), r.members(), 0, null));
        }
        return out;
    }

    /**
     * The node whose session holds the nick {@code key}, when no session of this node does (IRC's
     * {@code WHOIS}): null if nobody does. A backend without other nodes inherits this default.
     */
    default io.vertx.core.Future<String> nickNode(String key) {
        return io.vertx.core.Future.succeededFuture(null);
    }

    /** The other live nodes of the cluster, by id (none without a cluster). */
    default List<String> otherNodes() {
        return List.of();
    }

    /** Stored messages of a room, oldest first: the latest {@code limit}, or the first {@code limit} after {@code afterSeq}. */
    io.vertx.core.Future<List<ServerMessage.ChatMessage>> history(String room, Long afterSeq, int limit);

    /**
     * The session is gone: it quits its rooms (members get {@code quit}) and its nick is freed;
     * the future completes once the nick is free.
     */
    io.vertx.core.Future<Void> leave(Participant me);

    /**
     * As {@link #leave(Participant)}; the members' {@code quit} events carry the {@code reason}
     * of the session's {@code quit} (null: none, as after a dropped connection). A backend that
     * does not carry reasons inherits this default, which drops it.
     */
    default io.vertx.core.Future<Void> leave(Participant me, String reason) {
        return leave(me);
    }

    /**
     * Whether the room is secret: left out of {@code rooms} and closed to {@code who} for those who
     * are not in it. A backend without room moderation inherits this default: none is.
     */
    default boolean secret(String room) {
        return false;
    }

    /**
     * The room for {@code who}: its members, and which are operators and voiced. A backend without
     * room moderation inherits this default: {@link #who} only.
     */
    default RoomView view(String room) {
        return new RoomView(who(room), 0);
    }

    /**
     * Tells {@code event} to the session holding the nick {@code key} when it is connected to
     * another node (best effort: {@code invite} does not wait for it). A backend without other
     * nodes inherits this default, which does nothing.
     */
    default void invitedElsewhere(String key, ServerMessage.Invited event) {
    }

    /**
     * A room moderation request ({@link Moderation#handles}: {@code topic}, {@code op}, {@code kick},
     * {@code ban}, {@code mode}, {@code invite}...) of {@code me}, member of the room or not, with the
     * rules of {@link Moderation}; completes with the reply once the change is stored and its events
     * are delivered in the room's order. A member it kicks out of a room leaves its
     * {@link Participant#rooms()} ({@link Participant#kickedFrom}) on its own node when the kick is
     * applied there. A backend without moderation inherits this default: {@link Refusal#NO_MODERATION}
     * ({@code unsupported}).
     */
    default io.vertx.core.Future<ServerMessage> moderate(Participant me, dev.chat.protocol.ClientMessage request,
                                                         long deadline) {
        return io.vertx.core.Future.failedFuture(Refusal.NO_MODERATION.refused());
    }
}
