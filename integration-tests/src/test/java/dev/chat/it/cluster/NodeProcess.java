package dev.chat.it.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server node as a real process ({@code java -jar server/target/chat-server.jar}, with the
 * launcher's JVM flags), started in cluster mode on loopback. Its stdout must carry the READY line
 * and nothing else; stderr goes to a log file under {@code target/}.
 */
final class NodeProcess implements AutoCloseable {
    static final Pattern READY = Pattern.compile(
            "READY tcp=(\\S+):(\\d+) udp=(\\S+):(\\d+) http=(\\S+):(\\d+) node=(\\S+)(?: \\S+=\\S+)*");

    final String name;
    final Process process;
    final Path log;
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
    private final List<String> extraStdout = new ArrayList<>();

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread t = new Thread(this::readStdout, "it-stdout-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** A port that was free a moment ago (Hazelcast needs every member's port up front). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static NodeProcess start(String name, int clusterPort, String members) throws IOException {
        Path root = Path.of(System.getProperty("chat.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve("server/target/chat-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the server first: " + jar + " is missing");
        }
        Path logDir = root.resolve("integration-tests/target/cluster-it");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true",
                "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-jar", jar.toString(),
                "--host", "127.0.0.1", "--tcp-port", "0", "--udp-port", "0", "--http-port", "0", "--tls-port", "off",
                "--irc-port", "0", "--name", name, "--no-announce",
                "--cluster", "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(clusterPort),
                "--cluster-members", members));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CHAT_"));
        return new NodeProcess(name, pb.start(), log);
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = READY.matcher(line);
                if (m.matches() && !ready.isDone()) {
                    ready.complete(m);
                } else {
                    synchronized (extraStdout) {
                        extraStdout.add(line);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            ready.completeExceptionally(new IllegalStateException(name + " exited before READY; see " + log));
        }
    }

    /** Waits for the READY line. */
    NodeProcess awaitReady(Duration timeout) throws Exception {
        ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    int tcpPort() {
        return Integer.parseInt(ready.join().group(2));
    }

    int httpPort() {
        return Integer.parseInt(ready.join().group(6));
    }

    int udpPort() {
        return Integer.parseInt(ready.join().group(4));
    }

    String nodeId() {
        return ready.join().group(7);
    }

    /** Lines on stdout other than READY (the contract says there are none). */
    List<String> extraStdout() {
        synchronized (extraStdout) {
            return new ArrayList<>(extraStdout);
        }
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}) with {@code kill}. */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** {@code kill -9}: no goodbye, no leaving the cluster. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: graceful
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
