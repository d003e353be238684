package dev.chat.it;

import static dev.chat.it.DocCommands.collect;
import static dev.chat.it.DocCommands.freePort;
import static dev.chat.it.DocCommands.kill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.testsupport.ChatClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "short tour", pasted in order as a new user would, from the repository root with
 * {@code bash}, against the built jars (through {@code ./chat}).
 *
 * <p>Blocks are marked like the tutorial's: {@code <!-- tour: start NAME -->} (every command
 * line of the block runs in the background and must print READY) or {@code <!-- tour: run NAME
 * -->} (every command line runs to its end and must exit 0). What a reader's machine has and this
 * one must not touch is changed the same way everywhere: each port number written in the tour
 * (and each default port a command leaves out) becomes one free port, so two commands that
 * would collide on the reader's machine collide here too; servers bind 127.0.0.1 and keep their
 * data in a temporary directory; the client's config lives in a temporary home.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReadmeTourIT {
    private static final Pattern MARKED = Pattern.compile(
            "<!-- tour: (run|start) ([a-z0-9-]+) -->\\n```sh\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern PORT = Pattern.compile("\\b(74\\d\\d|58\\d\\d|94\\d\\d|6667|6697)\\b");
    /**
     * Default ports of the server, by the variable that sets them (--irc-tls-port and --https-port
     * are auto: with the default --tls-port they are 6697 and 7444).
     */
    private static final Map<String, Integer> SERVER_DEFAULTS = Map.of(
            "CHAT_TCP_PORT", 7420, "CHAT_UDP_PORT", 7421, "CHAT_HTTP_PORT", 7422,
            "CHAT_TLS_PORT", 7443, "CHAT_IRC_PORT", 6667, "CHAT_IRC_TLS_PORT", 6697, "CHAT_HTTPS_PORT", 7444);
    private static final Pattern READY = Pattern.compile("READY tcp=127\\.0\\.0\\.1:(\\d+) .*");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration CLUSTER_PATIENCE = Duration.ofSeconds(180);

    private final Path root = Path.of(System.getProperty("chat.root", "..")).toAbsolutePath().normalize();
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final List<Running> running = new CopyOnWriteArrayList<>();
    private Path scratch;

    record Block(String kind, String name, String text) {
    }

    record Running(String command, Process process, List<String> out, List<String> err, List<Thread> readers) {
        String describe() {
            return command + " (" + (process.isAlive() ? "running" : "exit " + process.exitValue()) + ")\n--- stdout:\n"
                    + String.join("\n", out) + "\n--- stderr:\n" + String.join("\n", err);
        }
    }

    @BeforeAll
    void readTheTour() throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        String tour = readme.substring(readme.indexOf("## A short tour"));
        tour = tour.substring(0, tour.indexOf("\n## ", 3));
        Matcher m = MARKED.matcher(tour);
        while (m.find()) {
            Block b = new Block(m.group(1), m.group(2), m.group(3));
            assertThat(blocks.put(b.name(), b)).as("block name %s used twice", b.name()).isNull();
        }
        long fences = Pattern.compile("(?m)^```sh\\s*$").matcher(tour).results().count();
        assertThat(blocks).as("every ```sh block of the tour carries a <!-- tour: run|start NAME --> marker")
                .hasSize((int) fences);
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (int p : SERVER_DEFAULTS.values()) {
                ports.computeIfAbsent(p, x -> freePort(held));
            }
            for (Block b : blocks.values()) {
                Matcher p = PORT.matcher(b.text());
                while (p.find()) {
                    ports.computeIfAbsent(Integer.parseInt(p.group(1)), x -> freePort(held));
                }
            }
        } finally {
            for (AutoCloseable c : held) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
        scratch = Files.createTempDirectory("readme-tour-");
        Files.createDirectories(scratch.resolve("home"));
        System.out.println("ReadmeTourIT: blocks " + blocks.keySet() + "; ports " + ports);
    }

    @AfterAll
    void stopEverything() {
        for (Running r : running) {
            kill(r.process());
        }
    }

    @Test
    void everyCommandOfTheTourWorksPastedInOrder() throws Exception {
        List<String> order = List.copyOf(blocks.keySet());
        assertThat(order).as("the tour's blocks").containsExactly(
                "server", "clients", "impair", "lossy", "cluster", "cluster-chat", "bench-server", "bench");

        start("server", PATIENCE);
        Map<String, String> clients = runAll("clients");
        assertThat(clients.get("./chat client --discover --list")).as("the server found by its announcement")
                .contains("127.0.0.1:" + ports.get(7420));
        assertThat(clients.get("curl -s localhost:7422/metrics")).contains("chat_connections");

        start("impair", PATIENCE);
        runAll("lossy");

        start("cluster", CLUSTER_PATIENCE);
        runAll("cluster-chat");
        // what the tour says: /history team on node 1 shows what was said on nodes 2 and 3
        try (ChatClient c = ChatClient.registered(ports.get(7451), "tourcheck")) {
            c.request(id -> new ClientMessage.Join(id, "team")); // history is for members
            await("history of team on node 1").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        ServerMessage reply = c.request(id -> new ClientMessage.History(id, "team", null, 50));
                        return reply instanceof ServerMessage.HistoryReply h && h.messages().stream()
                                .map(ServerMessage.ChatMessage::text).toList()
                                .containsAll(List.of("said on node 2", "and on node 3, same room"));
                    });
        }

        start("bench-server", PATIENCE);
        Map<String, String> bench = runAll("bench");
        assertThat(bench.values().iterator().next()).as("the bench report").containsIgnoringCase("deliveries");
    }

    // ------------------------------------------------------------------ the blocks

    /** The block's commands, one per logical line (backslash continuations joined, comments dropped). */
    private static List<String> commands(Block b) {
        List<String> out = new ArrayList<>();
        for (String line : b.text().replace("\\\n", " ").split("\n")) {
            String c = stripComment(line).strip();
            if (c.endsWith("&")) {
                c = c.substring(0, c.length() - 1).strip();
            }
            if (!c.isEmpty()) {
                out.add(c.replaceAll("\\s+", " "));
            }
        }
        return out;
    }

    /** Drops a trailing {@code # comment} that is not inside quotes. */
    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == '#' && !quoted && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private void start(String name, Duration patience) throws IOException {
        Block b = block(name, "start");
        List<Running> started = new ArrayList<>();
        for (String command : commands(b)) {
            started.add(launch(command));
        }
        running.addAll(started);
        for (Running r : started) {
            try {
                await(r.command() + " READY").atMost(patience).pollInterval(Duration.ofMillis(200))
                        .until(() -> r.out().stream().anyMatch(l -> l.startsWith("READY ")) || !r.process().isAlive());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no READY within " + patience + ": " + r.describe(), e);
            }
            assertThat(r.out()).as("READY of %s", r.describe()).anyMatch(l -> l.startsWith("READY "));
            System.out.println("ReadmeTourIT started " + r.command() + ": " + r.out().get(0));
        }
    }

    /** Runs each command of a run block to its end; its stdout by the command as written. */
    private Map<String, String> runAll(String name) throws Exception {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String command : commands(block(name, "run"))) {
            Running r = launch(command);
            try {
                assertThat(r.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                        .as("%s ended within %s: %s", command, PATIENCE, r.describe()).isTrue();
                for (Thread t : r.readers()) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
            } finally {
                kill(r.process());
            }
            System.out.println("ReadmeTourIT ran " + r.describe());
            assertThat(r.process().exitValue()).as("exit code of %s", r.describe()).isZero();
            outputs.put(command, String.join("\n", r.out()));
        }
        return outputs;
    }

    private Block block(String name, String kind) {
        Block b = blocks.get(name);
        assertThat(b).as("README.md has a block <!-- tour: %s %s -->", kind, name).isNotNull();
        assertThat(b.kind()).as("kind of block %s", name).isEqualTo(kind);
        return b;
    }

    // ------------------------------------------------------------------ the reader's machine, here

    /**
     * The command with this machine's ports: every port number written becomes its free port, and
     * a client that names no server gets the default server port's replacement (the server's own
     * defaults come from the environment, see {@link #launch}).
     */
    String rewrite(String command) {
        StringBuilder out = new StringBuilder();
        for (String part : command.split("\\|")) {
            String p = PORT.matcher(part).replaceAll(r -> Integer.toString(ports.get(Integer.parseInt(r.group(1)))));
            if (p.strip().startsWith("./chat client")) {
                String rest = "";
                int redirect = p.indexOf(" <");
                if (redirect >= 0) {
                    rest = p.substring(redirect);
                    p = p.substring(0, redirect);
                }
                p = p.stripTrailing();
                if (p.contains("--discover")) {
                    p += p.contains("--discover-port") ? "" : " --discover-port " + ports.get(7421);
                } else if (!p.contains("--port") && !p.contains("--server")) {
                    p += " --port " + ports.get(7420);
                }
                p += rest + " ";
            }
            out.append(out.length() == 0 ? "" : "|").append(p);
        }
        return out.toString().strip().replace("--data-dir data/", "--data-dir " + scratch.resolve("data") + "/");
    }

    private Running launch(String command) throws IOException {
        String actual = rewrite(command);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec " + actual).directory(root.toFile());
        if (actual.contains("|")) {
            pb.command("bash", "-c", actual);
        }
        pb.redirectInput(new File("/dev/null"));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CHAT_"));
        // ./chat runs the java found first on PATH: make it the one running these tests
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + env.getOrDefault("PATH", ""));
        env.put("HOME", scratch.resolve("home").toString());
        env.put("XDG_CONFIG_HOME", scratch.resolve("home/.config").toString());
        // what a reader's server gets from its defaults, here: loopback, free ports, a scratch data dir
        env.put("CHAT_HOST", "127.0.0.1");
        SERVER_DEFAULTS.forEach((var, port) -> env.put(var, Integer.toString(ports.get(port))));
        if (command.contains("--tls-port")) {
            // --irc-tls-port and --https-port are auto: they follow a --tls-port the command names
            env.remove("CHAT_IRC_TLS_PORT");
            env.remove("CHAT_HTTPS_PORT");
        }
        env.put("CHAT_DATA_DIR", scratch.resolve("data").toString());
        Process p = pb.start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        return new Running(command, p, out, err,
                List.of(collect(p.getInputStream(), out, command), collect(p.getErrorStream(), err, command)));
    }
}
