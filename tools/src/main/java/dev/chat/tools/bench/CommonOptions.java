package dev.chat.tools.bench;

import dev.chat.tools.DurationOption;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every bench scenario takes: where the servers are, and how the generator runs. */
final class CommonOptions {
    static final int MAX_THREADS = 16;

    @Option(names = "--server", defaultValue = "127.0.0.1:7420", paramLabel = "HOST:PORT",
            description = "The server to load (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--servers", split = ",", paramLabel = "HOST:PORT",
            description = "Several cluster nodes, comma separated; clients are spread over them round-robin, so rooms"
                    + " span nodes (cross-node fan-out). Replaces --server.")
    List<String> servers;

    @Option(names = "--allow-remote",
            description = "Allow targets that are not loopback addresses (only load machines you own).")
    boolean allowRemote;

    @Option(names = "--threads", defaultValue = "1",
            description = "Event-loop threads of the generator (clients are spread over them), 1.." + MAX_THREADS + " (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--protocol", defaultValue = "framed", paramLabel = "framed|irc|ws",
            description = "How clients talk to the server: framed (this server's framed JSON over TCP), irc (NICK/USER,"
                    + " JOIN, PRIVMSG: for an IRC listener or another IRC server), ws (one JSON message per WebSocket"
                    + " text frame at ws://HOST:PORT/ws) (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--tls",
            description = "Run the protocol inside TLS (framed on the server's TLS port, irc on an IRC TLS port such as"
                    + " 6697, ws as wss://). Accepts any certificate and checks no name: for measuring only.")
    boolean tls;

    @Option(names = "--ws-path", defaultValue = "/ws", paramLabel = "PATH",
            description = "The WebSocket endpoint with --protocol ws (default: ${DEFAULT-VALUE}).")
    String wsPath;

    @Option(names = "--irc-setup", paramLabel = "LINE",
            description = "With --protocol irc: a raw IRC line each client sends after the welcome, before JOIN"
                    + " ({nick} is replaced by its nick), e.g. \"OPER bench secret\". Repeatable.")
    List<String> ircSetup;

    @Option(names = "--setup-in-flight", defaultValue = "128", paramLabel = "N",
            description = "Clients connecting, registering and joining at once, per generator thread, 1..1024"
                    + " (default: ${DEFAULT-VALUE}); lower it for a server with a short accept backlog.")
    int setupInFlight;

    @Option(names = "--setup-timeout", defaultValue = "120s", converter = DurationOption.class,
            description = "Time allowed to connect, register and join every client (default: ${DEFAULT-VALUE}).")
    Duration setupTimeout;

    /** The checked protocol options. */
    Protocol protocol(CommandLine cl) {
        Protocol.Kind kind;
        try {
            kind = Protocol.Kind.parse(protocol);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (!wsPath.startsWith("/") || wsPath.chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
            throw new CommandLine.ParameterException(cl, "--ws-path must start with / and be printable ASCII");
        }
        List<String> setup = ircSetup == null ? List.of() : ircSetup;
        if (!setup.isEmpty() && kind != Protocol.Kind.IRC) {
            throw new CommandLine.ParameterException(cl, "--irc-setup needs --protocol irc");
        }
        for (String line : setup) {
            if (line.isBlank() || line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0 || line.length() > 400) {
                throw new CommandLine.ParameterException(cl, "--irc-setup takes one IRC line of 1..400 characters");
            }
        }
        return new Protocol(kind, tls, wsPath, setup);
    }

    /** The checked targets; a bad or non-loopback one is a usage error. */
    List<ServerAddress> targets(CommandLine cl) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new CommandLine.ParameterException(cl, "--threads must be 1.." + MAX_THREADS);
        }
        if (setupInFlight < 1 || setupInFlight > 1024) {
            throw new CommandLine.ParameterException(cl, "--setup-in-flight must be 1..1024");
        }
        if (setupTimeout.isNegative() || setupTimeout.isZero() || setupTimeout.toHours() > 1) {
            throw new CommandLine.ParameterException(cl, "--setup-timeout must be more than 0 and at most 1h");
        }
        try {
            return ServerAddress.parseAll(servers != null && !servers.isEmpty() ? servers : List.of(server), allowRemote);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }
}
