package dev.chat.tools.bench;

import dev.chat.tools.DurationOption;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./chat bench fanout}: clients in rooms, some of them sending; every message carries
 * its send time, every other member records its latency. Reports sent/s, deliveries/s (to
 * members other than the sender), latency percentiles and loss (expected minus received
 * deliveries of the messages sent in the measurement window), which must be 0.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Room fan-out: CLIENTS clients in rooms of ROOM-SIZE, SENDERS of them send; measures"
                + " deliveries/s, latency and loss.",
            "Either --rate (paced, messages/s over all senders; latency is taken from the time each message was due)"
                + " or --window (each sender keeps that many says unanswered: maximum throughput)."})
final class FanoutCommand implements Callable<Integer> {
    static final int MAX_CLIENTS = 18_000; // the process may hold 20,000 files

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--clients", required = true, description = "Clients, 2.." + MAX_CLIENTS + ".")
    int clients;

    @Option(names = "--senders", required = true, description = "How many of them send.")
    int senders;

    @Option(names = "--room-size", required = true,
            description = "Members per room; --clients must be a multiple of it.")
    int roomSize;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pace pace;

    /** Paced or windowed: exactly one. */
    static final class Pace {
        @Option(names = "--rate", description = "Messages per second over all senders, paced.")
        Double rate;

        @Option(names = "--window", description = "Unanswered says per sender, for maximum throughput (framed, ws: until"
                + " the ok; irc: until a chosen member of the room on the same thread received it).")
        Integer window;
    }

    @Option(names = "--duration", defaultValue = "10s", converter = DurationOption.class,
            description = "Measured time (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationOption.class,
            description = "Sending before the measurement starts, not counted (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--drain", defaultValue = "10s", converter = DurationOption.class,
            description = "After the last message, time allowed for every delivery to arrive (default: ${DEFAULT-VALUE}).")
    Duration drain;

    @Option(names = "--server-pid",
            description = "The server's process id (same machine): report its CPU use while measuring.")
    Long serverPid;

    @Option(names = "--text-size", defaultValue = "100",
            description = "Characters per message text, " + SayFrame.MIN_TEXT + "..4000 (default: ${DEFAULT-VALUE}).")
    int textSize;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ServerAddress> servers = common.targets(spec.commandLine());
        Protocol protocol = common.protocol(spec.commandLine());
        validate(protocol);
        CpuClock serverCpu = null;
        if (serverPid != null) {
            try {
                serverCpu = CpuClock.of(serverPid);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        CpuClock ownCpu = CpuClock.self();
        long[] cpu = new long[4]; // own and server CPU time at the start and the end of the measurement
        Topology topology = Topology.rooms(Topology.newRunId(), clients, roomSize, senders, servers);
        boolean windowed = pace.window != null;
        err.printf("chat bench fanout: run %s, %s, %d clients in %d rooms of %d, %d senders, %s, %s warm-up + %s measured, on %s%n",
                topology.runId, protocol.label(), clients, topology.rooms, roomSize, senders,
                windowed ? "window " + pace.window : "rate " + Report.count(pace.rate) + " msg/s",
                seconds(warmup), seconds(duration), servers);
        err.flush();
        Progress progress = new Progress(err, clients);
        long setupNanos;
        long measuredWall;
        Schedule schedule;
        LoadRun run;
        try {
            run = new LoadRun(topology, protocol, common.threads, windowed ? pace.window : 0,
                    windowed ? 0 : pace.rate, textSize, progress);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            run.setupInFlight(common.setupInFlight);
            run.start();
            long setupStart = System.nanoTime();
            run.release(clients);
            run.awaitReady(clients, common.setupTimeout.toNanos(), "connect");
            setupNanos = System.nanoTime() - setupStart;

            long now = run.control().now();
            schedule = new Schedule(now, now + warmup.toNanos(), now + warmup.toNanos() + duration.toNanos());
            run.startSending(schedule);
            run.awaitUntil("warmup", () -> false, System.nanoTime() + warmup.toNanos());
            cpu[0] = ownCpu.nanos();
            cpu[1] = serverCpu == null ? -1 : serverCpu.nanos();
            long measureStart = System.nanoTime();
            run.awaitUntil("measure", () -> false, System.nanoTime() + (schedule.measureUntil() - run.control().now()));
            cpu[2] = ownCpu.nanos();
            cpu[3] = serverCpu == null ? -1 : serverCpu.nanos();
            measuredWall = System.nanoTime() - measureStart;
            run.awaitUntil("drain", () -> drained(run.totals(), protocol), System.nanoTime() + drain.toNanos());
        } catch (BenchFailure f) {
            run.close();
            err.println("chat bench fanout: " + f.getMessage());
            err.flush();
            return f.exitCode;
        }
        run.close();
        Snapshot s = run.totals();
        Histogram latency = run.latencies();
        Histogram lag = run.sendLag();
        double secs = duration.toNanos() / 1e9;
        long loss = s.expectedInWindow() - s.deliveredInWindow();
        long echoesMissing = protocol.echoes() ? s.sentInWindow() - s.echoesInWindow() : 0;
        boolean ok = loss == 0 && echoesMissing == 0 && s.errors() == 0 && s.inFlight() == 0;
        new Report()
                .put("scenario", "fanout")
                .put("run_id", topology.runId)
                .put("protocol", protocol.label())
                .put("transport", run.transportName())
                .put("tls_engine", run.tlsEngine())
                .put("servers", servers.stream().map(ServerAddress::toString).toList())
                .put("clients", clients)
                .put("rooms", topology.rooms)
                .put("room_size", roomSize)
                .put("senders", senders)
                .put("mode", windowed ? "window" : "rate")
                .put("window", windowed ? pace.window : null)
                .put("rate", windowed ? null : pace.rate)
                .put("text_bytes", textSize)
                .put("threads", common.threads)
                .put("warmup_s", warmup.toMillis() / 1000.0)
                .put("duration_s", secs)
                .put("setup_s", Math.round(setupNanos / 1e7) / 100.0)
                .put("connections_per_s", Report.round1(clients / (setupNanos / 1e9)))
                .put("sent", s.sentInWindow())
                .put("sent_per_s", Report.round1(s.sentInWindow() / secs))
                .put("deliveries", s.deliveredInWindow())
                .put("deliveries_per_s", Report.round1(s.deliveredInWindow() / secs))
                .put("expected_deliveries", s.expectedInWindow())
                .put("loss", loss)
                .put("echoes_missing", echoesMissing)
                .put("unanswered", s.inFlight())
                .put("errors", s.errors())
                .put("first_error", s.firstError())
                .latency(latency)
                .put("send_lag_us", windowed ? null : Report.percentiles(lag))
                .put("generator_cpu_percent", CpuClock.percent(cpu[0], cpu[2], measuredWall))
                .put("server_cpu_percent", serverCpu == null ? null : CpuClock.percent(cpu[1], cpu[3], measuredWall))
                .put("ok", ok)
                .print(out, err);
        return ok ? 0 : BenchFailure.FAILED;
    }

    /** Every measured message reached every other member (and its sender, where it echoes), and every say was answered. */
    private static boolean drained(Snapshot s, Protocol protocol) {
        return s.sendingDone() && s.inFlight() == 0 && s.deliveredInWindow() >= s.expectedInWindow()
                && (!protocol.echoes() || s.echoesInWindow() >= s.sentInWindow());
    }

    private void validate(Protocol protocol) {
        CommandLine cl = spec.commandLine();
        if (clients < 2 || clients > MAX_CLIENTS) {
            throw new CommandLine.ParameterException(cl, "--clients must be 2.." + MAX_CLIENTS);
        }
        if (roomSize < 2 || roomSize > clients || clients % roomSize != 0) {
            throw new CommandLine.ParameterException(cl, "--room-size must be at least 2 and divide --clients ("
                    + clients + ")");
        }
        int rooms = clients / roomSize;
        if (senders < 1 || senders > clients) {
            throw new CommandLine.ParameterException(cl, "--senders must be 1..--clients (" + clients + ")");
        }
        if ((senders + rooms - 1) / rooms > roomSize) {
            throw new CommandLine.ParameterException(cl, "too many senders for " + rooms + " rooms of " + roomSize);
        }
        if (pace.rate != null && (!(pace.rate >= 1) || pace.rate > 10_000_000)) {
            throw new CommandLine.ParameterException(cl, "--rate must be 1..10000000 messages/s");
        }
        if (pace.window != null && (pace.window < 1 || pace.window > 10_000)) {
            throw new CommandLine.ParameterException(cl, "--window must be 1..10000");
        }
        if (duration.toMillis() < 100 || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new CommandLine.ParameterException(cl, "--duration must be 100ms..1h");
        }
        if (warmup.isNegative() || warmup.toMinutes() > 10) {
            throw new CommandLine.ParameterException(cl, "--warmup must be 0..10m");
        }
        if (drain.isNegative() || drain.toMinutes() > 10) {
            throw new CommandLine.ParameterException(cl, "--drain must be 0..10m");
        }
        if (textSize < SayFrame.MIN_TEXT || textSize > 4000) {
            throw new CommandLine.ParameterException(cl, "--text-size must be " + SayFrame.MIN_TEXT + "..4000");
        }
        if (protocol.kind() == Protocol.Kind.IRC && textSize > SayFrame.MAX_IRC_TEXT) {
            throw new CommandLine.ParameterException(cl, "--text-size over IRC must be at most " + SayFrame.MAX_IRC_TEXT
                    + " (a line is at most 512 bytes)");
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
