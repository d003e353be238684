package dev.chat.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./chat bench}: the load generator. Scenarios are subcommands: {@code fanout} (room
 * fan-out throughput and latency) and {@code idle} (memory per connection, set-up rate).
 * Benchmarks run the server with flood control off ({@code --rate-limit 0}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "chat bench 0.1.0",
        description = {"The load generator. Run the server with --rate-limit 0 (flood control off).",
            "Progress goes to stderr once a second, a table at the end; stdout gets one JSON line with the results.",
            "Exit codes: 0 ok, 1 loss or errors, 2 usage, 3 could not connect."},
        subcommands = {FanoutCommand.class, IdleCommand.class, SoakCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing scenario: fanout, idle or soak");
    }
}
