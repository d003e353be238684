package dev.chat.client.session;

import dev.chat.client.ClientConfig;
import dev.chat.client.DefaultNick;
import dev.chat.client.ExitCode;
import dev.chat.client.net.Connection;
import dev.chat.client.net.FrameTracer;
import dev.chat.client.net.ServerAddress;
import dev.chat.client.net.SocketLayer;
import dev.chat.client.net.UntrustedServerException;
import dev.chat.client.presence.BeaconSender;
import dev.chat.client.tls.TlsConnector;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.HistoryReply;
import dev.chat.protocol.ServerMessage.Joined;
import dev.chat.protocol.ServerMessage.Welcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A chat session that survives its connections. {@link #start} connects (trying each server
 * in turn), registers, joins the configured rooms. When the connection drops, a supervisor
 * thread reconnects with {@link Backoff}, going round the server list; registers again (a
 * {@code nick_taken} then usually means our old session still lingers on the server, so it
 * waits and retries); joins the rooms again; fetches what was missed per room with
 * {@code history after_seq}; and lets the {@link Outbox} resend what was lost in flight.
 *
 * <p>A script calls {@link #start}: one round of attempts, and an exit code when it fails. An
 * interactive client calls {@link #startInBackground}: the first connection is retried like a
 * reconnect, a taken nick becomes {@code nick_}, and a refused room is reported and skipped.
 *
 * <p>Threads: the connection's reader applies replies and events to {@link SessionState} and
 * calls the {@link SessionListener}, under the state's monitor; the supervisor (or the caller
 * of {@link #start}) runs connection set-up and blocks on replies, never the reader.
 */
public final class Session implements AutoCloseable {
    /** History page size used for catching up (the protocol's maximum). */
    static final int CATCH_UP_PAGE = ClientMessage.History.MAX_LIMIT;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STABLE = Duration.ofSeconds(10);
    private static final int OUTBOX_WINDOW = 32;
    private static final int MAX_NICK_ALTERNATIVES = 9;

    private record Pending(CompletableFuture<ServerMessage> future, Consumer<ServerMessage> apply) {
    }

    /** What one attempt to connect and register came to. */
    private sealed interface Attempt {
    }

    private record Connected(Connection connection) implements Attempt {
    }

    private record Unreachable(String reason) implements Attempt {
    }

    private record Refused(ServerError error) implements Attempt {
    }

    /** {@code --tls}: the server's certificate was refused; not retried. */
    private record Untrusted(String reason) implements Attempt {
    }

    private final ClientConfig config;
    private final SessionListener listener;
    private final FrameTracer tracer;
    private final SessionState state;
    /** Sent with every hello (reconnects too) once known: {@code --password}, {@code /login}, {@code /register}. */
    private volatile String password;
    private final Outbox outbox;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), Math::random);
    private final CompletableFuture<Integer> failed = new CompletableFuture<>();
    private final Object signal = new Object();
    private BeaconSender beacons;
    private SocketLayer tls;                  // --tls, else null
    private volatile Connection current;      // the connection in use (being set up, or established)
    private volatile boolean established;     // current is registered and caught up
    private volatile boolean closing;
    private volatile Welcome welcome;
    private volatile int maxFrame = Frames.DEFAULT_MAX_FRAME;
    private boolean lost;                     // guarded by signal: the supervisor has work
    private long establishedAt;
    private volatile boolean registeredOnce;  // the configured rooms were joined once
    private int serverIndex;
    private Thread supervisor;

    public Session(ClientConfig config, SessionListener listener, FrameTracer tracer) {
        this.config = config;
        this.listener = listener;
        this.tracer = tracer;
        this.state = new SessionState(config.nick());
        this.password = config.password();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chat-timer");
            t.setDaemon(true);
            return t;
        });
        this.outbox = new Outbox(OUTBOX_WINDOW, ids::incrementAndGet, timer);
        // Load the codec (Jackson) now, not between connect and hello: the server's hello timeout
        // runs from the connect, and on a busy machine loading it took seconds.
        MessageCodec.encodeFrame(new ClientMessage.Hello(null, config.nick()));
    }

    /** The session's state (nick, rooms, current room). */
    public SessionState state() {
        return state;
    }

    /** Messages to rooms that are not yet acknowledged. */
    public Outbox outbox() {
        return outbox;
    }

    /** The {@code welcome} of the current (or last) server, or null before the first. */
    public Welcome welcome() {
        return welcome;
    }

    /** Whether the session is still open (not closed by {@link #close}). */
    public boolean isOpen() {
        return !closing;
    }

    /** Whether a server is connected and the session is registered and caught up. */
    public boolean isConnected() {
        return established;
    }

    /** Where the session is connected (or was last), or null. */
    public ServerAddress serverAddress() {
        Connection c = current;
        return c == null ? null : c.address();
    }

    /** The largest frame the current server accepts. */
    public int maxFrame() {
        return maxFrame;
    }

    /**
     * Completes with an exit code when the session gave up reconnecting
     * ({@link ClientConfig#giveUpAfter}); never completes otherwise.
     */
    public CompletableFuture<Integer> failure() {
        return failed;
    }

    /**
     * Connects, registers and joins the configured rooms, then keeps the session alive in the
     * background. Returns {@link ExitCode#OK}, {@link ExitCode#CONNECT} when no server could be
     * reached, {@link ExitCode#SERVER_ERROR} when a server refused us, or
     * {@link ExitCode#UNTRUSTED} when a server's TLS certificate was refused; the reason went to
     * {@link SessionListener#onStatus} / {@link SessionListener#onServerError}.
     */
    public int start() {
        startBeacons();
        if (!startTls()) {
            return ExitCode.USAGE;
        }
        Attempt a = attempt(true);
        if (a instanceof Untrusted u) {
            listener.onStatus(u.reason());
            return ExitCode.UNTRUSTED;
        }
        if (a instanceof Refused r) {
            listener.onServerError(r.error().error());
            return ExitCode.SERVER_ERROR;
        }
        if (a instanceof Unreachable u) {
            listener.onStatus("could not connect: " + u.reason());
            return ExitCode.CONNECT;
        }
        startSupervisor(false);
        return ExitCode.OK;
    }

    /**
     * Connects in the background, for a person at a terminal: the first connection is retried
     * with the same backoff as a reconnect, forever (until {@link #close}), announcing each wait
     * with {@link SessionListener#onRetry}; {@link SessionListener#onConnectionChange} says when
     * it is up. Messages submitted meanwhile wait in the {@link Outbox}.
     */
    public void startInBackground() {
        startBeacons();
        if (!startTls()) {
            failed.complete(ExitCode.USAGE);
            return;
        }
        startSupervisor(true);
    }

    /** Prepares the TLS connector when {@code --tls} was asked for; false (said why) if it cannot. */
    private boolean startTls() {
        if (config.tls() != null) {
            try {
                tls = new TlsConnector(config.tls(), listener::onStatus);
            } catch (IOException e) {
                listener.onStatus(e.getMessage());
                return false;
            }
        }
        return true;
    }

    private void startBeacons() {
        if (config.beaconInterval() != null && !config.beaconInterval().isZero()) {
            try {
                beacons = new BeaconSender(config.beaconInterval(), state::nick, tracer);
            } catch (IOException e) {
                listener.onStatus("presence beacons off: " + e.getMessage());
            }
        }
    }

    private void startSupervisor(boolean connectFirst) {
        supervisor = new Thread(() -> {
            if (connectFirst) {
                reconnect(true);
            }
            supervise();
        }, "chat-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** Whether the session has been connected and registered at least once. */
    public boolean wasEverConnected() {
        return registeredOnce;
    }

    /**
     * Sends a request on the established connection; {@code build} gets the id to put in it.
     * Fails with {@link NotConnectedException} while reconnecting, {@link ServerError} when
     * the server answers {@code error}, {@link TimeoutException} after 15 s.
     *
     * @param apply run with the reply on the reader thread, under the state lock, before the
     *        future completes (so state changes are in order with the messages that follow)
     */
    public CompletableFuture<ServerMessage> request(LongFunction<ClientMessage> build, Consumer<ServerMessage> apply) {
        Connection c = current;
        if (!established || c == null) {
            return CompletableFuture.failedFuture(new NotConnectedException("not connected; reconnecting"));
        }
        return send(c, build, apply).orTimeout(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@link #request(LongFunction, Consumer)} without a state change. */
    public CompletableFuture<ServerMessage> request(LongFunction<ClientMessage> build) {
        return request(build, null);
    }

    /** Joins a room; on success it is in {@link #state()}. */
    public CompletableFuture<ServerMessage> join(String room) {
        return request(id -> new ClientMessage.Join(id, room), null);
    }

    /** Leaves a room; on success it is gone from {@link #state()}. */
    public CompletableFuture<ServerMessage> part(String room) {
        return part(room, null);
    }

    /** Leaves a room, telling the others why ({@code reason} may be null). */
    public CompletableFuture<ServerMessage> part(String room, String reason) {
        return request(id -> new ClientMessage.Part(id, room, reason), null);
    }

    /** Changes our nick; the state follows on {@code ok}. */
    /**
     * Logs in to an account ({@code login}): the session takes its nick, and later reconnects say
     * {@code hello} with this password.
     */
    public CompletableFuture<ServerMessage> login(String nick, String pw) {
        return request(id -> new ClientMessage.Login(id, nick, pw), m -> {
            if (m instanceof ServerMessage.Ok) {
                state.setNick(nick);
                password = pw;
            }
        });
    }

    /** Registers the session's nick as an account ({@code register}); reconnects then log in to it. */
    public CompletableFuture<ServerMessage> register(String pw) {
        String nick = state.nick();
        return request(id -> new ClientMessage.Register(id, nick, pw), m -> {
            if (m instanceof ServerMessage.Ok) {
                password = pw;
            }
        });
    }

    public CompletableFuture<ServerMessage> changeNick(String nick) {
        return request(id -> new ClientMessage.Nick(id, nick), m -> {
            if (m instanceof ServerMessage.Ok) {
                state.setNick(nick);
            }
        });
    }

    /** Sends a text to a room through the {@link Outbox}: delivered across outages, once. */
    public CompletableFuture<Void> say(String room, String text) {
        return outbox.submit(room, text, false);
    }

    /** {@link #say(String, String)}, as an action ({@code /me}) when {@code action} is true. */
    public CompletableFuture<Void> say(String room, String text, boolean action) {
        return outbox.submit(room, text, action);
    }

    /** {@code online} or {@code away}, announced by our beacons. */
    public void setPresence(String status) {
        if (beacons != null) {
            beacons.status(status);
        }
    }

    /** The status our beacons announce ({@code online} when beacons are off). */
    public String presence() {
        return beacons == null ? Beacon.ONLINE : beacons.status();
    }

    /**
     * Ends the session: {@code quit} with {@code reason}, the {@code offline} beacon, and the
     * connection closed after the quit is written (at most 1 s). Idempotent.
     */
    @Override
    public void close() {
        close("bye");
    }

    /** {@link #close()} with a reason for the {@code quit} frame (null: none). */
    public void close(String reason) {
        if (closing) {
            return;
        }
        closing = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (beacons != null) {
            beacons.close();
        }
        Connection c = current;
        if (c != null && c.isOpen()) {
            c.send(new ClientMessage.Quit(null, reason));
            c.closeGracefully(Duration.ofSeconds(1));
        }
        outbox.abandon(new NotConnectedException("session closed"));
        timer.shutdownNow();
    }

    // ---- connection set-up ------------------------------------------------------------------

    private Attempt attempt(boolean initial) {
        List<ServerAddress> servers = config.servers();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < servers.size() && !closing; i++) {
            int index = (serverIndex + i) % servers.size();
            ServerAddress address = servers.get(index);
            Connection c;
            try {
                c = Connection.open(address, config.connectTimeout(), tracer, new Handler(), tls);
            } catch (UntrustedServerException e) {
                return new Untrusted(e.getMessage()); // a refused identity is not worth another server's try
            } catch (IOException e) {
                problems.add(address + ": " + describe(e));
                continue;
            }
            current = c;
            Attempt a = register(c, initial);
            if (a instanceof Connected) {
                serverIndex = index;
                return a;
            }
            c.close();
            state.onDisconnected();
            if (a instanceof Refused) {
                return a;
            }
            problems.add(address + ": " + ((Unreachable) a).reason());
        }
        return new Unreachable(problems.isEmpty() ? "closing" : String.join("; ", problems));
    }

    private Attempt register(Connection c, boolean initial) {
        try {
            Welcome w = hello(c, initial);
            welcome = w;
            maxFrame = w.maxFrame();
            if (w.heartbeatMs() > 0) {
                c.setIdleTimeout(Duration.ofMillis(2 * w.heartbeatMs() + 10_000));
            }
            List<String> rooms = initial ? config.rooms() : state.rooms();
            for (String room : rooms) {
                try {
                    await(send(c, id -> new ClientMessage.Join(id, room), null));
                } catch (ServerError e) {
                    if (initial && !config.interactive()) {
                        return new Refused(e);
                    }
                    state.onParted(room);
                    listener.onRoomRefused(room, e.error());
                }
            }
            if (initial) {
                for (String room : config.rooms()) {
                    if (state.setCurrentRoom(room)) {
                        break;
                    }
                }
            }
            for (String room : state.rooms()) {
                catchUp(c, room);
            }
        } catch (ServerError e) {
            return new Refused(e);
        } catch (NotConnectedException | TimeoutException e) {
            return new Unreachable(e.getMessage() == null ? "no answer from server" : e.getMessage());
        }
        synchronized (state) {
            if (!c.isOpen()) {
                return new Unreachable(c.closeReason());
            }
            established = true;
            registeredOnce = true;
            // The connection may close right now: its reader then sees established and recovers.
            establishedAt = System.nanoTime();
            state.setConnected(true);
            listener.onConnectionChange(true);
        }
        outbox.onResumed(c::send);
        if (beacons != null) {
            int port = beaconPort(welcome);
            String key = welcome.beaconKey();
            beacons.target(port == 0 ? null : new InetSocketAddress(c.remoteAddress(), port),
                    key == null ? null : dev.chat.protocol.BeaconSignature.decodeKey(key));
        }
        return new Connected(c);
    }

    /**
     * Where our beacons go: {@code --udp-port} when given (it may point at a relay), else the
     * UDP port the server names in {@code welcome} (0: it takes none), else our default.
     */
    int beaconPort(Welcome w) {
        if (config.udpPortChosen() || w == null || w.udpPort() == null) {
            return config.udpPort();
        }
        return w.udpPort();
    }

    private Welcome hello(Connection c, boolean initial) throws ServerError, NotConnectedException, TimeoutException {
        String base = state.nick();
        String pw = password;
        for (int n = 1; ; n++) {
            String nick = n == 1 ? base : alternative(base, n);
            try {
                Welcome w = (Welcome) await(send(c, id -> new ClientMessage.Hello(id, nick, pw), m -> {
                    if (m instanceof Welcome welcomed) {
                        state.setNick(welcomed.nick());
                    }
                }));
                if (n > 1) {
                    listener.onStatus("nick " + base + " is taken: you are " + w.nick()
                            + " (/nick to choose another)");
                }
                return w;
            } catch (ServerError e) {
                // At the start a person gets alice_ (a script with a derived nick alice-2); a
                // script's chosen nick is refused. After an outage our old session may hold it.
                boolean mayAlter = config.interactive() || !config.nickChosen();
                boolean retry = initial && mayAlter && pw == null && ErrorCode.NICK_TAKEN.equals(e.code())
                        && n <= MAX_NICK_ALTERNATIVES && !alternative(base, n + 1).equals(nick);
                if (!retry) {
                    throw e;
                }
            }
        }
    }

    private String alternative(String base, int n) {
        return config.interactive() ? DefaultNick.underscored(base, n) : DefaultNick.alternative(base, n);
    }

    /**
     * Fetches what {@code room} missed while we were away, page by page, then shows the live
     * messages that arrived meanwhile. Nothing happens for a room that is not catching up.
     */
    private void catchUp(Connection c, String room) throws ServerError, NotConnectedException, TimeoutException {
        if (!state.isCatchingUp(room)) {
            return;
        }
        long before = state.lastSeen(room);
        while (true) {
            long after = state.lastSeen(room);
            HistoryReply page = (HistoryReply) await(send(c,
                    id -> new ClientMessage.History(id, room, after, CATCH_UP_PAGE), null));
            synchronized (state) {
                for (ChatMessage m : state.onCatchUpPage(room, page.messages())) {
                    deliver(m);
                }
            }
            if (page.messages().size() >= CATCH_UP_PAGE && state.lastSeen(room) > after) {
                continue; // a full page: there may be more
            }
            synchronized (state) {
                List<ChatMessage> rest = state.finishCatchUp(room);
                if (rest != null) {
                    for (ChatMessage m : rest) {
                        deliver(m);
                    }
                    break;
                }
            }
        }
        long missed = state.lastSeen(room) - before;
        if (missed > 0) {
            listener.onStatus("#" + room + ": " + missed + " message" + (missed == 1 ? "" : "s") + " while away");
        }
    }

    private CompletableFuture<ServerMessage> send(Connection c, LongFunction<ClientMessage> build,
                                                  Consumer<ServerMessage> apply) {
        long id = ids.incrementAndGet();
        CompletableFuture<ServerMessage> f = new CompletableFuture<>();
        pending.put(id, new Pending(f, apply));
        if (!c.send(build.apply(id))) {
            pending.remove(id);
            String why = c.closeReason(); // the reader's words (a TLS port, silence, ...) say more
            f.completeExceptionally(new NotConnectedException(why != null ? why : "connection closed"));
        }
        return f;
    }

    private static ServerMessage await(CompletableFuture<ServerMessage> f)
            throws ServerError, NotConnectedException, TimeoutException {
        try {
            return f.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServerError se) {
                throw se;
            }
            if (e.getCause() instanceof NotConnectedException nc) {
                throw nc;
            }
            throw new NotConnectedException(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotConnectedException("interrupted");
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer from server within " + REPLY_TIMEOUT.toSeconds() + " s");
        }
    }

    // ---- reconnecting -----------------------------------------------------------------------

    private void supervise() {
        while (!closing) {
            synchronized (signal) {
                while (!lost && !closing) {
                    try {
                        signal.wait();
                    } catch (InterruptedException e) {
                        if (closing) {
                            return;
                        }
                    }
                }
                lost = false;
            }
            if (closing) {
                return;
            }
            if (System.nanoTime() - establishedAt > STABLE.toNanos()) {
                backoff.reset();
            }
            reconnect(!registeredOnce);
        }
    }

    /**
     * Tries until connected (or the session closes, or gives up after
     * {@link ClientConfig#giveUpAfter}). {@code first}: the first connection of an interactive
     * session, which joins the configured rooms.
     */
    private void reconnect(boolean first) {
        long downSince = System.nanoTime();
        String lastWhy = null;
        int failures = 0;
        Duration delay = backoff.attempts() == 0 ? Duration.ZERO : backoff.next();
        while (!closing) {
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    return; // closing
                }
            }
            listener.onRetry(null);
            Attempt a = attempt(first);
            if (a instanceof Connected ok) {
                if (!first) {
                    listener.onStatus("reconnected to " + ok.connection().address() + " as " + state.nick());
                }
                return;
            }
            if (a instanceof Untrusted u) {
                listener.onStatus("giving up: " + u.reason());
                failed.complete(ExitCode.UNTRUSTED);
                return;
            }
            String why = a instanceof Refused r
                    ? (ErrorCode.NICK_TAKEN.equals(r.error().code())
                            ? (first ? "nick " + state.nick() + " and " + alternative(state.nick(), 2) + " to "
                                    + alternative(state.nick(), MAX_NICK_ALTERNATIVES + 1)
                                    + " are all taken; quit and start with another --nick"
                                    : "nick " + state.nick() + " is still held (our old session may linger on the server)")
                            : "server refused: " + r.error().getMessage())
                    : ((Unreachable) a).reason();
            Duration giveUp = config.giveUpAfter();
            if (giveUp != null && System.nanoTime() - downSince > giveUp.toNanos()) {
                listener.onStatus("giving up: " + why);
                failed.complete(ExitCode.CONNECT);
                return;
            }
            failures++;
            delay = backoff.next();
            // Say so on a new reason, else on the 1st, 2nd, 4th, 8th... failure: visible, not a flood.
            if (!why.equals(lastWhy) || Integer.bitCount(failures) == 1) {
                listener.onStatus(String.format(Locale.ROOT, "cannot %s (%s); next try in %.1fs",
                        first ? "connect" : "reconnect", why, delay.toMillis() / 1000.0));
            }
            lastWhy = why;
            listener.onRetry(delay);
        }
    }

    private void deliver(ChatMessage m) {
        boolean own = state.isMe(m.from());
        if (own && !m.isDirect()) {
            outbox.onOwnMessage(m.room(), m.text());
        }
        listener.onChat(m, own);
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Applies what the reader decodes; runs on the connection's reader thread. */
    private final class Handler implements Connection.Listener {
        @Override
        public void onMessage(Connection c, ServerMessage m) {
            if (c != current) {
                return; // a connection we already gave up on
            }
            if (m.id() instanceof Long id) {
                Pending p = pending.remove(id);
                if (p != null) {
                    reply(p, m);
                    return;
                }
                if (m instanceof ServerMessage.Ok && outbox.onOk(id)) {
                    return;
                }
                if (m instanceof ServerMessage.Error e && outbox.onError(id, e)) {
                    return;
                }
            }
            if (m instanceof ChatMessage cm) {
                synchronized (state) {
                    for (ChatMessage x : state.onLive(cm)) {
                        deliver(x);
                    }
                }
            } else if (m instanceof ServerMessage.Member member) {
                synchronized (state) {
                    state.onMember(member);
                    listener.onMember(member);
                }
            } else if (m instanceof ServerMessage.Presence p) {
                listener.onPresence(p);
            } else if (m instanceof ServerMessage.Topic t) {
                synchronized (state) {
                    state.onTopic(t);
                    listener.onTopic(t);
                }
            } else if (m instanceof ServerMessage.ModeChange change) {
                listener.onModeChange(change);
            } else if (m instanceof ServerMessage.Invited invited) {
                listener.onInvited(invited);
            } else if (m instanceof ServerMessage.Bye bye) {
                listener.onBye(bye);
            } else if (m instanceof ServerMessage.Error e) {
                listener.onServerError(e);
            }
        }

        private void reply(Pending p, ServerMessage m) {
            if (m instanceof ServerMessage.Error e) {
                p.future().completeExceptionally(new ServerError(e));
                return;
            }
            synchronized (state) {
                if (m instanceof Joined j) {
                    SessionState.JoinOutcome o = state.onJoined(j);
                    if (o.historyReset()) {
                        listener.onStatus("#" + j.room() + ": the server's history of this room is new"
                                + " (restarted or another server); showing it from the start");
                    }
                } else if (m instanceof ServerMessage.Parted parted) {
                    state.onParted(parted.room());
                }
                if (p.apply() != null) {
                    p.apply().accept(m);
                }
            }
            p.future().complete(m);
        }

        @Override
        public void onBadFrame(Connection c, ProtocolException problem) {
            listener.onStatus("ignored a frame from the server: " + problem.code() + ": " + problem.getMessage());
        }

        @Override
        public void onClosed(Connection c, String reason) {
            if (c != current) {
                return;
            }
            NotConnectedException gone = new NotConnectedException(reason);
            for (Long id : List.copyOf(pending.keySet())) {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.future().completeExceptionally(gone);
                }
            }
            synchronized (state) {
                // Under the lock that register() holds while it declares the session established.
                if (!established || closing) {
                    return;
                }
                established = false;
                state.onDisconnected();
                outbox.onDisconnected();
                listener.onConnectionChange(false);
                listener.onStatus("connection to " + c.address() + " lost: " + reason);
            }
            if (beacons != null) {
                beacons.target(null);
            }
            synchronized (signal) {
                lost = true;
                signal.notifyAll();
            }
        }
    }
}
