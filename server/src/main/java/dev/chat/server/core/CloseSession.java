package dev.chat.server.core;

/**
 * The hub asks the loop that owns a session to close it, with a {@code bye} carrying the
 * reason. Used when the cluster counted this node dead and dropped the session from its rooms:
 * the client reconnects and registers again rather than chat on with a session nobody else sees.
 */
public record CloseSession(Recipient who, String reason) {
}
