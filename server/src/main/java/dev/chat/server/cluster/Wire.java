package dev.chat.server.cluster;

import dev.chat.protocol.ServerMessage.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages nodes send each other on their {@link dev.chat.server.bus.Addresses#node node
 * addresses}: JSON objects (Vert.x's built-in codec) with an {@code op} field.
 *
 * <pre>
 * op       body                                                 reply
 * hello    node                    a node finished joining      {} once the receiver can reach it
 * ping                                                          {}
 * ev       room owner epoch ver pe cv k ...  a room event      null: held (the ack)
 * commit   room owner epoch cv     events up to cv committed    none (sent, not requested)
 * own      room k node session nick [ttl] ...  to the owner      {r: ok|joined|parted|err|redirect|retry}
 * dm       session from text ts    a direct message to deliver  {r: ok|err}
 * invited  session nick room from  an invitation to deliver     none (sent, not requested)
 * sync     room owner epoch        a new owner takes the room   {promised, ver, le, cv, epoch, owner}
 * snap     room                    the room's state             committed state + tail, or {}
 * install  snap                    replace the room's state     null
 * owned                            rooms this node sequences    {rooms: [name...]}
 * holds    session nick            does the session hold it?    {held}
 * presence frame                   a presence change            none (sent, not requested)
 * peers                            this node's presence table   {peers: [...]}
 * </pre>
 *
 * Event kinds ({@code k}): {@code msg} (text ts seq rid; {@code action} when true), {@code join},
 * {@code part}, {@code quit} ({@link #REASON}: their reason, from the member's request into the event),
 * {@code nick} (old), {@code drop} (the room, empty, is forgotten with its history), {@code mod} (a
 * change of the room's moderation: {@link #OUT} the event its members get, if any, and the kicked
 * member as {@link #KN} {@link #KS} {@link #KNICK} {@link #KACCOUNT}); every event names the member
 * (for {@code drop}: the session that asked) by {@code node}, {@code session}, {@code nick}, and
 * {@code join}, {@code part}, {@code quit}, {@code nick} carry its {@link #ACCOUNT}. An event that
 * changes the room's rules carries them whole ({@link #RULES}, {@code core.Moderation#state}), so
 * that every node, and every snapshot, has the owner's. A {@code mod} request ({@code own} with
 * {@code k: mod}) carries the client's request as {@link #REQ}; its answer may carry a
 * {@link #REPLY} (a {@code topic} or {@code mode} reply) instead of a plain ok.
 * A {@code say} carries {@code rid}, unique per request, so that a retry after the owner died is
 * recognised by the new owner instead of being stored twice. A client's request carries
 * {@code ttl}, the milliseconds the owner has left to act on it (see {@code core.Deadlines}): an
 * owner sequences nothing it could not have acknowledged by then.
 */
final class Wire {
    static final String OP = "op";
    static final String HELLO = "hello";
    static final String PING = "ping";
    static final String EVENT = "ev";
    static final String OWN = "own";
    static final String DM = "dm";
    static final String INVITED = "invited";
    static final String SYNC = "sync";
    static final String SNAP = "snap";
    static final String INSTALL = "install";
    /** One-way, owner to the others: every event of the room up to {@link #CV} is committed. */
    static final String COMMIT = "commit";
    static final String OWNED = "owned";
    static final String PRESENCE = "presence";
    static final String PEERS = "peers";
    static final String HOLDS = "holds";

    static final String K = "k";
    static final String MSG = "msg";
    static final String SAY = "say";
    static final String JOIN = "join";
    static final String PART = "part";
    static final String QUIT = "quit";
    static final String NICK = "nick";
    /** Drop an empty room (to make way for a new one beyond {@code --max-rooms}). */
    static final String DROP = "drop";
    /** A change of the room's moderation (docs/PROTOCOL.md, "Room operators"). */
    static final String MOD = "mod";
    static final String ACCOUNT = "account";
    /** The room's whole moderation state after the event. */
    static final String RULES = "rules";
    /** A moderation request: the client's request, as JSON text. */
    static final String REQ = "req";
    /** A moderation event: what the members get, as JSON text. */
    static final String OUT = "out";
    /** The answer to a moderation request, as JSON text, when it is not a plain ok. */
    static final String REPLY = "reply";
    /** The member a kick removes: node, session, nick, account. */
    static final String KN = "kn";
    static final String KS = "ks";
    static final String KNICK = "knick";
    static final String KACCOUNT = "kaccount";
    static final String TOPIC = "topic";
    static final String OPERATORS = "operators";
    static final String VOICED = "voiced";

    static final String ROOM = "room";
    static final String OWNER = "owner";
    static final String EPOCH = "epoch";
    static final String VER = "ver";
    /** The version committed so far (a majority holds every event up to it). */
    static final String CV = "cv";
    /** On an event: the epoch of the event before it in the owner's log. */
    static final String PE = "pe";
    /** Epoch of the last event a node holds (in a {@code sync} answer). */
    static final String LE = "le";
    /** Epoch of the last committed event (in a snapshot). */
    static final String CE = "ce";
    /** Events after a snapshot's committed state that its node holds, not committed yet. */
    static final String TAIL = "tail";
    /** In a {@code sync} answer: whether the node now follows the asking owner's ballot. */
    static final String PROMISED = "promised";
    static final String NODE = "node";
    static final String SESSION = "session";
    static final String NICKNAME = "nick";
    static final String OLD = "old";
    static final String TEXT = "text";
    static final String TS = "ts";
    static final String SEQ = "seq";
    static final String FROM = "from";
    static final String MEMBERS = "members";
    static final String HISTORY = "history";
    static final String ROOMS = "rooms";
    static final String FRAME = "frame";
    static final String RID = "rid";
    /** A message that is an action ({@code /me}): present and true, or absent. */
    static final String ACTION = "action";
    /** The reason of a {@code part} or {@code quit}, when the member gave one. */
    static final String REASON = "reason";
    static final String RIDS = "rids";
    static final String HELD = "held";
    /** On an {@code own} request: another node redirected it here (absent: false). */
    static final String REDIRECTED = "redirected";
    /** Milliseconds the receiver has to act on a request, from its arrival (absent: no limit). */
    static final String TTL = "ttl";

    static final String R = "r";
    static final String OK = "ok";
    static final String JOINED = "joined";
    static final String PARTED = "parted";
    static final String ERR = "err";
    static final String REDIRECT = "redirect";
    static final String RETRY = "retry";
    static final String CODE = "code";
    static final String MESSAGE = "message";

    private Wire() {
    }

    static JsonObject op(String op) {
        return new JsonObject().put(OP, op);
    }

    static JsonObject ok() {
        return new JsonObject().put(R, OK);
    }

    /** An error reply carrying a refusal's code and text (made here, shown to the client on the node that asked). */
    static JsonObject error(dev.chat.server.core.Refusal refusal, Object arg) {
        return error(refusal.code(), refusal.text(arg));
    }

    static JsonObject error(String code, String message) {
        return new JsonObject().put(R, ERR).put(CODE, code).put(MESSAGE, message);
    }

    static JsonObject redirect(String owner) {
        return new JsonObject().put(R, REDIRECT).put(OWNER, owner);
    }

    static JsonObject retry() {
        return new JsonObject().put(R, RETRY);
    }

    /** A stored room message as {@code {seq, ts, from, text, action?}}. */
    static JsonObject message(ChatMessage m) {
        JsonObject j = new JsonObject().put(SEQ, m.seq()).put(TS, m.ts()).put(FROM, m.from()).put(TEXT, m.text());
        return m.action() ? j.put(ACTION, true) : j;
    }

    static ChatMessage message(String room, JsonObject j) {
        return ChatMessage.inRoom(room, j.getString(FROM), j.getString(TEXT), j.getBoolean(ACTION, false),
                j.getLong(TS), j.getLong(SEQ));
    }

    static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getString(i));
        }
        return out;
    }
}
