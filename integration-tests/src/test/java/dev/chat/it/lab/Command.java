package dev.chat.it.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command (docker, docker-compose, iptables, a script) run to completion with a
 * deadline. Output goes to temporary files, not pipes, so a chatty command can never block on
 * a full pipe while we wait for it.
 */
public final class Command {

    /** What a finished command left: its exit code and both outputs. */
    public record Result(List<String> command, int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }

        /** Fails with the command, its exit code and its stderr unless it exited 0. */
        public Result orThrow() {
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exit
                        + (err.isBlank() ? "" : ":\n" + tail(err, 40)) + (out.isBlank() ? "" : "\nstdout:\n" + tail(out, 20)));
            }
            return this;
        }
    }

    /**
     * A command still running: its stdin is a pipe the test may write to (script-mode clients);
     * stdout and stderr go to files, read once it ends.
     */
    public static final class Running {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;

        private Running(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public Process process() {
            return process;
        }

        /** Closes the command's stdin (end of input for a script-mode client). */
        public void closeInput() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whatever it printed on stdout so far. */
        public String outSoFar() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whatever it printed on stderr so far. */
        public String errSoFar() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for the end (killing it and throwing after {@code timeout}) and returns what it left. */
        public Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                            + "; stdout so far:\n" + tail(Files.readString(out, StandardCharsets.UTF_8), 10)
                            + "\nstderr so far:\n" + tail(Files.readString(err, StandardCharsets.UTF_8), 20));
                }
                return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + String.join(" ", command), e);
            } finally {
                if (!process.isAlive()) {
                    deleteQuietly(out);
                    deleteQuietly(err);
                }
            }
        }
    }

    private Command() {
    }

    /** Starts {@code command} without waiting; its stdin is a pipe (see {@link Running#closeInput}). */
    public static Running start(List<String> command) {
        try {
            Path out = Files.createTempFile("chat-it-cmd", ".out");
            Path err = Files.createTempFile("chat-it-cmd", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Running(List.copyOf(command), p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
    }

    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, Map.of(), null);
    }

    /**
     * Runs {@code command} with {@code env} added to this process's environment and
     * {@code stdin} (or nothing) as its input; kills it and throws if it outlives {@code timeout}.
     */
    public static Result run(Duration timeout, List<String> command, Map<String, String> env, byte[] stdin) {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile("chat-it-cmd", ".out");
            err = Files.createTempFile("chat-it-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            if (stdin != null) {
                in = Files.createTempFile("chat-it-cmd", ".in");
                Files.write(in, stdin);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + "; stderr so far:\n" + tail(Files.readString(err, StandardCharsets.UTF_8), 20));
            }
            return new Result(List.copyOf(command), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            for (Path p : new Path[] {out, err, in}) {
                deleteQuietly(p);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    /** The last {@code lines} lines of {@code text}. */
    public static String tail(String text, int lines) {
        String[] all = text.split("\\R");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
