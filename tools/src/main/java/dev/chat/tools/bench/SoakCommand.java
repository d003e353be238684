package dev.chat.tools.bench;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.tools.DurationOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./chat bench soak}: hours of what a chat's users do, to see that the server's resources
 * stay flat. Workers connect, register, join and leave rooms, say, send direct messages and
 * presence beacons, and disconnect (politely or by dropping the socket), over and over; slow
 * readers join a busy room and never read until the server drops them; a probe connection pings
 * once a second (its round trip shows event-loop delay). Every {@code --sample} the server's
 * {@code /metrics} (and, with {@code --server-pid}, its RSS) is read and printed as one JSON line.
 *
 * <p>Before the measured churn a warm-up churn runs and stops, and once the server is back to no
 * connections its open files and threads are the baseline; after the churn the same reading must
 * come back to it (small slack): exit 0; else exit 1.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Churn for a long time (connects, quits, drops, joins, parts, says, DMs, beacons, slow readers),"
                + " reading the server's /metrics every --sample: RSS, heap after GC, open files, threads, probe round trip.",
            "One JSON line per sample on stdout; exit 0 if open files and threads came back to their baseline"
                + " once the churn stopped, 1 if not, 3 if the server cannot be reached."})
final class SoakCommand implements Callable<Integer> {
    /** Open files and threads may end this much above the baseline (a pooled worker, a lazily opened file). */
    static final int FILES_SLACK = 8;
    static final int THREADS_SLACK = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", defaultValue = "127.0.0.1:7420", paramLabel = "HOST:PORT",
            description = "The server's chat port, framed TCP (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "The server's HTTP port, for /metrics (default: the --server host, port 7422).")
    String http;

    @Option(names = "--server-pid", description = "The server's process id (same machine): its RSS in each sample.")
    Long serverPid;

    @Option(names = "--allow-remote", description = "Allow a server that is not on a loopback address.")
    boolean allowRemote;

    @Option(names = "--duration", defaultValue = "1h", converter = DurationOption.class,
            description = "How long the measured churn runs (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "30s", converter = DurationOption.class,
            description = "Churn before the baseline is read (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--sample", defaultValue = "60s", converter = DurationOption.class,
            description = "How often /metrics is read (default: ${DEFAULT-VALUE}).")
    Duration sample;

    @Option(names = "--settle", defaultValue = "30s", converter = DurationOption.class,
            description = "Most time allowed for the server to close every connection after a churn (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--workers", defaultValue = "16", description = "Churning clients at once, 1..256 (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--slow", defaultValue = "2", description = "Slow readers at once, 0..32 (default: ${DEFAULT-VALUE}).")
    int slow;

    @Option(names = "--rooms", defaultValue = "20", description = "Rooms the workers pick from, 1..1000 (default: ${DEFAULT-VALUE}).")
    int rooms;

    @Option(names = "--busy-rate", defaultValue = "40",
            description = "Messages/s (4 KB each) said in the busy room the slow readers sit in, 0..5000 (default: ${DEFAULT-VALUE}).")
    int busyRate;

    private final AtomicBoolean churning = new AtomicBoolean();
    private final LongAdder cycles = new LongAdder();
    private final LongAdder says = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder slowDropped = new LongAdder();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile String lastFailure;
    private final List<Double> rtts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CommandLine cl = spec.commandLine();
        ServerAddress target;
        ServerAddress metricsAt;
        try {
            target = ServerAddress.parse(server, allowRemote);
            metricsAt = ServerAddress.parse(http != null ? http : target.socket().getHostString() + ":7422", allowRemote);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (workers < 1 || workers > 256 || slow < 0 || slow > 32 || rooms < 1 || rooms > 1000
                || busyRate < 0 || busyRate > 5000) {
            throw new CommandLine.ParameterException(cl, "--workers 1..256, --slow 0..32, --rooms 1..1000, --busy-rate 0..5000");
        }
        for (Duration d : List.of(duration, sample, settle)) {
            if (d.isNegative() || d.isZero()) {
                throw new CommandLine.ParameterException(cl, "--duration, --sample and --settle must be more than 0");
            }
        }
        Path status = serverPid == null ? null : Path.of("/proc", Long.toString(serverPid), "status");
        ServerMemory memory = null;
        if (serverPid != null) {
            try {
                memory = new ServerMemory(serverPid, true);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
        }
        InetSocketAddress chat = target.socket();
        URI metrics = URI.create("http://" + metricsAt.socket().getHostString() + ":" + metricsAt.socket().getPort() + "/metrics");
        HttpClient httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, Double> first;
        try (Socket probe = new Socket()) {
            probe.connect(chat, 10_000);
            first = scrape(httpClient, metrics);
        } catch (IOException e) {
            err.println("chat bench soak: cannot reach " + target + " and " + metrics + ": " + e.getMessage());
            return BenchFailure.CONNECT;
        }
        double baseConnections = first.getOrDefault("chat_connections", 0.0);
        err.printf("chat bench soak: %s, %d workers, %d slow readers, %d rooms, warm-up %s, then %s, a sample every %s%n",
                target, workers, slow, rooms, dev.chat.protocol.Durations.format(warmup), dev.chat.protocol.Durations.format(duration),
                dev.chat.protocol.Durations.format(sample));
        err.flush();

        churn(chat, warmup, null, null, null, null);
        awaitConnections(httpClient, metrics, baseConnections);
        ServerMemory.Reading baseMemory = memory == null ? null : memory.read();
        Map<String, Double> base = scrape(httpClient, metrics);
        long baseRss = rss(status);
        out.println(json("baseline", 0, base, baseRss, baseMemory));
        out.flush();

        long start = System.nanoTime();
        churn(chat, duration, httpClient, metrics, status, out);
        long churned = System.nanoTime() - start;
        boolean drained = awaitConnections(httpClient, metrics, baseConnections);
        ServerMemory.Reading endMemory = memory == null ? null : memory.read();
        Map<String, Double> end = scrape(httpClient, metrics);
        long endRss = rss(status);
        out.println(json("end", churned / 1e9, end, endRss, endMemory));
        out.flush();

        double files0 = base.getOrDefault("process_files_open_files", -1.0);
        double files1 = end.getOrDefault("process_files_open_files", -1.0);
        double threads0 = base.getOrDefault("jvm_threads_live_threads", -1.0);
        double threads1 = end.getOrDefault("jvm_threads_live_threads", -1.0);
        boolean flat = drained && files1 <= files0 + FILES_SLACK && threads1 <= threads0 + THREADS_SLACK;
        err.printf(Locale.ROOT, "chat bench soak: %,d cycles, %,d says, %,d slow readers dropped by the server, %,d failures%s%n",
                cycles.sum(), says.sum(), slowDropped.sum(), failures.sum(),
                lastFailure == null ? "" : " (last: " + lastFailure + ")");
        err.printf(Locale.ROOT, "chat bench soak: open files %.0f -> %.0f, threads %.0f -> %.0f, connections %.0f -> %.0f,"
                        + " live heap after a full GC %s -> %s, RSS after it %s -> %s: %s%n",
                files0, files1, threads0, threads1, base.getOrDefault("chat_connections", -1.0),
                end.getOrDefault("chat_connections", -1.0),
                mib(baseMemory == null ? null : (double) baseMemory.heapLive()),
                mib(endMemory == null ? null : (double) endMemory.heapLive()),
                mib(baseMemory == null ? null : (double) baseMemory.rss()),
                mib(endMemory == null ? null : (double) endMemory.rss()),
                flat ? "back to the baseline" : "NOT back to the baseline");
        err.flush();
        return flat ? 0 : BenchFailure.FAILED;
    }

    /** Runs the workers, slow readers, busy talker and probe for {@code length}; samples if {@code out} is set. */
    private void churn(InetSocketAddress chat, Duration length, HttpClient http, URI metrics, Path status,
                       PrintWriter out) throws InterruptedException {
        churning.set(true);
        int gen = generation.incrementAndGet();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            threads.add(thread("soak-worker-" + w, () -> worker(chat, gen, id)));
        }
        for (int s = 0; s < slow; s++) {
            int id = s;
            threads.add(thread("soak-slow-" + s, () -> slowReader(chat, gen, id)));
        }
        threads.add(thread("soak-busy", () -> talker(chat, gen)));
        threads.add(thread("soak-probe", () -> probe(chat, gen)));
        long end = System.nanoTime() + length.toNanos();
        long next = System.nanoTime() + sample.toNanos();
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            long wait = Math.min(end, next) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            }
            if (out != null && System.nanoTime() >= next && System.nanoTime() < end) {
                next += sample.toNanos();
                try {
                    out.println(json("sample", (System.nanoTime() - started) / 1e9, scrape(http, metrics), rss(status), null));
                    out.flush();
                } catch (IOException e) {
                    failures.increment();
                    lastFailure = "scrape: " + e.getMessage();
                }
            }
        }
        churning.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ------------------------------------------------------------------ what the clients do

    /** Connect, hello, join, say, dm, beacon, part, leave (quit or drop), again. */
    private void worker(InetSocketAddress chat, int gen, int id) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int k = 0;
        try (DatagramSocket udp = new DatagramSocket()) {
            while (churning.get()) {
                String nick = "soak" + gen + "w" + id + "n" + (k++ % 1000);
                try (SoakClient c = SoakClient.open(chat)) {
                    ServerMessage.Welcome w = c.request(new ClientMessage.Hello(c.id(), nick), ServerMessage.Welcome.class);
                    List<String> joined = new ArrayList<>();
                    for (int j = rnd.nextInt(1, 4); j > 0; j--) {
                        String room = "soak" + rnd.nextInt(rooms);
                        c.request(new ClientMessage.Join(c.id(), room), null);
                        joined.add(room);
                    }
                    for (int s = rnd.nextInt(1, 6); s > 0; s--) {
                        c.request(new ClientMessage.Say(c.id(), joined.get(rnd.nextInt(joined.size())),
                                "soak line " + s + " from " + nick, rnd.nextInt(10) == 0), null);
                        says.increment();
                    }
                    String peer = "soak" + gen + "w" + rnd.nextInt(workers) + "n" + rnd.nextInt(Math.max(1, k));
                    c.request(new ClientMessage.Dm(c.id(), peer, "psst", false), null); // no_such_user is fine
                    if (w.udpPort() != null && w.udpPort() > 0) {
                        byte[] beacon = MessageCodec.encode(new Beacon.ClientBeacon(nick, "online", k, System.currentTimeMillis(), 2000));
                        udp.send(new DatagramPacket(beacon, beacon.length, new InetSocketAddress(chat.getAddress(), w.udpPort())));
                    }
                    if (rnd.nextBoolean()) {
                        c.request(new ClientMessage.Part(c.id(), joined.get(0), "soak part"), null);
                    }
                    if (rnd.nextBoolean()) {
                        c.send(new ClientMessage.Quit(c.id(), "soak quit"));
                    } // else: the socket is dropped without a word
                    cycles.increment();
                } catch (IOException | ProtocolException | RuntimeException e) {
                    failures.increment();
                    lastFailure = e.toString();
                }
                pause(rnd.nextInt(0, 50));
            }
        } catch (IOException e) {
            failures.increment();
            lastFailure = e.toString();
        }
    }

    /** Joins the busy room with a small receive buffer and never reads: the server must drop it. */
    private void slowReader(InetSocketAddress chat, int gen, int id) {
        int k = 0;
        while (churning.get()) {
            try (SoakClient c = SoakClient.open(chat, 4096)) {
                c.request(new ClientMessage.Hello(c.id(), "soak" + gen + "slow" + id + "n" + (k++)), ServerMessage.Welcome.class);
                c.request(new ClientMessage.Join(c.id(), "soakbusy"), null);
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (churning.get() && System.nanoTime() < until) {
                    pause(200);
                    if (c.closedByServer()) {
                        slowDropped.increment();
                        break;
                    }
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                failures.increment();
                lastFailure = e.toString();
                pause(500);
            }
        }
    }

    /** Says {@code --busy-rate} messages a second in the busy room (4 KB each), reading its answers. */
    private void talker(InetSocketAddress chat, int gen) {
        if (busyRate == 0) {
            return;
        }
        String text = "x".repeat(4000);
        while (churning.get()) {
            try (SoakClient c = SoakClient.open(chat)) {
                c.request(new ClientMessage.Hello(c.id(), "soak" + gen + "busy"), ServerMessage.Welcome.class);
                c.request(new ClientMessage.Join(c.id(), "soakbusy"), null);
                long periodNanos = 1_000_000_000L / busyRate;
                long next = System.nanoTime();
                while (churning.get()) {
                    c.request(new ClientMessage.Say(c.id(), "soakbusy", text, false), null);
                    says.increment();
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 1_000_000) {
                        pause(wait / 1_000_000);
                    }
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                failures.increment();
                lastFailure = "busy room: " + e;
                pause(500);
            }
        }
    }

    /** Pings once a second and records the round trip. */
    private void probe(InetSocketAddress chat, int gen) {
        while (churning.get()) {
            try (SoakClient c = SoakClient.open(chat)) {
                c.request(new ClientMessage.Hello(c.id(), "soak" + gen + "probe"), ServerMessage.Welcome.class);
                while (churning.get()) {
                    long t0 = System.nanoTime();
                    c.request(new Ping(c.id()), null);
                    synchronized (rtts) {
                        rtts.add((System.nanoTime() - t0) / 1e6);
                    }
                    pause(1000);
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                failures.increment();
                lastFailure = "probe: " + e;
                pause(500);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ readings

    /** Waits until the server has no more connections than at the start (true), or {@code --settle} passed. */
    private boolean awaitConnections(HttpClient http, URI metrics, double base) throws InterruptedException {
        long until = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < until) {
            try {
                if (scrape(http, metrics).getOrDefault("chat_connections", Double.MAX_VALUE) <= base) {
                    return true;
                }
            } catch (IOException e) {
                lastFailure = "scrape: " + e.getMessage();
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The samples of {@code /metrics} this command reads (labelled ones summed by name). */
    static Map<String, Double> scrape(HttpClient http, URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(metrics + " answered " + r.statusCode());
        }
        return parse(r.body());
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            String name = line.substring(0, brace > 0 && brace < space ? brace : space);
            if (name.equals("jvm_memory_used_bytes") && !line.contains("area=\"heap\"")) {
                continue;
            }
            if (name.equals("jvm_memory_used_bytes") && (line.contains("Old Gen") || line.contains("Tenured Gen"))) {
                m.merge("old_gen_used_bytes", Double.parseDouble(line.substring(space + 1)), Double::sum);
            }
            try {
                m.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return m;
    }

    private static long rss(Path status) {
        if (status == null) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private String json(String kind, double seconds, Map<String, Double> m, long rss, ServerMemory.Reading afterGc) {
        double[] r;
        synchronized (rtts) {
            r = rtts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            rtts.clear();
        }
        return String.format(Locale.ROOT, "{\"kind\":\"%s\",\"t_s\":%.1f,\"connections\":%.0f,\"open_files\":%.0f,"
                        + "\"threads\":%.0f,\"heap_used_bytes\":%.0f,\"old_gen_used_bytes\":%.0f,\"rss_bytes\":%d,"
                        + "\"live_heap_after_full_gc_bytes\":%d,\"rss_after_full_gc_bytes\":%d,"
                        + "\"gc_pause_s_total\":%.3f,\"errors_sent\":%.0f,\"probe_rtt_ms_p50\":%s,\"probe_rtt_ms_max\":%s,"
                        + "\"cycles\":%d,\"says\":%d,\"slow_dropped\":%d,\"failures\":%d}",
                kind, seconds, m.getOrDefault("chat_connections", -1.0), m.getOrDefault("process_files_open_files", -1.0),
                m.getOrDefault("jvm_threads_live_threads", -1.0), m.getOrDefault("jvm_memory_used_bytes", -1.0),
                m.getOrDefault("old_gen_used_bytes", -1.0), rss, afterGc == null ? -1 : afterGc.heapLive(),
                afterGc == null ? -1 : afterGc.rss(), m.getOrDefault("jvm_gc_pause_seconds_sum", 0.0),
                m.getOrDefault("chat_errors_total", -1.0),
                r.length == 0 ? "null" : String.format(Locale.ROOT, "%.2f", r[r.length / 2]),
                r.length == 0 ? "null" : String.format(Locale.ROOT, "%.2f", r[r.length - 1]),
                cycles.sum(), says.sum(), slowDropped.sum(), failures.sum());
    }

    private static String mib(Double bytes) {
        return bytes == null || bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
    }
}
