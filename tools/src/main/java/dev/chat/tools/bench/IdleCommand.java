package dev.chat.tools.bench;

import dev.chat.tools.DurationOption;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./chat bench idle}: CLIENTS registered clients that joined rooms and then stay quiet.
 * Reports the connection set-up rate (connect + hello + join) and, with {@code --server-pid},
 * the server's memory per connection: its RSS after a GC before the first and after the last
 * connection. A first group of {@code --prime} clients is set up (and kept) before the first
 * reading, so that class loading, JIT code and buffer pools are not charged to the connections.
 */
@Command(name = "idle", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Idle connections: CLIENTS clients connect, register and join rooms of ROOM-SIZE, then stay quiet.",
            "Reports the set-up rate and, with --server-pid, the server's RSS (after a GC by jcmd) per connection."})
final class IdleCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--clients", required = true, description = "Connections to measure, 1.." + FanoutCommand.MAX_CLIENTS + ".")
    int clients;

    @Option(names = "--room-size", defaultValue = "100", description = "Members per room (default: ${DEFAULT-VALUE}).")
    int roomSize;

    @Option(names = "--server-pid", description = "The server's process id (same machine): read its memory.")
    Long serverPid;

    @Option(names = "--prime", defaultValue = "100",
            description = "Clients set up before the first memory reading and kept (not counted) (default: ${DEFAULT-VALUE}).")
    int prime;

    @Option(names = "--settle", defaultValue = "2s", converter = DurationOption.class,
            description = "Quiet time before each memory reading (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--no-gc",
            description = "Read the RSS as it is, without asking the JVM for a full GC first (and without the live heap):"
                    + " memory as users run the server. Needed for servers that are not JVMs.")
    boolean noGc;

    @Option(names = "--hold", defaultValue = "0s", converter = DurationOption.class,
            description = "Keep the connections open this long after measuring (default: ${DEFAULT-VALUE}).")
    Duration hold;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ServerAddress> servers = common.targets(spec.commandLine());
        Protocol protocol = common.protocol(spec.commandLine());
        validate();
        ServerMemory memory = null;
        if (serverPid != null) {
            try {
                memory = new ServerMemory(serverPid, !noGc);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Topology topology = Topology.twoGroups(Topology.newRunId(), prime, clients, roomSize, servers);
        err.printf("chat bench idle: run %s, %d clients (+%d primed first) in rooms of %d, on %s%n",
                topology.runId, clients, prime, roomSize, servers);
        err.flush();
        int all = prime + clients;
        Progress progress = new Progress(err, all);
        LoadRun run = new LoadRun(topology, protocol, common.threads, 0, 0, SayFrame.MIN_TEXT, progress);
        ServerMemory.Reading before = null;
        ServerMemory.Reading after = null;
        long setupNanos;
        Snapshot s;
        try {
            run.setupInFlight(common.setupInFlight);
            run.start();
            if (prime > 0) {
                run.release(prime);
                run.awaitReady(prime, common.setupTimeout.toNanos(), "prime");
            }
            if (memory != null) {
                run.awaitUntil("settle", () -> false, System.nanoTime() + settle.toNanos());
                before = memory.read();
            }
            long setupStart = System.nanoTime();
            run.release(all);
            run.awaitReady(all, common.setupTimeout.toNanos(), "connect");
            setupNanos = System.nanoTime() - setupStart;
            if (memory != null) {
                run.awaitUntil("settle", () -> false, System.nanoTime() + settle.toNanos());
                after = memory.read();
            }
            run.awaitUntil("hold", () -> false, System.nanoTime() + hold.toNanos());
            s = run.totals();
        } catch (BenchFailure f) {
            run.close();
            err.println("chat bench idle: " + f.getMessage());
            err.flush();
            return f.exitCode;
        }
        run.close();
        boolean ok = s.errors() == 0;
        Report r = new Report()
                .put("scenario", "idle")
                .put("run_id", topology.runId)
                .put("protocol", protocol.label())
                .put("servers", servers.stream().map(ServerAddress::toString).toList())
                .put("clients", clients)
                .put("primed", prime)
                .put("room_size", roomSize)
                .put("threads", common.threads)
                .put("setup_s", Math.round(setupNanos / 1e7) / 100.0)
                .put("connections_per_s", Report.round1(clients / (setupNanos / 1e9)))
                .put("server_pid", serverPid);
        if (memory != null) {
            r.put("gc", noGc ? "none (RSS as it is)"
                            : before.gcDone() && after.gcDone() ? "jcmd GC.run before each reading" : memory.gcProblem())
                    .put("rss_before_bytes", before.rss())
                    .put("rss_after_bytes", after.rss())
                    .put("rss_per_connection_bytes", Math.round((after.rss() - before.rss()) / (double) clients))
                    .put("heap_live_before_bytes", before.heapLive() < 0 ? null : before.heapLive())
                    .put("heap_live_after_bytes", after.heapLive() < 0 ? null : after.heapLive())
                    .put("heap_per_connection_bytes", before.heapLive() < 0 || after.heapLive() < 0 ? null
                            : Math.round((after.heapLive() - before.heapLive()) / (double) clients));
        }
        r.put("errors", s.errors())
                .put("first_error", s.firstError())
                .put("ok", ok)
                .print(out, err);
        return ok ? 0 : BenchFailure.FAILED;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (clients < 1 || prime < 0 || clients + prime > FanoutCommand.MAX_CLIENTS) {
            throw new CommandLine.ParameterException(cl, "--clients (plus --prime) must be 1.." + FanoutCommand.MAX_CLIENTS);
        }
        if (roomSize < 1 || roomSize > 10_000) {
            throw new CommandLine.ParameterException(cl, "--room-size must be 1..10000");
        }
        if (settle.isNegative() || settle.toMinutes() > 10 || hold.isNegative() || hold.toHours() > 1) {
            throw new CommandLine.ParameterException(cl, "--settle must be 0..10m and --hold 0..1h");
        }
    }
}
