package dev.chat.protocol;

/**
 * A peer sent something the protocol does not allow. Carries the contract's error
 * {@link ErrorCode code} and, when the offending request had one, its {@code id}, so that the
 * receiver can answer with exactly one {@code error} frame.
 */
public class ProtocolException extends Exception {
    private final String code;
    private final transient Object requestId;

    public ProtocolException(String code, String message, Object requestId) {
        super(message, null, false, false); // no stack trace: these are expected, not bugs
        this.code = code;
        this.requestId = requestId;
    }

    /** The contract's error code, e.g. {@code bad_json}. */
    public String code() {
        return code;
    }

    /** The {@code id} of the offending request, or {@code null}. */
    public Object requestId() {
        return requestId;
    }

    /** Whether the connection must be closed after the error is sent. */
    public boolean fatal() {
        return false;
    }
}
