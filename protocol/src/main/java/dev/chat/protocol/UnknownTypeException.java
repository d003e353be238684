package dev.chat.protocol;

/** The object has no string {@code type} field, or names a type this side does not accept. */
public final class UnknownTypeException extends ProtocolException {
    public UnknownTypeException(String message, Object requestId) {
        super(ErrorCode.UNKNOWN_TYPE, message, requestId);
    }
}
