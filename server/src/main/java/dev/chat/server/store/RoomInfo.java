package dev.chat.server.store;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What the store keeps about a room besides its messages. {@code attrs} is free-form JSON for
 * room settings that come later (modes, flags); a feature that needs more than that adds a
 * table in a new migration.
 *
 * @param name the room
 * @param lastSeq the highest {@code seq} ever appended to it (kept when retention prunes the
 *     messages, so that numbering continues)
 * @param createdMs when it was first stored, milliseconds since the epoch
 * @param topic its topic, or null
 * @param attrs settings, never null (empty when none)
 */
public record RoomInfo(String name, long lastSeq, long createdMs, String topic, JsonObject attrs) {

    public RoomInfo {
        Objects.requireNonNull(name, "name");
        attrs = attrs == null ? new JsonObject() : attrs.copy();
    }

    @Override
    public JsonObject attrs() {
        return attrs.copy();
    }
}
