package dev.chat.server.core;

/** A session's connection closed: the hub removes it from its rooms and frees its nick. */
public record Disconnected(Recipient who, String reason) {
}
