package dev.chat.server.ircnet;

import dev.chat.protocol.ClientMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.core.UserLookup;
import dev.chat.server.irc.IrcHooks;
import dev.chat.server.irc.IrcServerInfo;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one IRC connection's translator asks of the chat core. Requests go to the loop's rules
 * exactly as the framed port's decoded frames do ({@link IrcConnection#request}); the replies
 * come back through {@link dev.chat.server.core.Connection#send}. User lookups ({@code WHOIS},
 * {@code WHO nick}, {@code ISON}, {@code USERHOST}) ask the hub ({@link UserLookup}), which knows
 * every user of this node and, in a cluster, which node holds a nick. Real names and away
 * messages are IRC's own ({@link IrcUsers}, this node's IRC users). Accounts are the hub's
 * ({@link dev.chat.server.core.Logins}, this node's sessions of every transport); SASL logs in with
 * the chat's own {@code login}. Topics and room roles are the core's (requests and events).
 */
final class CoreHooks implements IrcHooks {
    /** How long a lookup may wait for the hub (a cluster's directory included). */
    static final long LOOKUP_TIMEOUT_MS = 5_000;
    /** Lookups one connection may have waiting; at this many its socket is not read until half are answered. */
    static final int MAX_LOOKUPS_IN_FLIGHT = 64;
    private static final DeliveryOptions ASK = new DeliveryOptions(LocalCodec.LOCAL).setSendTimeout(LOOKUP_TIMEOUT_MS);

    private final IrcConnection connection;
    private final IrcUsers users;
    private String nick;
    private int lookups;
    private boolean lookupsPaused;

    CoreHooks(IrcConnection connection, IrcUsers users) {
        this.connection = connection;
        this.users = users;
    }

    @Override
    public void send(ClientMessage request) {
        connection.request(request);
    }

    /** This node's open connections (every transport): the only count the loop has at hand. */
    @Override
    public LuserCounts lusers() {
        int local = connection.fanout().metrics().connections.get();
        return new LuserCounts(local, 1, 0, local);
    }

    @Override
    public void identity(String nick, String realname) {
        users.identity(connection, this.nick, nick, realname);
        this.nick = nick;
    }

    @Override
    public void lookupUser(String nick, Consumer<UserInfo> done) {
        if (++lookups >= MAX_LOOKUPS_IN_FLIGHT && !lookupsPaused) {
            lookupsPaused = true;
            connection.pauseReading();
        }
        connection.fanout().loop().vertx().eventBus().<UserLookup.Found>request(Addresses.HUB, new UserLookup(nick), ASK)
                .onComplete(ar -> {
                    if (--lookups <= MAX_LOOKUPS_IN_FLIGHT / 2 && lookupsPaused) {
                        lookupsPaused = false;
                        connection.resumeReadingIfFree();
                    }
                    UserLookup.Found f = ar.succeeded() ? ar.result().body() : UserLookup.NOT_FOUND;
                    if (!f.exists()) {
                        done.accept(null);
                        return;
                    }
                    IrcUsers.User irc = f.local() ? users.get(f.nick()) : null;
                    done.accept(new UserInfo(f.nick(), irc == null ? null : irc.realname(),
                            f.local() ? connection.serverName() : IrcServerInfo.tokenOf(f.node()), f.rooms()));
                });
    }

    /** Every server keeps accounts (in its store): SASL can succeed. */
    @Override
    public boolean saslAvailable() {
        return true;
    }

    /** Known for this node's sessions only: a user of another cluster node has none here. */
    @Override
    public String account(String nick) {
        return connection.fanout().logins().account(nick);
    }

    @Override
    public String realname(String nick) {
        IrcUsers.User u = users.get(nick);
        return u == null ? null : u.realname();
    }

    @Override
    public String awayMessage(String nick) {
        IrcUsers.User u = users.get(nick);
        return u == null ? null : u.away();
    }

    /** Kept in this node's table, and told to the IRC members of the user's rooms on every loop (away-notify). */
    @Override
    public void setAway(String message) {
        if (nick == null) {
            return;
        }
        users.away(connection, nick, message);
        List<String> rooms = connection.rooms();
        if (!rooms.isEmpty()) {
            connection.fanout().loop().vertx().eventBus().publish(Addresses.IRC_AWAY,
                    new IrcUsers.AwayChange(nick, message, rooms), LocalCodec.LOCAL);
        }
    }

    /** The connection closed: its user leaves this node's table. */
    void closed() {
        users.remove(connection, nick);
    }
}
