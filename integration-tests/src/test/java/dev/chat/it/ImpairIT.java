package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code chat impair} as a user runs it: the real jar in its own process, signals, exit codes. */
class ImpairIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("READY (udp|tcp)=127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern LOSS = Pattern.compile("\\| forward: in=(\\d+) out=(\\d+) dropped=(\\d+) .*? loss=([0-9.]+)%");

    private final List<Running> processes = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Running r : processes) {
            r.process.destroyForcibly();
            r.process.waitFor(30, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A started process with its stdout and stderr lines collected as they come. */
    record Running(Process process, List<String> out, List<String> err, List<Thread> readers) {
        /** Waits for the process to end and for every line it wrote to be collected; the exit code. */
        int exit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process ended").isTrue();
            for (Thread t : readers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            return process.exitValue();
        }

        int port() {
            await().atMost(PATIENCE).until(() -> !out.isEmpty() || !process.isAlive());
            assertThat(out).as("stderr: %s", err).isNotEmpty();
            Matcher m = READY.matcher(out.get(0));
            assertThat(m.matches()).as(out.get(0)).isTrue();
            return Integer.parseInt(m.group(2));
        }

        List<String> reports() {
            return err.stream().filter(l -> l.startsWith("impair ")).toList();
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("chat.root", ".."), "tools", "target", "chat-tools.jar");
        assertThat(Files.isRegularFile(jar)).as(jar + " is built").isTrue();
        return jar;
    }

    private Running start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true", "-jar", jar().toString(), "impair"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        Running r = new Running(p, out, err, List.of(collect(p.getInputStream(), out), collect(p.getErrorStream(), err)));
        processes.add(r);
        return r;
    }

    private static Thread collect(InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = br.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "collect");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private DatagramChannel udp() throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        open.add(ch);
        return ch;
    }

    /** Counts the datagrams that arrive on {@code ch}. */
    private static AtomicInteger counting(DatagramChannel ch) {
        AtomicInteger n = new AtomicInteger();
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    buf.clear();
                    ch.receive(buf);
                    n.incrementAndGet();
                }
            } catch (IOException e) {
                // closed
            }
        }, "sink");
        t.setDaemon(true);
        t.start();
        return n;
    }

    private static void signal(Process p, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void udpRelayReportsOnSignalsAndExitsZeroOnSigterm() throws Exception {
        DatagramChannel sink = udp();
        AtomicInteger received = counting(sink);
        int sinkPort = ((InetSocketAddress) sink.getLocalAddress()).getPort();
        Running relay = start("--listen", "127.0.0.1:0", "--forward", "127.0.0.1:" + sinkPort,
                "--loss", "20%", "--delay", "30ms", "--jitter", "10ms", "--seed", "1");
        int port = relay.port();
        DatagramChannel client = udp();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < 2000; i++) {
            client.send(ByteBuffer.wrap(("beacon " + i).getBytes(StandardCharsets.UTF_8)), target);
        }
        // the relay answers SIGUSR1 with a report line; wait until one shows everything read and sent
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            signal(relay.process(), "USR1");
            List<String> reports = relay.reports();
            return !reports.isEmpty() && reports.get(reports.size() - 1).contains(" in=2000 ")
                    && reports.get(reports.size() - 1).contains(" queued=0 ");
        });
        await().atMost(PATIENCE).until(() -> received.get() > 0);
        relay.process().destroy(); // SIGTERM
        assertThat(relay.exit()).isZero();
        String last = relay.reports().get(relay.reports().size() - 1);
        Matcher m = LOSS.matcher(last);
        assertThat(m.find()).as(last).isTrue();
        int out = Integer.parseInt(m.group(2));
        double loss = Double.parseDouble(m.group(4));
        System.out.println("measured (process): " + last);
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(2000);
        assertThat(loss).isBetween(16.0, 24.0);
        assertThat(received.get()).isEqualTo(out);
        assertThat(last).contains("delay_ms p50=");
        assertThat(relay.out()).as("stdout carries only the READY line").hasSize(1);
        assertThat(relay.err()).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    }

    @Test
    void tcpProxyRelaysAndSaysReady() throws Exception {
        ServerSocket server = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        open.add(server);
        Thread echo = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
                // closed
            }
        });
        echo.setDaemon(true);
        echo.start();
        Running relay = start("--tcp", "--listen", "127.0.0.1:0", "--forward", "127.0.0.1:" + server.getLocalPort(),
                "--delay", "20ms", "--chunk", "3", "--report", "100ms");
        int port = relay.port();
        assertThat(relay.out().get(0)).startsWith("READY tcp=");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) PATIENCE.toMillis());
            s.getOutputStream().write("hello, impaired world".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, impaired world");
        }
        await().atMost(PATIENCE).until(() -> relay.reports().stream().anyMatch(l -> l.contains("connections=1 open=0")));
        relay.process().destroy();
        assertThat(relay.exit()).isZero();
    }

    @Test
    void badOptionsExitTwoWithOneLine() throws Exception {
        Running r = start("--tcp", "--loss", "0.1", "--listen", "127.0.0.1:0", "--forward", "127.0.0.1:7421");
        assertThat(r.exit()).isEqualTo(2);
        assertUsageLines(r.err());
        assertThat(r.err().get(0)).startsWith("chat impair: ").contains("--loss cannot apply to --tcp");
        assertThat(r.out()).isEmpty();

        Running remote = start("--listen", "127.0.0.1:0", "--forward", "192.0.2.1:7421");
        assertThat(remote.exit()).isEqualTo(2);
        assertUsageLines(remote.err());
        assertThat(remote.err().get(0)).contains("--allow-remote");
    }

    /** One line naming the problem, optionally one more pointing to --help (docs/IMPAIR.md). */
    private static void assertUsageLines(List<String> err) {
        assertThat(err).hasSizeBetween(1, 2);
        if (err.size() == 2) {
            assertThat(err.get(1)).contains("--help");
        }
        assertThat(err).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    }

    @Test
    void aBusyPortExitsOne() throws Exception {
        DatagramChannel taken = udp();
        int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
        Running r = start("--listen", "127.0.0.1:" + port, "--forward", "127.0.0.1:7421");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).hasSize(1);
        assertThat(r.err().get(0)).startsWith("chat impair: cannot listen on 127.0.0.1:" + port);
    }
}
