package dev.chat.server.store;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * One write waiting for its transaction: an append, a room's settings, or a room's deletion,
 * with the promise to complete and the Vert.x context to complete it on (null outside Vert.x).
 */
final class WriteOp {
    enum Type { APPEND, SAVE_ROOM, DELETE_ROOM }

    final Type type;
    final StoredMessage message;
    final String room;
    final String topic;
    final JsonObject attrs;
    final Promise<Void> promise = Promise.promise();
    final Context context = Vertx.currentContext();
    final long queuedNanos = System.nanoTime();
    final int weight;

    private WriteOp(Type type, StoredMessage message, String room, String topic, JsonObject attrs, int weight) {
        this.type = type;
        this.message = message;
        this.room = room;
        this.topic = topic;
        this.attrs = attrs;
        this.weight = weight;
    }

    static WriteOp append(StoredMessage m) {
        return new WriteOp(Type.APPEND, m, m.room(), null, null, m.weight());
    }

    static WriteOp saveRoom(String room, String topic, JsonObject attrs) {
        JsonObject a = attrs == null ? new JsonObject() : attrs.copy();
        return new WriteOp(Type.SAVE_ROOM, null, room, topic, a,
                256 + 2 * (room.length() + (topic == null ? 0 : topic.length())) + a.encode().length() * 2);
    }

    static WriteOp deleteRoom(String room) {
        return new WriteOp(Type.DELETE_ROOM, null, room, null, null, 128 + 2 * room.length());
    }

    boolean isAppend() {
        return type == Type.APPEND;
    }
}
