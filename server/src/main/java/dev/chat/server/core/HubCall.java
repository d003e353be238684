package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;

/**
 * A session's request to the hub: the decoded, validated message, who sent it, and the loop's
 * deadline for it ({@link System#nanoTime()}; see {@link Deadlines}). The hub always answers
 * with the {@link dev.chat.protocol.ServerMessage} to send back: a reply, an {@code ok} (the loop
 * drops it when the request had no id), or an {@code error}.
 */
public record HubCall(Recipient from, ClientMessage message, long deadline) {
}
