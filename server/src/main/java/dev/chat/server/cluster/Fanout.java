package dev.chat.server.cluster;

import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.rooms.Recipient;

/**
 * What applying one room event does on this node, decided when the event is applied to the
 * room's state and carried out then (replicas) or once every node has the event (the owner).
 *
 * @param frame the encoded frame for this node's members
 * @param to this node's members per event loop, as they were when the event was applied
 * @param except a member not to send it to (the one whose nick changed), or null
 * @param stored a message to append to the history store, or null for member events
 */
record Fanout(byte[] frame, Recipient[][] to, Recipient except, ChatMessage stored) {
}
