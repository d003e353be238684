package dev.chat.server.core;

import java.util.List;

/**
 * A question to the hub ({@link dev.chat.server.bus.Addresses#HUB}): who holds this nick, on
 * which node, in which rooms. It serves the IRC port's {@code WHOIS}, {@code WHO nick},
 * {@code USERHOST} and {@code ISON}, for users of every transport; the chat protocol has no such
 * request. The hub answers with a {@link Found} ({@link #NOT_FOUND} when nobody holds the nick).
 */
public record UserLookup(String nick) {
    /** The answer when nobody holds the nick (or the cluster's directory could not be asked). */
    public static final Found NOT_FOUND = new Found(null, null, false, null);

    /**
     * @param nick the nick as its holder spells it (as asked, for a holder on another node)
     * @param node the id of the node the holder is connected to
     * @param local whether that is this node
     * @param rooms the holder's rooms in join order, or null when it is on another node (not known here)
     */
    public record Found(String nick, String node, boolean local, List<String> rooms) {
        public boolean exists() {
            return nick != null;
        }
    }
}
