package dev.chat.client.session;

import dev.chat.protocol.ServerMessage;

/** The server answered a request with an {@code error} frame. */
public final class ServerError extends Exception {
    private final transient ServerMessage.Error error;

    public ServerError(ServerMessage.Error error) {
        super(error.code() + (error.message() == null || error.message().isEmpty() ? "" : ": " + error.message()),
                null, false, false);
        this.error = error;
    }

    /** The contract's error code, e.g. {@code nick_taken}. */
    public String code() {
        return error.code();
    }

    /** The frame itself. */
    public ServerMessage.Error error() {
        return error;
    }
}
