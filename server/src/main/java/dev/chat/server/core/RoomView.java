package dev.chat.server.core;

import java.util.List;

/** A room as {@code joined} reports it: the members' nicks in join order, and its latest {@code seq}. */
public record RoomView(List<String> members, long lastSeq) {
}
