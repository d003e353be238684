package dev.chat.it.irc;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Debian's irssi, a real IRC client, driven in a detached tmux session as a person would use
 * it: {@link #type} sends keys, {@link #screen} reads what the 120x30 terminal shows. Each
 * instance has its own irssi home (configuration, no history of other runs) and its own tmux
 * server socket, so tests never touch a user's tmux or irssi and can run side by side.
 *
 * <pre>
 *   tmux -S SOCKET new-session -d -s irc -x 120 -y 30 'irssi -c HOST -p PORT -n NICK --home=DIR'
 *   tmux -S SOCKET send-keys -t irc -l 'text'; tmux -S SOCKET send-keys -t irc Enter
 *   tmux -S SOCKET capture-pane -p -J -t irc
 * </pre>
 */
public final class Irssi implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final Path socket;
    private final String nick;

    private Irssi(Path socket, String nick) {
        this.socket = socket;
        this.nick = nick;
    }

    /** Starts irssi connecting to {@code host:port} as {@code nick}, its home under {@code dir}. */
    public static Irssi start(String host, int port, String nick, Path dir) {
        return start(nick, dir, " -c " + host + " -p " + port);
    }

    /**
     * Starts irssi as {@code nick} and connects it to {@code host:port} as a network with SASL
     * {@code PLAIN} for {@code account} (the way a user sets it up:
     * {@code /network add -sasl_username ... -sasl_password ... -sasl_mechanism PLAIN}).
     */
    public static Irssi startWithSasl(String host, int port, String nick, String account, String password, Path dir) {
        Irssi irssi = start(nick, dir, "");
        irssi.type("/network add -sasl_username " + account + " -sasl_password " + password
                + " -sasl_mechanism PLAIN chatnet");
        irssi.type("/server add -network chatnet " + host + " " + port);
        irssi.type("/connect chatnet");
        return irssi;
    }

    private static Irssi start(String nick, Path dir, String connect) {
        Tools.require("irssi", "tmux");
        try {
            Path home = Files.createDirectories(dir.resolve("irssi-" + nick));
            // no default networks to autoconnect to, the nick and names fixed, no lag checks in the way
            Files.writeString(home.resolve("config"), String.join("\n",
                    "settings = {",
                    "  core = { real_name = \"" + nick + " (irssi)\"; user_name = \"" + nick + "\"; nick = \""
                            + nick + "\"; };",
                    "  \"fe-common/core\" = { autolog = \"no\"; };",
                    "};",
                    ""), StandardCharsets.UTF_8);
            Irssi irssi = new Irssi(dir.resolve("tmux-" + nick + ".sock"), nick);
            irssi.tmux("new-session", "-d", "-s", "irc", "-x", "120", "-y", "30",
                    Tools.find("irssi") + connect + " -n " + nick + " --home=" + home);
            return irssi;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String nick() {
        return nick;
    }

    /** Types {@code text} and presses Enter (a message, or a command such as {@code /join #a}). */
    public Irssi type(String text) {
        tmux("send-keys", "-t", "irc", "-l", text);
        tmux("send-keys", "-t", "irc", "Enter");
        return this;
    }

    /** What the terminal shows now, wrapped lines joined. */
    public String screen() {
        return tmux("capture-pane", "-p", "-J", "-t", "irc");
    }

    /** Waits until the screen satisfies {@code test}; on timeout the error shows the screen. */
    public String awaitScreen(String what, Predicate<String> test, Duration timeout) {
        String[] last = {""};
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> test.test(last[0] = screen()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("irssi (" + nick + ") did not show " + what + " within " + timeout
                    + "; the screen:\n" + last[0]);
        }
        return last[0];
    }

    /** Waits until the screen shows {@code text}. */
    public String awaitShown(String text, Duration timeout) {
        return awaitScreen("'" + text + "'", s -> s.contains(text), timeout);
    }

    @Override
    public void close() {
        try {
            tmux("send-keys", "-t", "irc", "-l", "/quit test over");
            tmux("send-keys", "-t", "irc", "Enter");
        } catch (RuntimeException ignored) {
            // already gone
        }
        try {
            tmux("kill-server");
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.find("tmux"), "-S", socket.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putIfAbsent("TERM", "xterm-256color");
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tmux " + String.join(" ", args) + " did not finish");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("tmux " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                        + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
