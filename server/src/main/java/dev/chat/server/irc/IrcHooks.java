package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import java.util.List;
import java.util.function.Consumer;

/**
 * What an {@link IrcSession} needs from the chat core, one instance per connection. The adapter
 * implements it; everything the chat protocol already has goes through {@link #send}, and each
 * piece IRC needs that the chat protocol lacks is one clearly named method here, with a default
 * that says "this server does not have it (yet)".
 *
 * <p>Every method is called on the connection's context, and every callback must be run on it
 * too (the session is not thread-safe). Callbacks may run before the method returns.
 */
public interface IrcHooks {

    /**
     * Sends a request to the core on behalf of this connection, exactly as if the framed
     * protocol had decoded it. The reply carries the same {@code id} and must be handed to
     * {@link IrcSession#onServerMessage}. {@link IrcSession#requestsInFlight()} tells the
     * adapter when to stop reading the socket (as the framed listener does at 64).
     */
    void send(ClientMessage request);

    /**
     * This connection's user is registered as {@code nick} (after the welcome, and after each
     * nick change), with the real name of its {@code USER}: what {@link #realname} and
     * {@link #awayMessage} then answer for it to other connections.
     */
    default void identity(String nick, String realname) {
    }

    /** Counts for {@code LUSERS} and the welcome burst; a recent snapshot is fine. */
    default LuserCounts lusers() {
        return new LuserCounts(0, 1, 0, 0);
    }

    /** Looks a nick up across the cluster ({@code WHOIS}, {@code WHO nick}, {@code ISON}...): {@code null} if nobody has it. */
    default void lookupUser(String nick, Consumer<UserInfo> done) {
        done.accept(null);
    }

    /** The real name of a user ({@code extended-join}, {@code WHO}); {@code null}: unknown, the nick is shown. */
    default String realname(String nick) {
        return null;
    }

    /** The away message of a nick, or {@code null} if not away (or unknown). */
    default String awayMessage(String nick) {
        return null;
    }

    /**
     * This connection's user is away with {@code message}, or back ({@code null}). The core
     * should tell the members of the user's rooms: {@link IrcSession#onAway} on their connections.
     */
    default void setAway(String message) {
    }

    /**
     * A recent topic of a room this connection is not in, for {@code LIST}, or {@code null}
     * (shown as none). Topics themselves are the core's ({@code topic} requests and events).
     */
    default Topic topic(String room) {
        return null;
    }

    /**
     * Whether SASL {@code PLAIN} can succeed at all (accounts exist): only then is {@code sasl}
     * offered. The credentials themselves go to the core as a chat {@code login} ({@link #send}).
     */
    default boolean saslAvailable() {
        return false;
    }

    /**
     * The account a nick is logged in to ({@code account-tag}, {@code extended-join},
     * {@code WHOIS}), or {@code null}: a guest, or a user whose account is not known here.
     */
    default String account(String nick) {
        return null;
    }

    /**
     * A member's channel prefixes, highest first ({@code "@"} for an operator, {@code "+"} for a
     * voiced member), or {@code ""}, for a room this connection is not in ({@code WHOIS}); in its
     * own rooms the session knows them from the core's events.
     */
    default String membershipPrefixes(String room, String nick) {
        return "";
    }

    /**
     * {@code LUSERS} numbers.
     *
     * @param users registered sessions in the cluster, every protocol
     * @param servers nodes in the cluster
     * @param channels rooms with at least one member
     * @param localUsers registered sessions on this node
     */
    record LuserCounts(int users, int servers, int channels, int localUsers) {
    }

    /** A room's topic, who set it and when (epoch ms). */
    record Topic(String text, String setBy, long setAtMillis) {
    }

    /**
     * What {@code WHOIS} shows about a user.
     *
     * @param nick the nick as its holder spells it
     * @param realname real name, or {@code null} (the nick is shown)
     * @param server name of the node the user is connected to
     * @param rooms the user's rooms, or {@code null} if not known
     */
    record UserInfo(String nick, String realname, String server, List<String> rooms) {
    }
}
