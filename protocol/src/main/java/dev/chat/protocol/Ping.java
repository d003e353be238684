package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * {@code ping}: either side asks for a {@link Pong}. The server sends it after a quiet
 * {@code heartbeat}; a client may send it any time, even before {@code hello}.
 */
public record Ping(Object id) implements ClientMessage, ServerMessage {
    public static final String TYPE = "ping";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void writeFields(JsonGenerator g) {
    }
}
