package dev.chat.server.core;

import java.util.List;

/**
 * A room as {@code joined} (and {@code who}) reports it: the members' nicks in join order, its
 * latest {@code seq}, its topic (null: none), and the members who are operators and voiced.
 */
public record RoomView(List<String> members, long lastSeq, String topic, List<String> operators, List<String> voiced) {

    /** A room without topic, operators or voiced members. */
    public RoomView(List<String> members, long lastSeq) {
        this(members, lastSeq, null, List.of(), List.of());
    }
}
