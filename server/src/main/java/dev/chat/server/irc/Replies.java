package dev.chat.server.irc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the server's lines for one connection: numerics always carry the server as source and
 * the client's nick ({@code *} before registration) as first parameter ("Modern IRC", section
 * "Numeric Replies").
 */
final class Replies {
    private final String server;
    private final Supplier<String> client;

    Replies(String server, Supplier<String> client) {
        this.server = server;
        this.client = client;
    }

    String server() {
        return server;
    }

    /** {@code :server NNN client params...}; the last of {@code params} is written as trailing. */
    IrcLine num(Numeric n, String... params) {
        List<String> p = new ArrayList<>(params.length + 1);
        p.add(client.get());
        for (int i = 0; i < params.length; i++) {
            p.add(i < params.length - 1 ? word(params[i]) : params[i]);
        }
        return new IrcLine(null, server, n.code(), p, true);
    }

    /** {@code :server NNN client middle... :standard text}. */
    IrcLine std(Numeric n, String... middle) {
        List<String> p = new ArrayList<>(middle.length + 2);
        p.add(client.get());
        words(middle, p);
        p.add(n.text());
        return new IrcLine(null, server, n.code(), p, true);
    }

    /** The standard text with a reason after it: {@code Cannot send to channel: reason}. */
    IrcLine because(Numeric n, String reason, String... middle) {
        List<String> p = new ArrayList<>(middle.length + 2);
        p.add(client.get());
        words(middle, p);
        p.add(n.text() + ": " + reason);
        return new IrcLine(null, server, n.code(), p, true);
    }

    /**
     * A client's string as a middle parameter: one that cannot be one (empty, with a space, or
     * starting with ':') is shown as {@code *}, so that echoing what a client sent can never
     * break a reply.
     */
    static String word(String s) {
        return s == null || s.isEmpty() || s.charAt(0) == ':' || s.indexOf(' ') >= 0 ? "*" : s;
    }

    private static void words(String[] in, List<String> out) {
        for (String w : in) {
            out.add(word(w));
        }
    }

    /** A command from the server: {@code :server COMMAND params...}. */
    IrcLine command(String command, String... params) {
        return IrcLine.of(server, command, params);
    }

    /** An IRCv3 standard reply: {@code FAIL command code [context...] :description}. */
    IrcLine fail(String command, String code, String description, String... context) {
        List<String> p = new ArrayList<>(context.length + 3);
        p.add(word(command));
        p.add(code);
        words(context, p);
        p.add(description);
        return new IrcLine(null, server, "FAIL", p, true);
    }
}
