package dev.chat.it.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The real chat client ({@code chat-client.jar}) on its own host of the test LAN, in script
 * mode: the test types lines into its stdin and reads what it prints, as a script would.
 */
public final class LanClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ComposeLab lab;
    private final String name;
    private final Command.Running running;

    private LanClient(ComposeLab lab, String name, Command.Running running) {
        this.lab = lab;
        this.name = name;
        this.running = running;
    }

    /** Starts {@code ./chat client args...} on a new host called {@code name}. */
    public static LanClient start(ComposeLab lab, String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-Djava.net.preferIPv4Stack=true",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/opt/chat/chat-client.jar"));
        cmd.addAll(List.of(args));
        return new LanClient(lab, name, lab.startHost(name, cmd.toArray(String[]::new)));
    }

    /** Types {@code line} (one chat message in script mode). */
    public LanClient type(String line) {
        try {
            OutputStream in = running.process().getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(name + " no longer reads its input", e);
        }
    }

    /** Ends the input: the client exits once everything it sent is acknowledged. */
    public LanClient endInput() {
        running.closeInput();
        return this;
    }

    /** Lines printed on stdout so far. */
    public List<String> lines() {
        return running.outSoFar().lines().toList();
    }

    /** What it printed on stderr so far ({@code --trace} lines, notices, errors). */
    public String errors() {
        return running.errSoFar();
    }

    /** The {@code --json} lines printed so far, parsed. */
    public List<JsonNode> events() {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines()) {
            try {
                events.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(name + " printed a line that is not JSON: " + line, e);
            }
        }
        return events;
    }

    /**
     * Waits until the client has joined its room: the {@code joined} frame in its {@code --trace}
     * output (start it with {@code --trace}).
     */
    public LanClient awaitJoined(Duration timeout) {
        Awaitility.await(name + " joins").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (running.errSoFar().lines().anyMatch(l -> l.startsWith("<< tcp") && l.contains("\"type\":\"joined\""))) {
                return true;
            }
            failIfEnded("joining");
            return false;
        });
        return this;
    }

    /** Waits until some {@code --json} event matches (failing early if the client ends). */
    public JsonNode awaitEvent(String what, Predicate<JsonNode> match, Duration timeout) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await(name + " sees " + what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode e : events()) {
                if (match.test(e)) {
                    found[0] = e;
                    return true;
                }
            }
            failIfEnded(what);
            return false;
        });
        return found[0];
    }

    /** Waits until a stdout line matches (failing early if the client ends). */
    public String awaitLine(String what, Predicate<String> match, Duration timeout) {
        String[] found = new String[1];
        Awaitility.await(name + " prints " + what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (String l : lines()) {
                if (match.test(l)) {
                    found[0] = l;
                    return true;
                }
            }
            failIfEnded(what);
            return false;
        });
        return found[0];
    }

    private void failIfEnded(String what) {
        if (!running.process().isAlive()) {
            Command.Result r = running.await(Duration.ofSeconds(5));
            throw new IllegalStateException(name + " exited " + r.exit() + " before " + what + "; stdout:\n"
                    + Command.tail(r.out(), 20) + "\nstderr:\n" + Command.tail(r.err(), 20));
        }
    }

    /** Waits for the client to exit and returns its exit code and output. */
    public Command.Result await(Duration timeout) {
        return running.await(timeout);
    }

    /** {@code docker kill --signal KILL}: the client dies with no chance to say goodbye. */
    public void kill() {
        lab.signal(name, "KILL");
    }

    /** SIGTERM: the client's normal way out. */
    public void terminate() {
        lab.signal(name, "TERM");
    }

    public String name() {
        return name;
    }
}
