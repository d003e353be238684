package dev.chat.server.ircnet;

import dev.chat.protocol.ClientMessage;
import dev.chat.server.irc.IrcHooks;

/**
 * What one IRC connection's translator asks of the chat core. Requests go to the loop's rules
 * exactly as the framed port's decoded frames do ({@link IrcConnection#request}); the replies
 * come back through {@link dev.chat.server.core.Connection#send}. The features the chat protocol
 * does not carry (topics, away across nodes, user lookup, accounts) keep the translator's
 * defaults: docs/IRC.md, "What the chat protocol lacks".
 */
final class CoreHooks implements IrcHooks {
    private final IrcConnection connection;

    CoreHooks(IrcConnection connection) {
        this.connection = connection;
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
}
