package dev.chat.server.cluster;

/**
 * A member of a replicated room: a session on some node, under its current nick, logged in to
 * {@code account} (null: a guest), which the room's rules need (operators are accounts).
 *
 * @param node the node that holds the session's connection
 * @param session the session id, unique within its node
 */
record RoomMember(String node, long session, String nick, String account)
        implements dev.chat.server.core.Moderation.Person {

    /** The member's key within a room: node and session. */
    static String key(String node, long session) {
        return node + "/" + session;
    }

    String key() {
        return key(node, session);
    }
}
