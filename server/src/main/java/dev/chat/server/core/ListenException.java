package dev.chat.server.core;

/**
 * A listener could not bind: the message names the option, the address and the port, as an
 * operator would fix it: {@code --http-port 7422 (0.0.0.0:7422) is in use}.
 */
public final class ListenException extends RuntimeException {
    public ListenException(String option, String host, int port, Throwable cause) {
        super(option + " " + port + " (" + host + ":" + port + ") " + why(cause), cause, false, false);
    }

    private static String why(Throwable cause) {
        String m = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("in use")) {
            return "is in use";
        }
        if (m.contains("permission") || m.contains("denied")) {
            return "is not allowed (ports below 1024 need privileges)";
        }
        if (m.contains("assign") || m.contains("not available") || m.contains("unresolved") || m.contains("unknown host")) {
            return "cannot be bound: the address is not one of this machine's";
        }
        return "cannot be bound: " + cause.getMessage();
    }
}
