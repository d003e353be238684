package dev.chat.server.rooms;

/**
 * One encoded frame for several sessions of one event loop: how a room message fans out. The
 * frame is encoded once for all members; the array is shared and never modified.
 *
 * @param message whether the frame is a chat {@code message} (counted as a delivery in metrics)
 *        rather than an event
 */
public record Delivery(byte[] frame, Recipient[] to, boolean message) {
}
