package dev.chat.server.core;

import dev.chat.protocol.ServerMessage;
import java.util.ArrayDeque;

/**
 * One client connection as the chat rules see it, whatever its transport: its id and lane, its
 * registration state and nick, its rate-limit bucket, its requests waiting for the hub, its
 * liveness (last heard from, ping sent) and whether it is closing. Created by
 * {@link ChatLoop#open} for a transport's {@link Connection}; the hub sees it as a
 * {@link Recipient}. Loop thread only; kept small, since an idle server may hold 10,000 of them.
 */
public final class Session implements Recipient {
    /** The most code points of a {@code quit} reason passed on to the other members (as for {@code part}). */
    public static final int MAX_QUIT_REASON = 400;
    private final long id;
    private final int lane;
    private final Connection connection;
    private final ChatLoop loop;
    private final long openedAt;
    private String nick;
    /** A hello went to the hub: later requests go there too, and the hub knows the outcome. */
    private boolean helloSent;
    private boolean registered;
    private long lastHeard;
    private boolean pingSent;
    /** Say/dm tokens left and when they were last counted (this session's bucket of the loop's limiter). */
    private double tokens;
    private long tokensAt;
    private int inFlight;
    private boolean readsPaused;
    /** Requests (or decoding errors) received while reading was paused, in order; null when none. */
    private ArrayDeque<Object> held;
    private boolean closing;
    private String closeReason;
    private String quitReason;
    /** The peer's IP address as counted by {@link AddressLimits}, or null (unknown: not counted). */
    private String address;
    /** Counted as pending by {@link AddressLimits}: connected, no successful {@code hello} yet. */
    private boolean pending;
    /** Passwords may come over this connection: encrypted, from loopback, or allowed by the operator. */
    private boolean passwordsSafe;
    /** This session's place in its loop's {@link SessionTable}, -1 when not in one. */
    int slot = -1;

    Session(long id, int lane, Connection connection, ChatLoop loop, double tokens, long now) {
        this.id = id;
        this.lane = lane;
        this.connection = connection;
        this.loop = loop;
        this.tokens = tokens;
        this.tokensAt = now;
        this.openedAt = now;
        this.lastHeard = now;
    }

    @Override
    public long sessionId() {
        return id;
    }

    @Override
    public int lane() {
        return lane;
    }

    /** The loop that owns it. */
    public ChatLoop loop() {
        return loop;
    }

    public Connection connection() {
        return connection;
    }

    /** The registered nick, or null before a successful {@code hello}. */
    public String nick() {
        return nick;
    }

    public boolean registered() {
        return registered;
    }

    /** Whether a {@code hello} was sent to the hub (answered or not). */
    public boolean helloSent() {
        return helloSent;
    }

    /** Requests sent to the hub (or presence) on this session's behalf and not answered yet. */
    public int requestsInFlight() {
        return inFlight;
    }

    public boolean readsPaused() {
        return readsPaused;
    }

    /** Whether the session is closing (or closed): nothing more is sent to it or served for it. */
    public boolean closing() {
        return closing;
    }

    /** Why it closes, or null (then the peer closed it). */
    public String closeReason() {
        return closeReason;
    }

    /** The reason the client gave in its {@code quit}, cut to {@link #MAX_QUIT_REASON} code points; null if none. */
    public String quitReason() {
        return quitReason;
    }

    /** The client said {@code quit}, with this reason (null: none); only the first quit counts. */
    void quitReason(String reason) {
        if (quitReason == null && reason != null && !closing) {
            quitReason = reason.codePointCount(0, reason.length()) <= MAX_QUIT_REASON ? reason
                    : reason.substring(0, reason.offsetByCodePoints(0, MAX_QUIT_REASON));
        }
    }

    /** Sends one message to this client alone, unless it is closing. */
    public void send(ServerMessage m) {
        if (!closing) {
            loop.countIfError(m);
            connection.send(m);
        }
    }

    @Override
    public String toString() {
        return "#" + id + (nick == null ? "" : " " + nick)
                + (connection == null ? "" : " (" + connection.transport() + " " + connection.remoteAddress() + ")");
    }

    /** The peer's IP address ({@code 127.0.0.1}), or null when the transport does not know it. */
    public String address() {
        return address;
    }

    /** Whether a password may be sent over this connection (see {@code --allow-plaintext-passwords}). */
    public boolean passwordsSafe() {
        return passwordsSafe;
    }

    // ---- state changes, made by the loop's rules ----

    void address(String address, boolean pending, boolean passwordsSafe) {
        this.address = address;
        this.pending = pending;
        this.passwordsSafe = passwordsSafe;
    }

    boolean pending() {
        return pending;
    }

    void pending(boolean p) {
        pending = p;
    }

    long openedAt() {
        return openedAt;
    }

    long lastHeard() {
        return lastHeard;
    }

    void heard(long now) {
        lastHeard = now;
        pingSent = false;
    }

    boolean pingSent() {
        return pingSent;
    }

    void pingSent(boolean sent) {
        pingSent = sent;
    }

    void helloSent(boolean sent) {
        helloSent = sent;
    }

    void registered(String nick) {
        this.registered = true;
        this.nick = nick;
    }

    void renamed(String nick) {
        this.nick = nick;
    }

    /** Takes one token from the bucket if there is one ({@code perNano} tokens per ns, at most {@code burst}). */
    boolean tryAcquire(long now, double perNano, double burst) {
        double t = Math.min(burst, tokens + (now - tokensAt) * perNano);
        tokensAt = now;
        if (t >= 1) {
            tokens = t - 1;
            return true;
        }
        tokens = t;
        return false;
    }

    int requestSent() {
        return ++inFlight;
    }

    int requestAnswered() {
        return --inFlight;
    }

    void readsPaused(boolean paused) {
        readsPaused = paused;
    }

    void hold(Object requestOrError) {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        held.add(requestOrError);
    }

    /** The next held request or error, or null. */
    Object nextHeld() {
        if (held == null) {
            return null;
        }
        Object o = held.poll();
        if (held.isEmpty()) {
            held = null;
        }
        return o;
    }

    void dropHeld() {
        held = null;
    }

    /** Marks the session closing; false if it already was. */
    boolean markClosing(String reason) {
        if (closing) {
            return false;
        }
        closing = true;
        if (closeReason == null) {
            closeReason = reason;
        }
        return true;
    }

    void closeReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }
}
