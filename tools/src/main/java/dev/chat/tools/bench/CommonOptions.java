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
            description = "Selector threads of the generator, 1.." + MAX_THREADS + " (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--setup-timeout", defaultValue = "120s", converter = DurationOption.class,
            description = "Time allowed to connect, register and join every client (default: ${DEFAULT-VALUE}).")
    Duration setupTimeout;

    /** The checked targets; a bad or non-loopback one is a usage error. */
    List<ServerAddress> targets(CommandLine cl) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new CommandLine.ParameterException(cl, "--threads must be 1.." + MAX_THREADS);
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
