package dev.chat.client.session;

/** A request could not be sent, or got no answer, because the connection is (or went) down. */
public final class NotConnectedException extends Exception {
    public NotConnectedException(String message) {
        super(message, null, false, false);
    }
}
