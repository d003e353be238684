package dev.chat.tools.impair;

import static dev.chat.tools.impair.UdpPeers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TCP proxy with real sockets on loopback: bytes intact and in order, delays, pacing, closing. */
class TcpProxyTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T t) {
        open.add(t);
        return t;
    }

    /** A server on loopback running {@code handler} for each connection on its own thread. */
    private InetSocketAddress server(SocketHandler handler) throws IOException {
        ServerSocket ss = opened(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket s = ss.accept();
                    open.add(s);
                    Thread h = new Thread(() -> {
                        try {
                            handler.handle(s);
                        } catch (IOException e) {
                            // the test sees the effect on its side
                        }
                    }, "server-conn");
                    h.setDaemon(true);
                    h.start();
                }
            } catch (IOException e) {
                // closed
            }
        }, "server-accept");
        t.setDaemon(true);
        t.start();
        return (InetSocketAddress) ss.getLocalSocketAddress();
    }

    interface SocketHandler {
        void handle(Socket s) throws IOException;
    }

    private Relay proxy(InetSocketAddress forward, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("--tcp", "--listen", "127.0.0.1:0", "--forward",
                forward.getAddress().getHostAddress() + ":" + forward.getPort()));
        for (String o : options) {
            if (!o.isBlank()) {
                args.add(o);
            }
        }
        return opened(Relay.start(ImpairCommand.config(args.toArray(String[]::new)), lines::add));
    }

    private Socket connect(Relay relay) throws IOException {
        Socket s = opened(new Socket());
        s.setSoTimeout((int) PATIENCE.toMillis());
        s.connect(relay.localAddress(), (int) PATIENCE.toMillis());
        return s;
    }

    /**
     * Connects and reads: true when the relay closes the connection, which the client sees as a
     * reset during connect, a reset on read, or end of stream.
     */
    private boolean closedOnConnect(Relay relay) throws IOException {
        Socket s = opened(new Socket());
        s.setSoTimeout((int) PATIENCE.toMillis());
        try {
            s.connect(relay.localAddress(), (int) PATIENCE.toMillis());
            return s.getInputStream().read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest().digest(b));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads to end of stream; returns the SHA-256 and the count. */
    private static String readAllHashed(InputStream in, AtomicLong count) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            count.addAndGet(n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Writes in pieces of varying size, like an application would. */
    private static void writeVaried(OutputStream out, byte[] data, long seed) throws IOException {
        Random r = new Random(seed);
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + r.nextInt(20_000));
            out.write(data, off, n);
            off += n;
        }
        out.flush();
    }

    private static ImpairReport awaitReport(Relay relay, Predicate<ImpairReport> done) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> relay.report().join(), done::test);
    }

    @ParameterizedTest(name = "{0} bytes, options [{1}]")
    @CsvSource(delimiter = '|', value = {
        "1048576 | ",
        "1048576 | --delay 5ms --jitter 5ms --distribution exponential --chunk 1000",
        "1048576 | --delay 20ms --jitter 20ms --queue 64k --rate 16m",
        "131072  | --jitter 3ms --distribution pareto --chunk 7",
    })
    void bytesArriveIntactAndInOrderBothWaysWithHalfClose(int size, String options) throws Exception {
        byte[] up = random(1, size);
        byte[] down = random(2, size);
        CompletableFuture<String> serverGot = new CompletableFuture<>();
        InetSocketAddress target = server(s -> {
            // reads until the client's half-close arrives, then answers and closes
            serverGot.complete(readAllHashed(s.getInputStream(), new AtomicLong()));
            writeVaried(s.getOutputStream(), down, 4);
            s.close();
        });
        Relay relay = proxy(target, options == null ? new String[0] : options.trim().split("\\s+"));
        AtomicLong maxQueued = new AtomicLong();
        Socket client = connect(relay);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                writeVaried(client.getOutputStream(), up, 3);
                client.shutdownOutput();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (!serverGot.isDone() || !writer.isDone()) {
                ImpairReport r = relay.report().join();
                maxQueued.accumulateAndGet(Math.max(r.forward().queuedBytes(), r.reply().queuedBytes()), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // sampling, not waiting for an event
            }
        });
        String clientGot = readAllHashed(client.getInputStream(), new AtomicLong());
        writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        watcher.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(serverGot.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(sha256(up));
        assertThat(clientGot).isEqualTo(sha256(down));
        ImpairReport r = awaitReport(relay, x -> x.openFlows() == 0);
        System.out.printf("measured: %d B each way through [%s]: most bytes held %d, forward delay p50=%.1f max=%.1f ms%n",
                size, options, maxQueued.get(), r.forward().p50Ms(), r.forward().maxMs());
        assertThat(r.forward().bytesIn()).isEqualTo(size);
        assertThat(r.forward().bytesOut()).isEqualTo(size);
        assertThat(r.reply().bytesOut()).isEqualTo(size);
        assertThat(r.flows()).isEqualTo(1);
        assertThat(maxQueued.get()).as("bytes held by the relay").isLessThanOrEqualTo(relay.config().queueBytes() + 16 * 1024);
        if (relay.config().chunk() > 0) {
            long chunks = (size + relay.config().chunk() - 1) / relay.config().chunk();
            assertThat(r.forward().out()).isGreaterThanOrEqualTo(chunks);
        }
    }

    @Test
    void chunkingShowsThatTcpKeepsNoMessageBoundaries() throws Exception {
        CompletableFuture<List<Integer>> reads = new CompletableFuture<>();
        InetSocketAddress target = server(s -> {
            List<Integer> sizes = new ArrayList<>();
            byte[] buf = new byte[1000];
            int total = 0;
            while (total < 100) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    break;
                }
                sizes.add(n);
                total += n;
            }
            reads.complete(sizes);
        });
        // 10-byte chunks paced at 1000 B/s: one every 10 ms
        Relay relay = proxy(target, "--chunk", "10", "--rate", "1000");
        Socket client = connect(relay);
        client.getOutputStream().write(random(5, 100)); // one write of one "message"
        List<Integer> sizes = reads.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        System.out.println("measured: one 100-byte write through --chunk 10 --rate 1000 arrived in reads of " + sizes);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(sizes.size()).as("the message arrived in pieces").isGreaterThan(1);
        assertThat(relay.report().join().forward().out()).isEqualTo(10);
    }

    @Test
    void delayAppliesToBothDirections() throws Exception {
        InetSocketAddress target = server(s -> {
            int b;
            while ((b = s.getInputStream().read()) >= 0) {
                s.getOutputStream().write(b);
            }
        });
        Relay relay = proxy(target, "--delay", "100ms");
        Socket client = connect(relay);
        client.setTcpNoDelay(true);
        long t0 = System.nanoTime();
        client.getOutputStream().write(42);
        assertThat(client.getInputStream().read()).isEqualTo(42);
        double rttMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("measured: TCP round trip through --delay 100ms: %.1f ms%n", rttMs);
        assertThat(rttMs).isGreaterThanOrEqualTo(200.0);
        ImpairReport r = relay.report().join();
        assertThat(r.forward().p50Ms()).isGreaterThanOrEqualTo(100.0);
        assertThat(r.reply().p50Ms()).isGreaterThanOrEqualTo(100.0);
    }

    @Test
    void rateLimitsThroughput() throws Exception {
        int size = 100_000;
        CompletableFuture<Long> doneAt = new CompletableFuture<>();
        InetSocketAddress target = server(s -> {
            readAllHashed(s.getInputStream(), new AtomicLong());
            doneAt.complete(System.nanoTime());
        });
        Relay relay = proxy(target, "--rate", "200k");
        Socket client = connect(relay);
        long t0 = System.nanoTime();
        client.getOutputStream().write(random(6, size));
        client.shutdownOutput();
        double ms = (doneAt.get(PATIENCE.toSeconds(), TimeUnit.SECONDS) - t0) / 1e6;
        System.out.printf("measured: 100000 B through --rate 200k took %.0f ms (ideal 500)%n", ms);
        assertThat(ms).isGreaterThanOrEqualTo(480.0);
    }

    @Test
    void aFailedConnectClosesTheClient() throws Exception {
        int dead;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = ss.getLocalPort();
        }
        Relay relay = proxy(new InetSocketAddress("127.0.0.1", dead));
        assertThat(closedOnConnect(relay)).isTrue();
        assertThat(awaitReport(relay, r -> r.failedFlows() == 1).openFlows()).isZero();
    }

    @Test
    void aResetOnOneSideResetsTheOther() throws Exception {
        InetSocketAddress target = server(s -> {
            s.getInputStream().read();
            s.setSoLinger(true, 0);
            s.close();
        });
        Relay relay = proxy(target, "--delay", "10ms");
        Socket client = connect(relay);
        client.getOutputStream().write(1);
        int got;
        try {
            got = client.getInputStream().read();
        } catch (SocketException e) {
            got = -1;
        }
        assertThat(got).isEqualTo(-1);
        awaitReport(relay, r -> r.openFlows() == 0);
    }

    @Test
    void connectionsAboveTheLimitAreRefused() throws Exception {
        InetSocketAddress target = server(s -> s.getInputStream().read());
        Relay relay = proxy(target, "--max-flows", "1");
        Socket first = connect(relay);
        first.getOutputStream().write(1);
        awaitReport(relay, r -> r.openFlows() == 1);
        assertThat(closedOnConnect(relay)).isTrue();
        assertThat(awaitReport(relay, r -> r.refused() == 1).openFlows()).isEqualTo(1);
        assertThat(relay.report().join().line()).startsWith("impair tcp ").contains("refused=1", "| forward: bytes_in=");
    }
}
