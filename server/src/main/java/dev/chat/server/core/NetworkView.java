package dev.chat.server.core;

import java.util.List;

/**
 * The hub's part of {@code GET /api/network} (docs/WEB.md): every room with members, with its
 * {@code last_seq} and the node that sequences it, and the cluster's nodes. Asked by sending
 * {@link #QUERY} to {@code Addresses.HUB}; the hub answers with one of these.
 *
 * @param nodes the ids of the cluster's live nodes, this one first (just this one without a cluster)
 */
public record NetworkView(List<Room> rooms, List<String> nodes) {
    /** The request (a constant: it carries nothing). */
    public static final Object QUERY = new Object() {
        @Override
        public String toString() {
            return "NetworkView.QUERY";
        }
    };

    /** One room: {@code owner} is the id of the node that numbers its messages. */
    public record Room(String room, int members, long lastSeq, String owner) {
    }
}
