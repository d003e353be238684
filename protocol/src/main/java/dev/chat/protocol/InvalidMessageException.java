package dev.chat.protocol;

/** A known message type with a missing or malformed field; the message names the field. */
public final class InvalidMessageException extends ProtocolException {
    public InvalidMessageException(String message, Object requestId) {
        super(ErrorCode.INVALID, message, requestId);
    }
}
