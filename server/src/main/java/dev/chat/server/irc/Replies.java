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
        p.addAll(List.of(params));
        return new IrcLine(null, server, n.code(), p, true);
    }

    /** {@code :server NNN client middle... :standard text}. */
    IrcLine std(Numeric n, String... middle) {
        List<String> p = new ArrayList<>(middle.length + 2);
        p.add(client.get());
        p.addAll(List.of(middle));
        p.add(n.text());
        return new IrcLine(null, server, n.code(), p, true);
    }

    /** The standard text with a reason after it: {@code Cannot send to channel: reason}. */
    IrcLine because(Numeric n, String reason, String... middle) {
        List<String> p = new ArrayList<>(middle.length + 2);
        p.add(client.get());
        p.addAll(List.of(middle));
        p.add(n.text() + ": " + reason);
        return new IrcLine(null, server, n.code(), p, true);
    }

    /** A command from the server: {@code :server COMMAND params...}. */
    IrcLine command(String command, String... params) {
        return IrcLine.of(server, command, params);
    }

    /** An IRCv3 standard reply: {@code FAIL command code [context...] :description}. */
    IrcLine fail(String command, String code, String description, String... context) {
        List<String> p = new ArrayList<>(context.length + 3);
        p.add(command);
        p.add(code);
        p.addAll(List.of(context));
        p.add(description);
        return new IrcLine(null, server, "FAIL", p, true);
    }
}
