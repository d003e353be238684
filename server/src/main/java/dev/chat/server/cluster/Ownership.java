package dev.chat.server.cluster;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The owner's side of a room it sequences: events applied here but not yet held by a majority
 * (released in order once they are), and requests that wait while the room is being taken over.
 */
final class Ownership {
    /** Requests beyond this many waiting, or events beyond this many unacknowledged, are refused. */
    static final int MAX_QUEUED = 10_000;

    /** False while the room is being taken over: requests wait in {@link #waiting}. */
    boolean ready;
    /** A takeover is asking the peers to follow (requests wait); false and not ready: it failed. */
    boolean syncing;
    /** Events rolled back by a stalled ballot, by version: their requesters wait for the next takeover. */
    final java.util.Map<Long, Pending> carried = new java.util.HashMap<>();
    final ArrayDeque<Pending> unreleased = new ArrayDeque<>();
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    Ownership(boolean ready) {
        this.ready = ready;
    }

    /** One sequenced event on its way to the other nodes. */
    static final class Pending {
        final JsonObject event;
        final Fanout fanout;
        final JsonObject reply;
        final Promise<JsonObject> done;
        final Set<String> waitingFor = new HashSet<>();
        /** Peers that hold the event. */
        int acks;

        Pending(JsonObject event, Fanout fanout, JsonObject reply, Promise<JsonObject> done) {
            this.event = event;
            this.fanout = fanout;
            this.reply = reply;
            this.done = done;
        }
    }
}
