package dev.chat.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
 * The real server jar as a separate process, as a user runs it: on loopback with every port
 * chosen by the OS ({@code --tcp-port 0} ...), ready once its {@code READY} line is on stdout
 * (which must carry nothing else). Stderr is kept (and written to a log file if one is given).
 * {@link #close()} sends SIGTERM and waits for the graceful stop.
 *
 * <p>Unless the options name a {@code --data-dir} or a {@code --store}, the server gets a data
 * directory of its own (a new temporary directory, deleted by {@link #close()}), so that servers
 * of concurrent tests never share one (a second server refuses a directory in use).
 *
 * <p>The server module's own tests run before its jar is built: there the system property
 * {@code chat.server.main} names the main class, and the server runs from the test class path.
 */
public final class ServerProcess implements AutoCloseable {
    /** tcp (left out with --tcp-port off), udp, http and node first, in that order; any other listener's name=ip:port after them. */
    public static final Pattern READY = Pattern.compile(
            "READY (?:tcp=(\\S+):(\\d+) )?udp=(\\S+):(\\d+) http=(\\S+):(\\d+) node=(\\S+)((?: \\S+=\\S+)*)");
    /** The JVM flags of the launcher, Hazelcast's opens included (harmless without a cluster). */
    public static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true",
            "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private final String name;
    private final Process process;
    private final Path log;
    /** The data directory this object made for the server, deleted on close; null if the options named one. */
    private Path ownDataDir;
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
    private final List<String> extraStdout = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        daemon(this::readStdout, "server-out-" + name);
        daemon(this::readStderr, "server-err-" + name);
    }

    /** The server jar: {@code -Dchat.server.jar}, else {@code server/target/chat-server.jar} under {@code -Dchat.root} (or ..). */
    public static Path jar() {
        String explicit = System.getProperty("chat.server.jar");
        Path jar = explicit != null ? Path.of(explicit)
                : Path.of(System.getProperty("chat.root", "..")).resolve("server/target/chat-server.jar");
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the server first: " + jar + " is missing");
        }
        return jar;
    }

    /** A port that was free a moment ago (Hazelcast needs every member's port up front). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the server with {@code --no-announce} and these options, and waits for READY (60 s). */
    public static ServerProcess start(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--no-announce"));
        args.addAll(List.of(options));
        return launch("server", null, args).awaitReady(Duration.ofSeconds(60));
    }

    /**
     * Starts the server on loopback with free ports (those of {@code --tcp-port}, {@code --udp-port},
     * {@code --http-port} the options do not set; no TLS port unless they set {@code --tls-port}) and
     * these options, without waiting for READY.
     *
     * @param log where its stderr goes as well, or null
     */
    public static ServerProcess launch(String name, Path log, List<String> options) throws IOException {
        return launch(name, log, List.of(), "127.0.0.1", options);
    }

    /**
     * As {@link #launch(String, Path, List)}, with the command behind {@code prefix} (for example
     * {@code ip netns exec NS}, which runs the server in a network namespace with the same pid) and
     * bound to {@code host}.
     */
    public static ServerProcess launch(String name, Path log, List<String> prefix, String host, List<String> options)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM);
        cmd.addAll(serverCommand());
        cmd.addAll(List.of("--host", host));
        for (String port : List.of("--tcp-port", "--udp-port", "--http-port", "--irc-port")) {
            if (options.stream().noneMatch(o -> o.equals(port) || o.startsWith(port + "="))) {
                cmd.addAll(List.of(port, "0")); // unless the test sets it (--tcp-port off, a fixed port)
            }
        }
        Path dataDir = null;
        if (options.stream().noneMatch(o -> o.startsWith("--data-dir") || o.startsWith("--store"))) {
            dataDir = Files.createTempDirectory("chat-data-");
            cmd.addAll(List.of("--data-dir", dataDir.toString()));
        }
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CHAT_"));
        // no TLS port unless the test asks (--tls-port): the default, 7443, would collide between test servers
        pb.environment().put("CHAT_TLS_PORT", "off");
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.deleteIfExists(log);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        ServerProcess sp = new ServerProcess(name, p, log);
        sp.ownDataDir = dataDir;
        return sp;
    }

    /** {@code -jar} the server jar, or the main class on this class path ({@code chat.server.main}). */
    private static List<String> serverCommand() {
        String main = System.getProperty("chat.server.main");
        if (main != null && !main.isBlank()) {
            return List.of("-cp", System.getProperty("java.class.path"), main);
        }
        return List.of("-jar", jar().toString());
    }

    /** Waits for the READY line; fails with the server's stderr if it exits first. */
    public ServerProcess awaitReady(Duration timeout) throws Exception {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            if (ownDataDir != null) {
                deleteTree(ownDataDir);
            }
            throw new IllegalStateException(name + " did not start: " + stderr(), e);
        }
        return this;
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** The plaintext chat port; fails if the server has none ({@code --tcp-port off}). */
    public int tcpPort() {
        return port("tcp");
    }

    public int udpPort() {
        return Integer.parseInt(ready.join().group(4));
    }

    public int httpPort() {
        return Integer.parseInt(ready.join().group(6));
    }

    public String nodeId() {
        return ready.join().group(7);
    }

    /**
     * A field of the READY line by name ({@code tls}, {@code irc}, ...: {@code ip:port}), or null if
     * the line has none.
     */
    public String field(String name) {
        Matcher m = ready.join();
        for (String kv : (m.group(0)).substring("READY ".length()).split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return kv.substring(eq + 1);
            }
        }
        return null;
    }

    /** The port of a READY field ({@code tls}, {@code irc}, ...); fails if the line has none. */
    public int port(String name) {
        String value = field(name);
        if (value == null) {
            throw new IllegalStateException(this.name + ": no " + name + "= in its READY line");
        }
        return Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
    }

    /** What the server wrote on stderr so far. */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** Lines on stdout other than READY (there must be none). */
    public List<String> extraStdout() {
        synchronized (extraStdout) {
            return new ArrayList<>(extraStdout);
        }
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}, {@code TERM}) with {@code kill}. */
    public void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** {@code kill -9}: no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The process's exit status once it exits (waits up to {@code timeout}); -1 if it still runs. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, then waits up to 15 s for the exit (then kills); deletes the data directory it made. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        }
        if (ownDataDir != null) {
            deleteTree(ownDataDir);
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it up eventually
        }
    }

    private void readStdout() {
        try (BufferedReader r = reader(process.getInputStream())) {
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
            ready.completeExceptionally(new IllegalStateException(name + " exited before READY"));
        }
    }

    private void readStderr() {
        try (BufferedReader r = reader(process.getErrorStream())) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderr) {
                    stderr.append(line).append('\n');
                }
                if (log != null) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
