package dev.chat.protocol;

/** A UDP datagram whose length header does not match its size. Datagrams are dropped, never answered. */
public final class MalformedDatagramException extends ProtocolException {
    public MalformedDatagramException(String message) {
        super(ErrorCode.INVALID, message, null);
    }
}
