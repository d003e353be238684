package dev.chat.client.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The real client jar as a separate process in script mode: stdin is a pipe we write to. */
final class ClientProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final OutputStream stdin;
    final Lines out;
    final Lines err;

    private ClientProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.out = new Lines(process.getInputStream(), "client-out");
        this.err = new Lines(process.getErrorStream(), "client-err");
    }

    static ClientProcess start(String... args) throws IOException {
        return start(java.util.Map.of(), args);
    }

    /** @param env environment variables to set for the client (for example {@code XDG_CONFIG_HOME}) */
    static ClientProcess start(java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Jars.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-jar", Jars.client().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return new ClientProcess(pb.start());
    }

    /** Starts with {@code --trace} added and waits until it has joined its rooms. */
    static ClientProcess startReady(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--trace");
        ClientProcess c = start(all.toArray(String[]::new));
        c.awaitErr(l -> l.startsWith("<< tcp") && l.contains("\"type\":\"joined\""));
        return c;
    }

    void writeLine(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void closeStdin() throws IOException {
        stdin.close();
    }

    void awaitOut(Predicate<String> p) {
        awaitIn(out, p, "stdout");
    }

    void awaitOutLine(String line) {
        awaitIn(out, line::equals, "stdout line '" + line + "'");
    }

    void awaitErr(Predicate<String> p) {
        awaitIn(err, p, "stderr");
    }

    // Stops waiting early when the process died: the failure then shows what it said.
    private void awaitIn(Lines lines, Predicate<String> p, String what) {
        await().atMost(WAIT).until(() -> lines.any(p) || !process.isAlive());
        if (!lines.any(p)) {
            try { // the process exited: its last lines may still be on their way
                await().atMost(Duration.ofSeconds(5)).until(() -> lines.any(p));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below
            }
        }
        if (!lines.any(p)) {
            throw new AssertionError("expected " + what + " not seen; stdout:\n" + out.joined() + "\nstderr:\n"
                    + err.joined());
        }
    }

    /** Frames received of a type, from the trace. */
    long framesIn(String type) {
        return err.count(l -> l.startsWith("<< tcp") && l.contains("{\"type\":\"" + type + "\""));
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("client still running; stderr:\n" + err.joined());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as a user stops {@code --follow}. */
    int terminate() throws InterruptedException {
        process.destroy();
        return waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
