package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Hub;
import dev.chat.server.core.AccountService;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Logins;
import dev.chat.server.core.Refusal;
import dev.chat.server.core.Recipient;
import dev.chat.server.rooms.LocalRooms;
import dev.chat.server.store.Stores;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The chat's real rules ({@link Hub} over {@link LocalRooms} with the memory store) behind IRC sessions, wired
 * the way the IRC adapter will be: requests go to the hub, replies come back by id, fan-out
 * deliveries are decoded once and rendered through one {@link RenderCache} per delivery. Work is
 * queued and run by {@link #pump()}, so a test sees what a client sees after the server has
 * done everything it was asked. With {@link #repliesBeforeEvents} the hub's replies overtake
 * its fan-out, the other order the real server allows.
 *
 * <p>The only dependency of these tests on the server's current core classes sits here.
 */
final class TestChat {

    final Hub hub;
    private final LocalRooms rooms;
    /** {@link IrcServerInfo#forTests()} with the config's limits. */
    final IrcServerInfo info;
    long now = 1_767_225_600_000L;
    boolean repliesBeforeEvents;
    /** Every render cache made for a delivery, in order. */
    final List<RenderCache> caches = new ArrayList<>();
    final Map<String, String> away = new HashMap<>();
    final Map<String, IrcHooks.Topic> topics = new HashMap<>();
    /** The one account there is (its password is {@link #password}), or null: none. */
    String account;
    String password = "secret";
    /** Logins and logouts as the hub tells them, handed to the IRC members of the rooms (account-notify). */
    final Logins logins = new Logins(change -> this.queue.add(() -> {
        for (Irc c : this.ircClients) {
            if (!c.closed && c.session.registered() && c.session.inAnyOf(change.rooms())) {
                c.session.onAccount(change.nick(), change.account());
            }
        }
    }));
    /** Password checks the accounts were asked for. */
    int passwordChecks;
    /** Nick keys with an account; each one's password is {@code secret} ({@link #loggedIn}). */
    final java.util.Set<String> accounts = new java.util.HashSet<>();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Map<Long, Consumer<ServerMessage>> byRecipient = new HashMap<>();
    private final Map<Long, Consumer<RenderCache>> eventsByRecipient = new HashMap<>();
    private final List<Irc> ircClients = new ArrayList<>();
    private long nextSession;

    TestChat() {
        this(ServerConfig.forTests());
    }

    TestChat(ServerConfig config) {
        IrcServerInfo t = IrcServerInfo.forTests();
        info = new IrcServerInfo(t.serverName(), t.network(), t.version(), t.created(), t.motd(), t.userHost(),
                config.maxRoomsPerSession(), t.topicLength(), t.awayLength(), t.userModes(), t.channelModes(),
                t.historyMax(), t.multilineMaxBytes(), t.multilineMaxLines(), t.framedPort(), t.ircPort());
        rooms = new LocalRooms(config, new Lanes(1, 1), Stores.memory(config.storeConfig()), 0,
                (lane, d) -> delivered(d), () -> now);
        hub = new Hub(config, "n-test", rooms, (lane, d) -> delivered(d), () -> now, new OneAccount(),
                new dev.chat.server.presence.BeaconKeys(), logins);
    }

    /** Runs queued work until nothing is left. */
    void pump() {
        Runnable r;
        while ((r = queue.poll()) != null) {
            r.run();
        }
    }

    private void delivered(Delivery d) {
        queue.add(() -> {
            ServerMessage m;
            try { // decoded from its bytes, as a loop's output does
                m = MessageCodec.decodeServer(Arrays.copyOfRange(d.frame(), 4, d.frame().length));
            } catch (ProtocolException e) {
                throw new AssertionError(e);
            }
            RenderCache cache = new RenderCache(m, now);
            caches.add(cache);
            for (Recipient to : d.to()) {
                Consumer<RenderCache> irc = eventsByRecipient.get(to.sessionId());
                if (irc != null) {
                    irc.accept(cache);
                } else {
                    byRecipient.get(to.sessionId()).accept(m);
                }
            }
        });
    }

    private Recipient recipient() {
        long id = ++nextSession;
        return new Recipient() {
            public long sessionId() {
                return id;
            }

            public int lane() {
                return 0;
            }
        };
    }

    private void request(Recipient who, ClientMessage m, Consumer<ServerMessage> replyTo) {
        queue.add(() -> {
            // ping, pong and quit are the loop's, not the hub's (as in the core's command table)
            if (m instanceof dev.chat.protocol.Ping p) {
                reply(new dev.chat.protocol.Pong(p.id()), m, replyTo);
            } else if (m instanceof dev.chat.protocol.Pong) {
                return;
            } else if (m instanceof ClientMessage.Quit q) {
                hub.disconnected(who, q.reason());
            } else {
                Future<ServerMessage> reply = hub.handle(who, m, System.nanoTime() + 10_000_000_000L);
                reply.onSuccess(r -> reply(r, m, replyTo));
            }
        });
    }

    private void reply(ServerMessage reply, ClientMessage m, Consumer<ServerMessage> replyTo) {
        if (reply == null || (reply instanceof ServerMessage.Ok && m.id() == null)) {
            return;
        }
        if (repliesBeforeEvents) {
            queue.addFirst(() -> replyTo.accept(reply));
        } else {
            queue.add(() -> replyTo.accept(reply));
        }
    }

    /** An IRC client: its session and everything written to it. */
    Irc irc(IrcServerInfo info) {
        Irc c = new Irc(info);
        ircClients.add(c);
        return c;
    }

    Irc irc() {
        return irc(info);
    }

    /** A registered IRC client ({@code CAP LS 302}, the capabilities, {@code NICK}, {@code USER}, {@code CAP END}). */
    Irc registered(String nick, String... caps) {
        Irc c = irc();
        c.send("CAP LS 302");
        if (caps.length > 0) {
            c.send("CAP REQ :" + String.join(" ", caps));
        }
        c.send("NICK " + nick);
        c.send("USER " + nick + " 0 * :" + nick + " Example");
        c.send("CAP END");
        c.take();
        return c;
    }

    /**
     * A registered IRC client logged in to the account of its nick (made if needed): its session
     * sends the chat's {@code login} itself, as SASL would have it do.
     */
    Irc loggedIn(String nick, String... caps) {
        Irc c = registered(nick, caps);
        accounts.add(nick.toLowerCase()); // after the hello: a guest may not take a registered nick
        c.send(new ClientMessage.Login(-1L, nick, "secret"));
        pump();
        return c;
    }

    /** A framed client logged in to the account of its nick. */
    Framed framedLoggedIn(String nick) {
        Framed f = framed(nick);
        accounts.add(nick.toLowerCase());
        f.send(new ClientMessage.Login(2L, nick, "secret"));
        f.received.clear();
        return f;
    }

    /** Accounts held in memory: the password of every one is {@code secret}. */
    /** A client of the framed protocol, talking to the same hub. */
    Framed framed(String nick) {
        Framed f = new Framed();
        f.send(new ClientMessage.Hello(1L, nick));
        pump();
        f.received.clear();
        return f;
    }

    final class Irc implements IrcHooks, IrcOutput {
        final Recipient me = recipient();
        final IrcSession session;
        final List<String> out = new ArrayList<>();
        final List<ClientMessage> sent = new ArrayList<>();
        boolean closed;

        Irc(IrcServerInfo info) {
            session = new IrcSession(info, this, this, () -> now);
            byRecipient.put(me.sessionId(), session::onServerMessage);
            eventsByRecipient.put(me.sessionId(), session::onEvent);
        }

        /** Sends one line (CR LF added) and lets the server do everything it causes. */
        Irc send(String line) {
            return raw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        Irc raw(byte[] bytes) {
            session.onBytes(bytes, 0, bytes.length);
            pump();
            return this;
        }

        /** The lines written since the last take, without CR LF. */
        List<String> take() {
            List<String> lines = new ArrayList<>(out);
            out.clear();
            return lines;
        }

        @Override
        public void send(ClientMessage request) {
            sent.add(request);
            request(me, request, session::onServerMessage);
        }

        @Override
        public void write(byte[] lines) {
            String text = new String(lines, StandardCharsets.UTF_8);
            if (!text.endsWith("\r\n")) {
                throw new AssertionError("not whole lines: " + text);
            }
            for (String l : text.substring(0, text.length() - 2).split("\r\n", -1)) {
                if (l.getBytes(StandardCharsets.UTF_8).length > IrcLine.MAX_TAG_SECTION + IrcLine.MAX_BODY_BYTES) {
                    throw new AssertionError("line too long: " + l);
                }
                out.add(l);
            }
        }

        @Override
        public void close() {
            if (closed) {
                throw new AssertionError("closed twice");
            }
            closed = true;
            hub.disconnected(me);
        }

        @Override
        public LuserCounts lusers() {
            int users = hub.participants().size();
            int channels = (int) rooms.rooms().stream().filter(r -> r.members() > 0).count();
            return new LuserCounts(users, 1, channels, users);
        }

        @Override
        public void lookupUser(String nick, Consumer<UserInfo> done) {
            for (Irc c : ircClients) {
                if (!c.closed && c.session.isMe(nick)) {
                    done.accept(new UserInfo(c.session.nick(), null, "irc.test", List.copyOf(c.session.joined)));
                    return;
                }
            }
            done.accept(null);
        }

        @Override
        public String awayMessage(String nick) {
            return away.get(nick.toLowerCase());
        }

        @Override
        public void setAway(String message) {
            if (message == null) {
                away.remove(session.nick().toLowerCase());
            } else {
                away.put(session.nick().toLowerCase(), message);
            }
        }

        @Override
        public Topic topic(String room) {
            return topics.get(room);
        }

        @Override
        public boolean saslAvailable() {
            return account != null;
        }

        @Override
        public String account(String nick) {
            return logins.account(nick);
        }
    }

    /** {@link #account} with {@link #password}, checked at once; failures are login_failed, never throttled. */
    private final class OneAccount implements AccountService {
        @Override
        public boolean exists(String nickKey) {
            return nickKey.equals(account) || accounts.contains(nickKey);
        }

        @Override
        public Future<Void> login(String address, String nickKey, String password, long deadline) {
            passwordChecks++;
            boolean right = nickKey.equals(account) ? TestChat.this.password.equals(password)
                    : accounts.contains(nickKey) && password.equals("secret");
            return right ? Future.succeededFuture() : Future.failedFuture(Refusal.LOGIN_FAILED.refused());
        }

        @Override
        public Future<Void> register(String address, String nickKey, String nick, String password) {
            if (exists(nickKey)) {
                return Future.failedFuture(Refusal.ACCOUNT_EXISTS.refused());
            }
            if (account == null) {
                account = nickKey;
            } else {
                accounts.add(nickKey);
            }
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> changePassword(String address, String nickKey, String oldPassword, String newPassword,
                                           long deadline) {
            return Future.failedFuture(Refusal.NO_ACCOUNTS.refused());
        }

        @Override
        public Future<Void> unregister(String address, String nickKey, String password, long deadline) {
            if (!exists(nickKey) || !TestChat.this.password.equals(password)) {
                return Future.failedFuture(Refusal.LOGIN_FAILED.refused());
            }
            account = null;
            return Future.succeededFuture();
        }
    }

    /** A framed-protocol user: requests straight to the hub, everything it receives recorded. */
    final class Framed {
        final Recipient me = recipient();
        final List<ServerMessage> received = new ArrayList<>();

        Framed() {
            byRecipient.put(me.sessionId(), received::add);
        }

        Framed send(ClientMessage m) {
            request(me, m, received::add);
            pump();
            return this;
        }

        void disconnect() {
            hub.disconnected(me);
            pump();
        }
    }
}
