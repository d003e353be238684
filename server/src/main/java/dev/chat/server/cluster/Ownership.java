package dev.chat.server.cluster;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The owner's side of a room it sequences: events applied here but not yet acknowledged by every
 * other node (released in order once they are), and requests that wait while the room is being
 * taken over.
 */
final class Ownership {
    /** Requests beyond this many waiting, or events beyond this many unacknowledged, are refused. */
    static final int MAX_QUEUED = 10_000;

    /** False while the room is being taken over: requests wait in {@link #waiting}. */
    boolean ready;
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

        Pending(JsonObject event, Fanout fanout, JsonObject reply, Promise<JsonObject> done) {
            this.event = event;
            this.fanout = fanout;
            this.reply = reply;
            this.done = done;
        }
    }
}
