package dev.chat.server.cluster;

/**
 * A member of a replicated room: a session on some node, under its current nick.
 *
 * @param node the node that holds the session's connection
 * @param session the session id, unique within its node
 */
record RoomMember(String node, long session, String nick) {

    /** The member's key within a room: node and session. */
    static String key(String node, long session) {
        return node + "/" + session;
    }

    String key() {
        return key(node, session);
    }
}
