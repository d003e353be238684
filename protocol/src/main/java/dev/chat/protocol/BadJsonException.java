package dev.chat.protocol;

/** The payload is not valid UTF-8, not JSON, not a single object, or has content after it. */
public final class BadJsonException extends ProtocolException {
    public BadJsonException(String message) {
        super(ErrorCode.BAD_JSON, message, null);
    }
}
