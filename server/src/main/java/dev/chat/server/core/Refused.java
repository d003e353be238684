package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;

/**
 * A request refused by a rule ({@link Refusal}): how a hub backend fails a request's future.
 * Carries the error code and text (made by {@link Refusal#refused}, or received from another
 * cluster node); no stack trace, since it is an answer, not a defect.
 */
public final class Refused extends RuntimeException {
    private final String code;

    public Refused(String code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The {@code error} frame answering {@code request}. */
    public ServerMessage.Error to(ClientMessage request) {
        return new ServerMessage.Error(request.id(), code, getMessage());
    }
}
