package dev.chat.server.bus;

/**
 * Every event-bus address the server uses, in one place. Local addresses carry Java objects
 * through {@link LocalCodec}; they never leave the JVM.
 */
public final class Addresses {
    /** The chat hub: requests from sessions ({@link dev.chat.server.core.HubCall}, {@link dev.chat.server.core.Disconnected}, {@link dev.chat.server.core.UserLookup}). */
    public static final String HUB = "chat.hub";
    /** Prefix of each event loop's delivery address ({@link dev.chat.server.core.Delivery}); see {@link #loop(int)}. */
    public static final String LOOP_PREFIX = "chat.loop.";
    /** Presence table queries: {@code ListPeers} in, {@code PeerList} back. */
    public static final String PRESENCE_PEERS = "chat.presence.peers";
    /** Presence changes, published as encoded {@code presence} frames (byte[]) to every loop. */
    public static final String PRESENCE_EVENTS = "chat.presence.events";
    /** Cluster mode: {@code peers} for the whole cluster (ListPeers in, PeerList back), answered by the cluster hub. */
    public static final String CLUSTER_PEERS = "chat.cluster.peers";
    /** Prefix of each cluster node's address (JSON messages between nodes); see {@link #node(String)}. */
    public static final String NODE_PREFIX = "chat.node.";
    /** An IRC user went away or came back: published to every loop's IRC output (away-notify). */
    public static final String IRC_AWAY = "chat.irc.away";
    /** A session of this node logged in or out ({@link dev.chat.server.core.Logins.Change}): published to every loop (account-notify). */
    public static final String ACCOUNT_CHANGES = "chat.accounts.changes";

    private Addresses() {
    }

    /** Delivery address of the event loop ({@link dev.chat.server.core.ChatLoop}) with this index. */
    public static String loop(int index) {
        return LOOP_PREFIX + index;
    }

    /** The cluster-wide address of one node's hub: room events, owner requests, direct messages. */
    public static String node(String nodeId) {
        return NODE_PREFIX + nodeId;
    }
}
