package dev.chat.protocol;

/**
 * A frame header declared a length of 0 or above the limit. The stream cannot be resynchronised
 * after this, so the connection is closed.
 */
public final class FrameTooLargeException extends ProtocolException {
    private final long declaredLength;
    private final int limit;

    public FrameTooLargeException(long declaredLength, int limit) {
        super(ErrorCode.FRAME_TOO_LARGE, declaredLength == 0
                ? "frame length 0 is not allowed"
                : "frame length " + declaredLength + " exceeds the limit of " + limit + " bytes", null);
        this.declaredLength = declaredLength;
        this.limit = limit;
    }

    public long declaredLength() {
        return declaredLength;
    }

    public int limit() {
        return limit;
    }

    @Override
    public boolean fatal() {
        return true;
    }
}
