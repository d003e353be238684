package dev.chat.tools.impair;

import dev.chat.tools.DurationOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code chat impair}: a user-space network emulator between a client and {@code --forward}.
 * Prints {@code READY udp=ip:port} (or {@code tcp=}) on stdout once bound, a description of what it
 * does on stderr, and a report line on stderr on SIGINT/SIGTERM (then exits 0), on SIGUSR1 and
 * every {@code --report}. Exit codes: 0 after a signal, 1 if it cannot listen, 2 for bad options.
 */
@Command(name = "impair", mixinStandardHelpOptions = true, sortOptions = false, version = "chat impair 0.1.0",
        description = {
            "A user-space network impairment relay: loss, delay, jitter, reordering, duplication and a rate limit"
                    + " between clients and --forward, for UDP (datagram by datagram) or TCP (a proxy that delays"
                    + " and paces the byte stream).",
            "Safety: --forward must be a loopback address unless --allow-remote is given, so the relay cannot be"
                    + " turned against other machines by accident.",
            ""},
        footer = {
            "",
            "Loss model: independent (each datagram lost with probability P) or, with --burst B, Gilbert-Elliott"
                    + " bursts: a Good/Bad Markov chain, lost in Bad, with r = 1/B (Bad->Good) and p = P r/(1-P)"
                    + " (Good->Bad), so the long-run loss is P and runs of losses average B datagrams.",
            "Delay: every datagram (TCP: chunk) waits at least --delay, plus X >= 0 drawn from --distribution"
                    + " scaled by --jitter J, capped at 100 J (u uniform in [0,1), z standard normal):",
            "  uniform      X = J u",
            "  normal       X = J |z| (half-normal)",
            "  exponential  X = -J ln(1-u) (mean J)",
            "  pareto       X = J/2 ((1-u)^(-1/1.5) - 1) (mean J, heavy tail)",
            "Order: with jitter a later datagram may draw a smaller delay and overtake an earlier one (natural"
                    + " reordering); --no-reorder-by-jitter raises each due time to its predecessor's instead."
                    + " TCP chunks never overtake each other.",
            "Replies (from --forward back to the client) get the same impairments, drawn from their own random"
                    + " stream, unless --one-way.",
            "Repeatable: each direction draws from its own stream seeded by --seed, a fixed number of draws per"
                    + " datagram, never from the clock: the n-th datagram's fate depends only on the seed and n.",
            "Report (stderr; on exit, SIGUSR1, every --report): counts in/out/dropped/overflow/failed/duplicated/"
                    + "held/reordered, realised loss, delay percentiles p50/p90/p99/max.",
            "Durations: 0, 500ms, 30s, 2m. Probabilities: 0.2 or 20%%. Rates: bytes/s 125000, 125k, 1m, or"
                    + " bits 8mbit. Sizes: 1500, 64k, 1m.",
            "Example: ./chat impair --listen 127.0.0.1:7521 --forward 127.0.0.1:7421 --loss 20%% --delay 30ms"
                    + " --jitter 10ms --seed 1"})
public final class ImpairCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "Where clients reach the relay; port 0 = any free port (see the READY line).")
    InetSocketAddress listen;

    @Option(names = "--forward", required = true, paramLabel = "HOST:PORT", converter = AddressConverter.class,
            description = "Where the relay sends: a loopback address unless --allow-remote.")
    InetSocketAddress forward;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    TransportChoice transport;

    /** --udp or --tcp, at most one. */
    static final class TransportChoice {
        @Option(names = "--udp", required = true, description = "Relay UDP datagrams (the default).")
        boolean udp;
        @Option(names = "--tcp", required = true, description = "Proxy TCP connections (delay and pace the byte stream).")
        boolean tcp;
    }

    @Option(names = "--loss", paramLabel = "P", defaultValue = "0", converter = ProbabilityConverter.class,
            description = "UDP: probability that a datagram is lost (default: ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--burst", paramLabel = "LEN", defaultValue = "0",
            description = "UDP: lose in bursts of this mean length (Gilbert-Elliott), overall loss still --loss;"
                    + " 0 = independent losses (default).")
    double burst;

    @Option(names = "--delay", paramLabel = "D", defaultValue = "0", converter = DurationOption.class,
            description = "Least one-way delay (default: ${DEFAULT-VALUE}).")
    Duration delay;

    @Option(names = "--jitter", paramLabel = "J", defaultValue = "0", converter = DurationOption.class,
            description = "Scale of the random extra delay (default: ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(names = "--distribution", paramLabel = "NAME", defaultValue = "uniform", converter = DistributionConverter.class,
            description = "Distribution of the extra delay: uniform, normal, exponential, pareto (default: ${DEFAULT-VALUE}).")
    Distribution distribution;

    @Option(names = "--reorder", paramLabel = "P", defaultValue = "0", converter = ProbabilityConverter.class,
            description = "UDP: probability that a datagram is held back and sent right behind the next one of its flow.")
    double reorder;

    @Option(names = "--reorder-hold", paramLabel = "D", defaultValue = "5s", converter = DurationOption.class,
            description = "UDP: a held datagram goes anyway after its due time plus this (default: ${DEFAULT-VALUE}).")
    Duration reorderHold;

    @Option(names = "--duplicate", paramLabel = "P", defaultValue = "0", converter = ProbabilityConverter.class,
            description = "UDP: probability that a datagram is sent twice (the copy with its own delay).")
    double duplicate;

    @Option(names = "--rate", paramLabel = "RATE", converter = RateConverter.class,
            description = "Bandwidth of each direction, bytes/s (125k, 1m) or bits/s (8mbit): serialisation delay,"
                    + " datagrams queue behind each other (default: unlimited).")
    long rate;

    @Option(names = "--chunk", paramLabel = "N", converter = SizeConverter.class,
            description = "TCP: re-segment the stream into N-byte pieces, each delayed on its own: TCP keeps no"
                    + " message boundaries (default: as read).")
    int chunk;

    @Option(names = "--one-way", description = "Impair only client -> --forward; replies pass untouched.")
    boolean oneWay;

    @Option(names = "--no-reorder-by-jitter",
            description = "UDP: jitter never reorders: a datagram never leaves before its predecessor.")
    boolean noReorderByJitter;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random draws (default: a random seed, printed).")
    Long seed;

    @Option(names = "--report", paramLabel = "D", defaultValue = "0", converter = DurationOption.class,
            description = "Print a report line on stderr this often (default: off).")
    Duration report;

    @Option(names = "--max-flows", paramLabel = "N", defaultValue = "" + ImpairConfig.DEFAULT_MAX_FLOWS,
            description = "UDP mappings (client addresses; the least recently used goes) or TCP connections"
                    + " (more are refused) at most (default: ${DEFAULT-VALUE}).")
    int maxFlows;

    @Option(names = "--flow-idle", paramLabel = "D", defaultValue = "60s", converter = DurationOption.class,
            description = "UDP: close a mapping idle this long (default: ${DEFAULT-VALUE}).")
    Duration flowIdle;

    @Option(names = "--queue", paramLabel = "SIZE", defaultValue = "1m", converter = SizeConverter.class,
            description = "UDP: bytes waiting in the relay per direction, more are dropped (overflow); TCP: per"
                    + " connection and direction, then the proxy stops reading (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--allow-remote", description = "Allow a --forward target that is not a loopback address.")
    boolean allowRemote;

    /** Parses {@code args} as the options of {@code chat impair} and checks them; for tests and scripts. */
    public static ImpairConfig config(String... args) {
        CommandLine cl = new CommandLine(new ImpairCommand());
        cl.parseArgs(args);
        return cl.<ImpairCommand>getCommand().toConfig();
    }

    /** The immutable configuration; IllegalArgumentException with a user message for bad combinations. */
    ImpairConfig toConfig() {
        ImpairConfig.Transport t = transport != null && transport.tcp ? ImpairConfig.Transport.TCP : ImpairConfig.Transport.UDP;
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 48);
        return new ImpairConfig(t, listen, forward, allowRemote, loss, burst, delay, jitter, distribution, reorder,
                reorderHold, duplicate, rate, chunk, oneWay, !noReorderByJitter, s, report, maxFlows, flowIdle, queue);
    }

    @Override
    public Integer call() throws InterruptedException {
        ImpairConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Relay relay;
        try {
            relay = Relay.start(config, System.err::println);
        } catch (IOException | RuntimeException e) {
            System.err.println("chat impair: cannot listen on " + ImpairConfig.hostPort(config.listen()) + ": " + e.getMessage());
            return 1;
        }
        System.out.println(relay.readyLine());
        System.out.flush();
        System.err.println("chat impair: " + config.describe(relay.localAddress()));
        installSignals(relay);
        new CountDownLatch(1).await(); // a signal ends the process
        return 0;
    }

    /** SIGINT/SIGTERM: final report, exit 0. SIGUSR1: a report. Without sun.misc.Signal: a shutdown hook. */
    private static void installSignals(Relay relay) {
        AtomicBoolean reported = new AtomicBoolean();
        Runnable finalReport = () -> {
            if (reported.compareAndSet(false, true)) {
                ImpairReport r = relay.stop();
                if (r != null) {
                    System.err.println(r.line());
                }
                System.err.flush();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(finalReport, "impair-shutdown"));
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> new Thread(() -> {
                    finalReport.run();
                    System.exit(0);
                }, "impair-stop").start());
            }
        } catch (IllegalArgumentException | LinkageError e) {
            // the shutdown hook still reports; the exit code is then 128 + signal
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"),
                    s -> relay.report().thenAccept(r -> System.err.println(r.line())));
        } catch (IllegalArgumentException | LinkageError e) {
            // no SIGUSR1 here: --report and the final report remain
        }
    }

    /** {@code host:port} or {@code [v6]:port}, resolved. */
    static final class AddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            String v = value.trim();
            int colon = v.lastIndexOf(':');
            if (colon <= 0 || colon == v.length() - 1) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not host:port");
            }
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.indexOf(':') >= 0) {
                throw new CommandLine.TypeConversionException("'" + value + "': write an IPv6 address in brackets, [::1]:port");
            }
            int port;
            try {
                port = Integer.parseInt(v.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "': the port must be a number from 0 to 65535");
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new CommandLine.TypeConversionException("'" + value + "': unknown host " + host);
            }
        }
    }

    /** uniform, normal, exponential, pareto (any case). */
    static final class DistributionConverter implements CommandLine.ITypeConverter<Distribution> {
        @Override
        public Distribution convert(String value) {
            for (Distribution d : Distribution.values()) {
                if (d.label().equalsIgnoreCase(value.trim())) {
                    return d;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a distribution (uniform, normal,"
                    + " exponential or pareto)");
        }
    }

    /** 0.2 or 20%. */
    static final class ProbabilityConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                return Quantities.probability(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** 125000, 125k, 8mbit. */
    static final class RateConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Quantities.rate(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** 1500, 64k, 1m. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Quantities.size(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
