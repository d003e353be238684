package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;

/**
 * Every way the server refuses a request, with its error code and its text, defined once for
 * every transport and both hub backends (single node and cluster): a transport renders the
 * resulting {@code error} in its own format (an IRC numeric, say), a cluster node sends the code
 * and text to the node that asked. The texts are for humans; clients switch on the code
 * (docs/PROTOCOL.md, section 8).
 */
public enum Refusal {
    NOT_REGISTERED(ErrorCode.NOT_REGISTERED, "send hello first"),
    ALREADY_REGISTERED(ErrorCode.ALREADY_REGISTERED, "this connection already said hello"),
    NICK_TAKEN(ErrorCode.NICK_TAKEN, "nick '%s' is taken"),
    NOT_IN_ROOM_TO_SAY(ErrorCode.NOT_IN_ROOM, "join '%s' before saying something there"),
    NOT_IN_ROOM(ErrorCode.NOT_IN_ROOM, "not in room '%s'"),
    /** {@code history} (or {@code who} of a secret room) by a session that is not a member. */
    NOT_MEMBER(ErrorCode.NOT_IN_ROOM, "join '%s' first: only its members may read it"),
    NO_SUCH_USER(ErrorCode.NO_SUCH_USER, "nobody is called '%s'"),
    RATE_LIMITED(ErrorCode.RATE_LIMITED, "too many messages; slow down"),
    TOO_MANY_ROOMS(ErrorCode.TOO_MANY_ROOMS, "already in %s rooms, the limit"),
    ROOM_FULL(ErrorCode.ROOM_FULL, "room '%s' is full"),
    ROOMS_EXHAUSTED(ErrorCode.UNAVAILABLE, "the server holds as many rooms as it may"),
    SERVER_FULL(ErrorCode.SERVER_FULL, "the server is at its connection limit"),
    /** {@code --max-connections-per-ip}. */
    SERVER_FULL_ADDRESS(ErrorCode.SERVER_FULL, "too many connections from your address (the limit is %s)"),
    /** {@code --max-pending-per-ip}. */
    SERVER_FULL_PENDING(ErrorCode.SERVER_FULL,
            "too many connections from your address have not said hello yet (the limit is %s)"),
    NICK_REGISTERED(ErrorCode.NICK_REGISTERED, "nick '%s' belongs to an account: log in, or choose another nick"),
    ACCOUNT_EXISTS(ErrorCode.ACCOUNT_EXISTS, "nick '%s' has an account already"),
    /** Same words whether the account exists or not. */
    LOGIN_FAILED(ErrorCode.LOGIN_FAILED, "wrong nick or password"),
    LOGIN_THROTTLED(ErrorCode.RATE_LIMITED, "too many failed logins; try again in %s s"),
    ACCOUNT_REQUIRED(ErrorCode.ACCOUNT_REQUIRED, "this server requires an account: register or login"),
    NOT_LOGGED_IN(ErrorCode.NOT_LOGGED_IN, "log in first"),
    ALREADY_LOGGED_IN(ErrorCode.ALREADY_REGISTERED, "this session is logged in already"),
    REGISTER_OTHER_NICK(ErrorCode.INVALID, "register: 'nick' must be the nick you hold ('%s')"),
    PLAINTEXT_PASSWORD(ErrorCode.PLAINTEXT_PASSWORD, "passwords are only accepted over TLS (or from this machine):"
            + " connect to the TLS port"),
    NO_ACCOUNTS(ErrorCode.UNSUPPORTED, "this server keeps no accounts"),
    PASSWORDS_BUSY(ErrorCode.UNAVAILABLE, "too many password checks at once; try again"),
    TOO_MANY_ACCOUNTS(ErrorCode.UNAVAILABLE, "the server holds as many accounts as it may"),
    ACCOUNTS_UNAVAILABLE(ErrorCode.UNAVAILABLE, "the account store cannot be reached now (%s); try again"),
    SLOW_CONSUMER(ErrorCode.SLOW_CONSUMER, "you read too slowly; %s bytes were waiting"),
    /** The client's deadline passed before the chat answered (docs/PROTOCOL.md: not applied). */
    TIMED_OUT(ErrorCode.UNAVAILABLE, "the chat did not answer in time; the request was not applied"),
    /** The request waited past its deadline before a layer could start it: refused, not applied. */
    EXPIRED(ErrorCode.UNAVAILABLE, "the request waited too long and was not applied; try again"),
    TOO_MANY_WAITING(ErrorCode.UNAVAILABLE, "too many requests waiting; slow down"),
    NICKS_UNAVAILABLE(ErrorCode.UNAVAILABLE, "the nick directory is not available"),
    ROOMS_UNAVAILABLE(ErrorCode.UNAVAILABLE, "the room directory is not available"),
    OWNER_UNREACHABLE(ErrorCode.UNAVAILABLE, "the room's owner cannot be reached; try again"),
    ROOM_BUSY(ErrorCode.UNAVAILABLE, "the room is busy; try again"),
    /** A cluster node that cannot reach a majority of the cluster's nodes: refused, not applied (docs/CLUSTER.md). */
    NO_MAJORITY(ErrorCode.UNAVAILABLE, "this node cannot reach a majority of the cluster (%s); not acknowledged,"
            + " try again later or on another node"),
    /** A majority did not confirm the event in time: its outcome is unknown (docs/CLUSTER.md). */
    NOT_REPLICATED(ErrorCode.UNAVAILABLE, "a majority of the cluster did not confirm this in time; it was not"
            + " acknowledged and may still be applied"),
    PRESENCE_UNAVAILABLE(ErrorCode.UNAVAILABLE, "presence is not available"),
    /** The store failed to commit the message: not acknowledged, delivered to nobody (docs/STORAGE.md). */
    NOT_STORED(ErrorCode.UNAVAILABLE, "the message could not be stored (%s); it was not delivered, try again"),
    /** The store did not confirm the commit before the request's deadline: its outcome is unknown. */
    STORE_SLOW(ErrorCode.UNAVAILABLE, "the message store did not confirm in time; the message may still be stored"
            + " and shown"),
    /** A read from the store (history, a room's numbering) failed. */
    STORE_UNREADABLE(ErrorCode.UNAVAILABLE, "the message store cannot be read now (%s); try again"),
    /** PostgreSQL text cannot hold U+0000. */
    NOT_STORABLE(ErrorCode.INVALID, "this server's database cannot store the character U+0000 in a text"),
    /** A room request that needs an operator of the room (docs/PROTOCOL.md, "Room operators"). */
    NOT_OPERATOR(ErrorCode.NOT_OPERATOR, "only an operator of '%s' may do that"),
    /** The target of {@code op}, {@code kick}... is not in the room: the argument is the whole text. */
    NOT_A_MEMBER(ErrorCode.NO_SUCH_USER, "%s"),
    BANNED(ErrorCode.BANNED, "you are banned from '%s'"),
    INVITE_ONLY(ErrorCode.INVITE_ONLY, "'%s' is invite-only: an operator of it must invite you"),
    MODERATED(ErrorCode.MODERATED, "'%s' is moderated: only its operators and voiced members may speak;"
            + " your message was dropped"),
    NO_ACCOUNT(ErrorCode.NO_ACCOUNT, "%s is not logged in to an account; guests cannot be operators"),
    /** A room's bans, operators or voiced accounts at their bound: the argument is the whole text. */
    ROOM_LIST_FULL(ErrorCode.INVALID, "%s"),
    /** A backend without room moderation (the cluster, for now). */
    NO_MODERATION(ErrorCode.UNSUPPORTED, "this server does not offer room operators and moderation in its"
            + " configuration (a cluster)"),
    /** The store failed to keep a room's change: not acknowledged. */
    ROOM_NOT_SAVED(ErrorCode.UNAVAILABLE, "the room's change could not be stored (%s): it holds on this server"
            + " until it restarts; try again"),
    INTERNAL(ErrorCode.INTERNAL, "the server failed on this request (it is logged); try again");

    private final String code;
    private final String text;

    Refusal(String code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The {@code error.code}. */
    public String code() {
        return code;
    }

    /** The {@code error.message}, with {@code arg} in place of {@code %s} (if the text has one). */
    public String text(Object arg) {
        return text.contains("%s") ? String.format(text, arg) : text;
    }

    /** The {@code error} frame answering {@code request} (its id, if any). */
    public ServerMessage.Error to(ClientMessage request, Object arg) {
        return new ServerMessage.Error(request == null ? null : request.id(), code, text(arg));
    }

    public ServerMessage.Error to(ClientMessage request) {
        return to(request, null);
    }

    /** The exception a backend fails a request's future with. */
    public Refused refused(Object arg) {
        return new Refused(code, text(arg));
    }

    public Refused refused() {
        return refused(null);
    }
}
