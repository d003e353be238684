package dev.chat.client.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real pseudo-terminal: a detached tmux session on a server socket of its own, so tests never
 * touch anyone's tmux. Keys go in with {@code send-keys}, the screen comes out with
 * {@code capture-pane -p} (text only: colours are stripped, escape sequences already applied).
 */
final class Tmux implements AutoCloseable {
    private static final String TMUX = "/usr/bin/tmux";
    private final String socket = "chat-it-" + UUID.randomUUID();
    private final String session = "chat";

    Tmux(List<String> command) throws IOException, InterruptedException {
        this(command, null);
    }

    /** @param stderr where the program's stderr goes (a file), or null: the terminal */
    Tmux(List<String> command, java.nio.file.Path stderr) throws IOException, InterruptedException {
        StringBuilder shell = new StringBuilder();
        for (String c : command) {
            shell.append(quote(c)).append(' ');
        }
        if (stderr != null) {
            shell.append("2>").append(quote(stderr.toString()));
        }
        run(TMUX, "-L", socket, "new-session", "-d", "-x", "120", "-y", "30", "-s", session, shell.toString());
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The visible screen, one string per row, trailing blanks removed. */
    List<String> screen() throws IOException, InterruptedException {
        String text = run(TMUX, "-L", socket, "capture-pane", "-p", "-t", session);
        List<String> rows = new ArrayList<>();
        for (String row : text.split("\n", -1)) {
            rows.add(row.stripTrailing());
        }
        while (!rows.isEmpty() && rows.get(rows.size() - 1).isEmpty()) {
            rows.remove(rows.size() - 1);
        }
        return rows;
    }

    /** The last non-empty row: the client's status bar. */
    String lastRow() throws IOException, InterruptedException {
        List<String> rows = screen();
        return rows.isEmpty() ? "" : rows.get(rows.size() - 1);
    }

    /** The row the cursor is on: the input line (prompt and what is typed), trailing blanks removed. */
    String cursorRow() throws IOException, InterruptedException {
        int y = cursorY();
        String text = run(TMUX, "-L", socket, "capture-pane", "-p", "-t", session);
        String[] rows = text.split("\n", -1);
        return y < rows.length ? rows[y].stripTrailing() : "";
    }

    /** The cursor's row number, from 0 at the top. */
    int cursorY() throws IOException, InterruptedException {
        return Integer.parseInt(run(TMUX, "-L", socket, "display-message", "-p", "-t", session, "#{cursor_y}").strip());
    }

    /** The visible screen with colours and attributes as escape sequences ({@code capture-pane -e}). */
    String styledScreen() throws IOException, InterruptedException {
        return run(TMUX, "-L", socket, "capture-pane", "-e", "-p", "-t", session);
    }

    /** From now on, everything the program writes to the terminal is appended to {@code file}, raw. */
    void recordOutput(java.nio.file.Path file) throws IOException, InterruptedException {
        run(TMUX, "-L", socket, "pipe-pane", "-o", "-t", session, "cat >> '" + file + "'");
    }

    void type(String text) throws IOException, InterruptedException {
        run(TMUX, "-L", socket, "send-keys", "-t", session, "-l", text);
    }

    void keys(String... keys) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TMUX, "-L", socket, "send-keys", "-t", session));
        cmd.addAll(List.of(keys));
        run(cmd.toArray(String[]::new));
    }

    void awaitScreen(Predicate<List<String>> p) {
        awaitScreen(p, "what was expected");
    }

    void awaitScreen(Predicate<List<String>> p, String what) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    return p.test(screen());
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String shown;
            try {
                shown = String.join("\n", screen());
            } catch (IOException | InterruptedException ex) {
                shown = "(screen gone: " + ex.getMessage() + ")";
            }
            String cursor;
            try {
                cursor = cursorRow();
            } catch (IOException | InterruptedException ex) {
                cursor = "?";
            }
            throw new AssertionError("the screen never showed " + what + "; it shows:\n" + shown
                    + "\n(input line: '" + cursor + "')", e);
        }
    }

    void awaitLastRow(String expected) {
        awaitScreen(rows -> !rows.isEmpty() && rows.get(rows.size() - 1).equals(expected));
    }

    /** Waits until the input line (the cursor's row) reads {@code expected}, trailing blanks aside. */
    void awaitPrompt(String expected) {
        awaitScreen(rows -> {
            try {
                return cursorRow().equals(expected.stripTrailing());
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, "input line '" + expected + "'");
    }

    /** Waits until the input line matches {@code regex}. */
    void awaitPromptMatching(String regex) {
        awaitScreen(rows -> {
            try {
                return cursorRow().matches(regex);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, "input line matching " + regex);
    }

    /** Whether the session (and so the program in it) is still there. */
    boolean alive() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(TMUX, "-L", socket, "has-session", "-t", session)
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(TMUX, "-L", socket, "kill-server");
        } catch (IOException e) {
            // the session already ended with its program
        }
    }
}
