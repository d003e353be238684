package dev.chat.server.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for the tests: {@code initdb} into a temporary directory as the
 * {@code postgres} user (PostgreSQL refuses to run as root), started with {@code pg_ctl} on a free
 * loopback port with its socket in that directory, password authentication on. Nothing of the
 * machine's own clusters is touched. {@link PostgresExtension} starts one per test run.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "chat-test-secret";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path root;
    private final Path data;
    private final int port;

    private PostgresServer(Path bin, Path root, int port) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.port = port;
    }

    /** The newest installed PostgreSQL's programs, if any. */
    static Optional<Path> installed() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static PostgresServer start(Path bin) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("chat-pg-");
        Path pw = Files.writeString(root.resolve("pwfile"), PASSWORD + "\n");
        if (isRoot()) {
            run(List.of("chown", "-R", USER + ":" + USER, root.toString()), false);
        }
        PostgresServer pg = new PostgresServer(bin, root, freePort());
        run(List.of(bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", USER, "--pwfile=" + pw,
                "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"), true);
        pg.start();
        return pg;
    }

    int port() {
        return port;
    }

    /** The store URL of database {@code db}. */
    public String url(String db) {
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + db;
    }

    public String jdbc(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    /** A new, empty database; returns its name. */
    public String createDatabase() throws Exception {
        String name = "chat_test_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), USER, PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** Starts the server and waits until it accepts connections. */
    void start() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("log").toString(),
                "-w", "-t", "120", "-o", "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1"
                        + " -c max_connections=100", "start"), true);
    }

    /** Stops the server the way an administrator restarting it would ({@code -m fast}: sessions are cut). */
    void stop() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "120", "stop"), true);
    }

    @Override
    public void close() throws IOException {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runs a command (as the postgres user when we are root and {@code asPostgres}); fails with its output. */
    private static void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && isRoot()) {
            full.addAll(List.of("runuser", "-u", USER, "--"));
        }
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", full) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " exited " + p.exitValue() + ": " + out.trim());
        }
    }
}
