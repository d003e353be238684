package dev.chat.it.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * One of the test-only programs of {@code dev.chat.it.actors}, running on the lab host with the
 * product's JRE; its result is the JSON line it prints.
 */
public final class Actor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final Command.Running running;

    private Actor(String name, Command.Running running) {
        this.name = name;
        this.running = running;
    }

    /** Starts actor {@code simpleName} (e.g. {@code Slowloris}) on the lab host with {@code args}. */
    public static Actor start(ComposeLab lab, String simpleName, Object... args) {
        return new Actor(simpleName, lab.startOnLab(command(simpleName, args)));
    }

    /** Starts actor {@code simpleName} on a host of its own, {@code host}, limited to {@code cpus} cores. */
    public static Actor startOnHost(ComposeLab lab, String host, double cpus, String simpleName, Object... args) {
        return new Actor(simpleName, lab.startHost(host, cpus, command(simpleName, args)));
    }

    private static String[] command(String simpleName, Object... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", "/opt/chat-it/chat-it-actors.jar", "dev.chat.it.actors." + simpleName));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        return cmd.toArray(String[]::new);
    }

    /** Waits until the actor prints a line starting with {@code prefix} (e.g. the probe's {@code JOINED}). */
    public void awaitOutput(String prefix, Duration timeout) {
        Awaitility.await(name + " prints " + prefix).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!running.process().isAlive()) {
                        throw new IllegalStateException(name + " ended before printing " + prefix + ":\n"
                                + running.await(Duration.ofSeconds(1)));
                    }
                    return running.outSoFar().lines().anyMatch(l -> l.startsWith(prefix));
                });
    }

    /** Ends the actor's input: the probe's signal to start, the watcher's to stop. */
    public Actor closeInput() {
        running.closeInput();
        return this;
    }

    /** The JSON lines it printed so far (other lines skipped). */
    public List<JsonNode> jsonLines() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : running.outSoFar().split("\\R")) {
            if (line.startsWith("{")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    // a line still being written: the next poll reads it whole
                }
            }
        }
        return out;
    }

    /** Waits for the actor to finish and returns its result; fails if it exits non-zero or prints no JSON. */
    public JsonNode result(Duration timeout) {
        Command.Result r = running.await(timeout);
        if (!r.ok()) {
            throw new IllegalStateException(name + " exited " + r.exit() + ":\n" + Command.tail(r.err(), 30));
        }
        String[] lines = r.out().strip().split("\\R");
        try {
            return JSON.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " printed no JSON result: " + r.out() + "\n" + r.err(), e);
        }
    }
}
