package dev.chat.server.irc;

/** A line that cannot be an IRC message at all (no command); answered, never fatal. */
public final class MalformedLineException extends RuntimeException {
    public MalformedLineException(String message) {
        super(message, null, false, false);
    }
}
