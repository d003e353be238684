package dev.chat.server.core;

/**
 * A session's connection closed: the hub removes it from its rooms and frees its nick.
 *
 * @param reason why it closed, for the logs
 * @param quitReason the reason the client gave in its {@code quit} (at most
 *     {@link Session#MAX_QUIT_REASON} code points), passed on to the other members; null when
 *     there was none or the connection just dropped
 */
public record Disconnected(Recipient who, String reason, String quitReason) {
}
