package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;

/** {@code pong}: the answer to a {@link Ping}, carrying the ping's {@code id} if it had one. */
public record Pong(Object id) implements ClientMessage, ServerMessage {
    public static final String TYPE = "pong";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void writeFields(JsonGenerator g) {
    }
}
