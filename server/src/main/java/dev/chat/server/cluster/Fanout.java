package dev.chat.server.cluster;

import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.Recipient;

/**
 * What applying one room event does on this node, decided when the event is applied to the
 * room's state and carried out then (replicas) or once every node has the event (the owner).
 *
 * @param event what this node's members get
 * @param frame {@code event}, encoded once
 * @param to this node's members per lane, as they were when the event was applied
 * @param except a member not to send it to (the one whose nick changed), or null
 * @param stored a message to append to the history store, or null for member events
 */
record Fanout(ServerMessage event, byte[] frame, Recipient[][] to, Recipient except, ChatMessage stored) {
}
