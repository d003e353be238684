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
        StringBuilder shell = new StringBuilder();
        for (String c : command) {
            shell.append('\'').append(c.replace("'", "'\\''")).append("' ");
        }
        run(TMUX, "-L", socket, "new-session", "-d", "-x", "120", "-y", "30", "-s", session, shell.toString());
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

    /** The last non-empty row: where the input line is. */
    String lastRow() throws IOException, InterruptedException {
        List<String> rows = screen();
        return rows.isEmpty() ? "" : rows.get(rows.size() - 1);
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
            throw new AssertionError("the screen never showed what was expected; it shows:\n" + shown, e);
        }
    }

    void awaitLastRow(String expected) {
        awaitScreen(rows -> !rows.isEmpty() && rows.get(rows.size() - 1).equals(expected));
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
