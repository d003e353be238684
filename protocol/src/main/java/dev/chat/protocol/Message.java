package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * One protocol message: a JSON object whose {@code type} names the record. Every message knows
 * its wire {@link #type()} and writes its own fields; {@link MessageCodec} adds {@code type}
 * and {@code id} and does the framing.
 */
public sealed interface Message permits ClientMessage, ServerMessage, Beacon {

    /** The wire {@code type}, e.g. {@code "say"}. */
    String type();

    /** The request id this message carries or answers, or {@code null}: a String or a Long. */
    default Object id() {
        return null;
    }

    /** Writes the fields other than {@code type} and {@code id}, in wire order. */
    void writeFields(JsonGenerator g) throws IOException;
}
