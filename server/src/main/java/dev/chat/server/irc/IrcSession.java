package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.Ping;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One IRC connection, without the socket: bytes in, typed chat requests out to the core
 * ({@link IrcHooks#send}), typed chat replies and events in ({@link #onServerMessage},
 * {@link #onEvent}), IRC lines out ({@link IrcOutput}). The adapter that owns the socket feeds
 * it and does nothing else with IRC.
 *
 * <pre>
 *   socket bytes -&gt; IrcLineReader -&gt; command table -&gt; handler -&gt; ClientMessage{id} -&gt; core
 *   core -&gt; ServerMessage{id} -&gt; the handler's continuation -&gt; Response (label) -&gt; lines
 *   core -&gt; fanned-out event + RenderCache -&gt; lines rendered once per capability set
 * </pre>
 *
 * Like Ergo, every command goes through one table, which applies the rules common to all
 * before any handler runs: unknown command ({@code 421}), not registered yet ({@code 451}),
 * too few parameters ({@code 461}). Each request to the core gets a fresh numeric id; the reply
 * with that id runs the continuation the handler left, so replies may come in any order.
 *
 * <p>Not thread-safe: every method, and every hook callback, runs on the connection's context.
 */
public final class IrcSession implements IrcLineReader.Sink {

    /** A command handler: the line and the response it writes to. */
    interface Handler {
        void handle(IrcLine line, Response response);
    }

    private record Command(int minParams, boolean beforeRegistration, Handler handler) {
    }

    private final IrcServerInfo info;
    private final IrcHooks core;
    private final IrcOutput out;
    private final LongSupplier clock;
    private final IrcLineReader reader = new IrcLineReader();
    private final Replies replies;
    private final EventRenderer renderer;
    private final RecentEvents recent = new RecentEvents();
    private final Map<Long, Consumer<ServerMessage>> pending = new HashMap<>();
    private final Map<String, Command> commands = new HashMap<>();
    private final Registration registration;
    private final MessageCommands messages;
    private final QueryCommands queries;
    private final ModeCommands modes;
    private final ChannelRoles roles = new ChannelRoles();

    /** The registered nick, or {@code null} before registration. */
    private String nick;
    /** {@link Names#nickKey} of {@link #nick}. */
    private String nickKey;
    private String away;
    private int caps;
    private boolean closed;
    private long nextId;
    private int nextBatch;
    /** Direct messages that came between a SASL login and the burst: shown after it, at most this many. */
    static final int MAX_DIRECT_BEFORE_BURST = 64;
    private ArrayDeque<ChatMessage> directBeforeBurst;
    /** Rooms this connection is in, canonical names: at most {@code CHANLIMIT}. */
    final Set<String> joined = new LinkedHashSet<>();

    public IrcSession(IrcServerInfo info, IrcHooks core, IrcOutput out, LongSupplier clock) {
        this.info = info;
        this.core = core;
        this.out = out;
        this.clock = clock;
        this.replies = new Replies(info.serverName(), () -> nick == null ? "*" : nick);
        this.renderer = new EventRenderer(info, core);
        this.registration = new Registration(this);
        this.messages = new MessageCommands(this);
        ChannelCommands channels = new ChannelCommands(this);
        this.queries = new QueryCommands(this);
        this.modes = new ModeCommands(this);
        ChatHistoryCommand history = new ChatHistoryCommand(this);
        command("CAP", 1, true, registration::cap);
        command("PASS", 1, true, registration::pass);
        command("NICK", 0, true, registration::nick);
        command("USER", 4, true, registration::user);
        command("AUTHENTICATE", 1, true, registration::authenticate);
        command("PING", 1, true, queries::ping);
        command("PONG", 0, true, queries::pong);
        command("QUIT", 0, true, queries::quit);
        command("PRIVMSG", 0, false, messages::privmsg);
        command("NOTICE", 0, false, messages::notice);
        command("TAGMSG", 1, false, messages::tagmsg);
        command("BATCH", 1, false, messages::batch);
        command("JOIN", 1, false, channels::join);
        command("PART", 1, false, channels::part);
        command("NAMES", 0, false, channels::names);
        command("LIST", 0, false, channels::list);
        command("TOPIC", 1, false, channels::topic);
        command("MODE", 1, false, modes::mode);
        command("KICK", 2, false, channels::kick);
        command("INVITE", 2, false, channels::invite);
        command("WHO", 1, false, queries::who);
        command("WHOIS", 1, false, queries::whois);
        command("WHOWAS", 1, false, queries::whowas);
        command("AWAY", 0, false, queries::away);
        command("MOTD", 0, false, queries::motd);
        command("LUSERS", 0, false, queries::lusers);
        command("VERSION", 0, false, queries::version);
        command("TIME", 0, false, queries::time);
        command("USERHOST", 1, false, queries::userhost);
        command("ISON", 1, false, queries::ison);
        command("OPER", 2, false, queries::oper);
        command("CHATHISTORY", 1, false, history::handle);
    }

    private void command(String name, int minParams, boolean beforeRegistration, Handler handler) {
        commands.put(name, new Command(minParams, beforeRegistration, handler));
    }

    // ---- input from the socket ----

    /** Feeds bytes read from the socket. */
    public void onBytes(byte[] b, int off, int len) {
        reader.feed(b, off, len, this);
    }

    /** One parsed line (from {@link #onBytes}, or from an adapter that frames lines itself). */
    @Override
    public void line(IrcLine line) {
        if (closed) {
            return;
        }
        String name = line.command().toUpperCase(Locale.ROOT);
        String label = Capability.usable(Capability.LABELED_RESPONSE, caps) ? line.tag("label") : null;
        Response r = new Response(this, label == null || label.isEmpty() ? null : label);
        r.hold();
        try {
            if (messages.swallowedByBatch(name, line, r)) {
                return;
            }
            Command c = commands.get(name);
            if (c == null) {
                r.add(replies.std(Numeric.ERR_UNKNOWNCOMMAND, name));
            } else if (nick == null && !c.beforeRegistration()) {
                r.add(replies.std(Numeric.ERR_NOTREGISTERED));
            } else if (line.params().size() < c.minParams()) {
                r.add(replies.std(Numeric.ERR_NEEDMOREPARAMS, name));
            } else {
                c.handler().handle(line, r);
            }
        } finally {
            r.release();
        }
    }

    /** A line the reader refused: answered, never dropped silently. */
    @Override
    public void problem(IrcLineReader.Problem problem, String command) {
        if (closed) {
            return;
        }
        switch (problem) {
            case TOO_LONG -> write(replies.std(Numeric.ERR_INPUTTOOLONG));
            case FORBIDDEN_BYTE -> write(replies.num(Numeric.ERR_UNKNOWNERROR, command,
                    "Line refused: it holds a NUL byte, or a CR before its end; nothing was done"));
            case INVALID_UTF8 -> write(replies.fail(command, "INVALID_UTF8",
                    "Line refused: it is not valid UTF-8, and this server speaks UTF-8 only; nothing was done"));
            case MALFORMED -> write(replies.num(Numeric.ERR_UNKNOWNERROR, command,
                    "Line refused: it has no command; nothing was done"));
            case FRAMED_PROTOCOL -> {
                out.write(ProtocolProbe.framedAtIrcPort(info.ircPort(), info.framedPort()));
                shut();
            }
        }
    }

    // ---- input from the core ----

    /** A reply (carrying the id of one of this session's requests) or an event for this session alone. */
    public void onServerMessage(ServerMessage m) {
        if (closed) {
            return;
        }
        Object id = m.id();
        if (id != null) {
            Consumer<ServerMessage> then = pending.remove(id);
            if (then != null) {
                then.accept(m);
                return;
            }
        }
        event(m, null);
    }

    /**
     * A fanned-out event, rendered through the delivery's shared cache. A room message for a
     * member other than its sender (the bulk of a fan-out) takes the short way: the shared bytes
     * of this session's render key, nothing else looked at or allocated.
     */
    public void onEvent(RenderCache cache) {
        if (closed) {
            return;
        }
        String sender = cache.senderKey();
        if (sender != null && nickKey != null && !sender.equals(nickKey)) {
            byte[] bytes = cache.bytes(caps & cache.keyMask(), renderer);
            if (bytes.length > 0) {
                out.write(bytes);
            }
            return;
        }
        event(cache.event(), cache);
    }

    /** {@code nick} (in one of this session's rooms) is now away with {@code message}, or back ({@code null}). */
    public void onAway(String who, String message) {
        if (closed || nick == null || isMe(who) || !Capability.AWAY_NOTIFY.in(caps) || !recent.firstAway(who, message)) {
            return;
        }
        List<String> params = message == null ? List.of() : List.of(message);
        write(renderer.from(who, caps, now(), "AWAY", params, message != null));
    }

    /**
     * {@code nick} (in one of this session's rooms) logged in to {@code account}, or out
     * ({@code null}): {@code ACCOUNT} for account-notify clients.
     */
    public void onAccount(String who, String account) {
        if (!closed && nick != null && !isMe(who) && Capability.ACCOUNT_NOTIFY.in(caps)) {
            write(renderer.from(who, caps, now(), "ACCOUNT", List.of(account == null ? "*" : account), false));
        }
    }

    // ---- from the adapter's timers ----

    /** The connection was quiet for a heartbeat: asks the client for a {@code PONG}. */
    public void ping() {
        if (!closed) {
            write(replies.command("PING", info.serverName()));
        }
    }

    /** Closes the connection with {@code ERROR :reason} (registration or ping timeout, shutdown). */
    public void closeWith(String reason) {
        if (!closed) {
            write(IrcLine.withText(null, "ERROR", "Closing link: " + reason));
            shut();
        }
    }

    public boolean closed() {
        return closed;
    }

    /** Whether this session is in at least one of {@code rooms} (canonical names). */
    public boolean inAnyOf(Collection<String> rooms) {
        for (String room : rooms) {
            if (joined.contains(room)) {
                return true;
            }
        }
        return false;
    }

    /** This session's rooms, canonical names, in join order (a copy). */
    public List<String> rooms() {
        return List.copyOf(joined);
    }

    /** The registered nick, or {@code null} before registration. */
    public String nick() {
        return nick;
    }

    public boolean registered() {
        return nick != null;
    }

    /**
     * The registration's {@code hello}, or a SASL login, is with the core and not answered yet:
     * the adapter holds the lines that come meanwhile, and serves them once it is answered.
     */
    public boolean awaitingRegistration() {
        return registration.waitingForCore();
    }

    /** The enabled capabilities, {@link Capability#bit()} each. */
    public int capabilities() {
        return caps;
    }

    /** Requests sent to the core and not answered yet: stop reading the socket when this is high. */
    public int requestsInFlight() {
        return pending.size();
    }

    // ---- for the handlers ----

    IrcServerInfo info() {
        return info;
    }

    IrcHooks core() {
        return core;
    }

    Replies replies() {
        return replies;
    }

    EventRenderer renderer() {
        return renderer;
    }

    RecentEvents recent() {
        return recent;
    }

    long now() {
        return clock.getAsLong();
    }

    int caps() {
        return caps;
    }

    void setCaps(int caps) {
        this.caps = caps;
    }

    void registeredAs(String nick) {
        this.nick = nick;
        this.nickKey = nick == null ? null : Names.nickKey(nick);
        if (nick != null) {
            core.identity(nick, registration.realname());
        }
    }

    Registration registration() {
        return registration;
    }

    /** The welcome burst is in {@code r}: the direct messages that came before it follow it there. */
    void burstDone(Response r) {
        ArrayDeque<ChatMessage> held = directBeforeBurst;
        directBeforeBurst = null;
        if (held != null) {
            for (ChatMessage cm : held) {
                r.addAll(renderer.render(cm, caps & EventRenderer.keyMask(cm), now()));
            }
        }
    }

    QueryCommands queries() {
        return queries;
    }

    ModeCommands modes() {
        return modes;
    }

    ChannelRoles roles() {
        return roles;
    }

    /** This session's away message, or {@code null}. */
    String away() {
        return away;
    }

    void setAway(String message) {
        away = message;
    }

    /**
     * A member's channel prefixes, all of them with multi-prefix, else the highest: as this
     * session's copy of the room's roles says for a joined room, else as the core's hook says.
     */
    String memberPrefix(String room, String member) {
        return visiblePrefixes(roles.knows(room) ? roles.prefixes(room, member) : core.membershipPrefixes(room, member));
    }

    /** A member's prefixes as a {@code who} reply tells them (room, nick): all or the highest ({@code multi-prefix}). */
    java.util.function.BiFunction<String, String, String> prefixes(ServerMessage.WhoReply w) {
        Set<String> ops = new java.util.HashSet<>();
        Set<String> voiced = new java.util.HashSet<>();
        w.operators().forEach(n -> ops.add(Names.nickKey(n)));
        w.voiced().forEach(n -> voiced.add(Names.nickKey(n)));
        return (room, member) -> visiblePrefixes(ChannelRoles.prefixes(ops.contains(Names.nickKey(member)),
                voiced.contains(Names.nickKey(member))));
    }

    /** All prefixes with multi-prefix, else the highest. */
    String visiblePrefixes(String all) {
        return all.isEmpty() || Capability.MULTI_PREFIX.in(caps) ? all : all.substring(0, 1);
    }

    boolean isMe(String who) {
        return nickKey != null && who != null && Names.nickKey(who).equals(nickKey);
    }

    /** A builder of a request for a given id. */
    interface Request {
        ClientMessage withId(Long id);
    }

    /** Sends a request; {@code then} runs with its reply. The response is held until then. */
    void call(Request request, Response r, Consumer<ServerMessage> then) {
        Long id = ++nextId;
        Response.Slot slot = r.open();
        pending.put(id, reply -> r.complete(slot, () -> then.accept(reply)));
        core.send(request.withId(id));
    }

    String nextBatchRef() {
        return "b" + (++nextBatch);
    }

    void write(IrcLine line) {
        if (!closed) {
            out.write(line.encode());
        }
    }

    /** Closes after what was written: the client said {@code QUIT}, or the core said {@code bye}. */
    void shut() {
        if (!closed) {
            closed = true;
            reader.stop();
            pending.clear();
            out.close();
        }
    }

    private void event(ServerMessage m, RenderCache cache) {
        if (m instanceof Ping) {
            ping();
        } else if (m instanceof ServerMessage.Bye bye) {
            closeWith(bye.reason());
        } else if (m instanceof ServerMessage.Error e) {
            if (ErrorCode.SLOW_CONSUMER.equals(e.code()) || ErrorCode.SERVER_FULL.equals(e.code())) {
                closeWith(e.message());
            } else {
                write(replies.num(Numeric.ERR_UNKNOWNERROR, "*", e.message()));
            }
        } else if (nick == null) {
            // no chat event is addressed to a connection before its welcome, but a direct message
            // to one the core registered at its SASL login, before CAP END: shown after the burst
            if (m instanceof ChatMessage cm && cm.isDirect() && registration.registeredInCore()) {
                if (directBeforeBurst == null) {
                    directBeforeBurst = new ArrayDeque<>();
                }
                if (directBeforeBurst.size() < MAX_DIRECT_BEFORE_BURST) {
                    directBeforeBurst.add(cm);
                }
            }
        } else if (m instanceof ChatMessage cm) {
            if (!cm.isDirect() && isMe(cm.from())) {
                messages.ownRoomMessage(cm);
                return;
            }
            deliver(m, cache);
        } else if (m instanceof Member mb) {
            roles.apply(mb);
            if (mb.by() != null || isModeration(mb.event())) {
                if (Member.KICK.equals(mb.event()) && isMe(mb.nick())) {
                    joined.remove(mb.room()); // the core took this session out of the room
                    roles.left(mb.room());
                }
                deliver(m, cache); // the target sees it too (MODE +o me, KICK #room me)
                return;
            }
            if (isMe(mb.nick()) || (mb.old() != null && isMe(mb.old()))) {
                return; // this session's own changes are answered from its replies
            }
            boolean show = switch (mb.event()) {
                case Member.JOIN -> {
                    recent.joined(mb.nick());
                    yield true;
                }
                case Member.QUIT -> recent.firstQuit(mb.nick());
                case Member.NICK -> recent.firstNick(mb.old(), mb.nick());
                default -> true;
            };
            if (show) {
                deliver(m, cache);
                if (Member.JOIN.equals(mb.event())) {
                    String message = core.awayMessage(mb.nick());
                    if (message != null) {
                        onAway(mb.nick(), message); // away-notify: "when a user joins and has an away message set"
                    }
                }
            }
        } else if (m instanceof ServerMessage.ModeChange) {
            deliver(m, cache);
        } else if (m instanceof ServerMessage.Topic t && t.id() == null) {
            roles.topic(t.room(), t.topic());
            deliver(m, cache);
        } else if (m instanceof ServerMessage.Invited inv) {
            write(renderer.from(inv.by(), caps, now(), "INVITE", List.of(nick, "#" + inv.room()), false));
        }
        // presence (LAN peers), pong and unsolicited replies have no IRC line
    }

    private static boolean isModeration(String event) {
        return switch (event) {
            case Member.OP, Member.DEOP, Member.VOICE, Member.DEVOICE, Member.KICK -> true;
            default -> false;
        };
    }

    private void deliver(ServerMessage m, RenderCache cache) {
        int key = caps & EventRenderer.keyMask(m);
        byte[] bytes = cache != null ? cache.bytes(key, renderer) : renderer.encode(m, key, now());
        if (bytes.length > 0) {
            out.write(bytes);
        }
    }
}
