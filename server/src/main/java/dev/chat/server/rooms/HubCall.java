package dev.chat.server.rooms;

import dev.chat.protocol.ClientMessage;

/**
 * A session's request to the hub: the decoded, validated message and who sent it. The hub
 * answers with the {@link dev.chat.protocol.ServerMessage} to send back, or {@code null}.
 */
public record HubCall(Recipient from, ClientMessage message) {
}
