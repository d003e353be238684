package dev.chat.protocol;

/**
 * The {@code code} values of an {@code error} frame. They are part of the public contract:
 * clients switch on them, so a code is never renamed, only added.
 */
public final class ErrorCode {
    /** Declared frame length is 0 or above the server's {@code max_frame}; the connection is closed. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";
    /** Payload is not UTF-8, not JSON, not one object, or has trailing content. */
    public static final String BAD_JSON = "bad_json";
    /** The object has no string {@code type}, or a type this side does not know. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    /** A known type with a missing or malformed field; the message names the field. */
    public static final String INVALID = "invalid";
    /** A request other than {@code hello}, {@code ping} or {@code quit} before {@code hello}. */
    public static final String NOT_REGISTERED = "not_registered";
    /** A second {@code hello} on one connection. */
    public static final String ALREADY_REGISTERED = "already_registered";
    /** The nick is held by someone else (compared ignoring case, cluster-wide). */
    public static final String NICK_TAKEN = "nick_taken";
    /** {@code say}, {@code part} or similar for a room the session has not joined. */
    public static final String NOT_IN_ROOM = "not_in_room";
    /** {@code dm} to a nick that nobody holds. */
    public static final String NO_SUCH_USER = "no_such_user";
    /** The session sends {@code say}/{@code dm} faster than its rate limit allows. */
    public static final String RATE_LIMITED = "rate_limited";
    /** The session reads too slowly; its backlog hit the limit and the connection is closed. */
    public static final String SLOW_CONSUMER = "slow_consumer";
    /** The server is at its connection limit; the connection is closed. */
    public static final String SERVER_FULL = "server_full";
    /** The session is already in as many rooms as the server allows. */
    public static final String TOO_MANY_ROOMS = "too_many_rooms";
    /** The room already has as many members as the server allows. */
    public static final String ROOM_FULL = "room_full";
    /** The server could not complete the request in time (e.g. a cluster peer did not answer). */
    public static final String UNAVAILABLE = "unavailable";
    /**
     * The server failed while handling the request (a defect, logged on the server with its
     * stack); the request may be retried, and the session stays usable.
     */
    public static final String INTERNAL = "internal";
    /** A plaintext frame reached a TLS port; the connection is closed after this error (sent in plaintext). */
    public static final String TLS_REQUIRED = "tls_required";

    /** {@code hello} or {@code nick} as a guest with a nick that belongs to an account: log in, or take another nick. */
    public static final String NICK_REGISTERED = "nick_registered";
    /** {@code register} of a nick that already has an account. */
    public static final String ACCOUNT_EXISTS = "account_exists";
    /**
     * {@code login} (or {@code hello} with a password), {@code password} or {@code unregister} with
     * a wrong password, or a nick without an account: the two are not told apart.
     */
    public static final String LOGIN_FAILED = "login_failed";
    /** The server requires an account ({@code --require-account}): a guest {@code hello} is refused. */
    public static final String ACCOUNT_REQUIRED = "account_required";
    /** {@code password} or {@code unregister} from a session that is not logged in. */
    public static final String NOT_LOGGED_IN = "not_logged_in";
    /** A password sent over plaintext from another machine; use TLS ({@code --allow-plaintext-passwords} allows it). */
    public static final String PLAINTEXT_PASSWORD = "plaintext_password";
    /** The server does not offer this request in its configuration (accounts, on a server that keeps none). */
    public static final String UNSUPPORTED = "unsupported";
    /** A room request that needs an operator of the room ({@code op}, {@code kick}, {@code ban}, {@code mode} changes...). */
    public static final String NOT_OPERATOR = "not_operator";
    /** {@code join} refused: one of the room's ban masks matches the session's nick or account. */
    public static final String BANNED = "banned";
    /** {@code join} of an invite-only room without an invitation. */
    public static final String INVITE_ONLY = "invite_only";
    /** {@code say} in a moderated room by a member who is neither operator nor voiced; the message is dropped. */
    public static final String MODERATED = "moderated";
    /** {@code op} of a guest: only members logged in to an account can be operators. */
    public static final String NO_ACCOUNT = "no_account";

    private ErrorCode() {
    }
}
