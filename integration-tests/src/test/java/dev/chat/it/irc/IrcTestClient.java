package dev.chat.it.irc;

import org.awaitility.Awaitility;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A raw-socket IRC client for tests: sends exactly the lines it is given, records every line
 * the server sends, answers the server's {@code PING} by itself, and waits for expected lines
 * in order. Plain Java sockets, nothing IRC-aware beyond that, so a test sees the server's
 * bytes as any client would.
 */
public final class IrcTestClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final List<String> lines = new ArrayList<>();
    private final String name;
    private volatile boolean closedByServer;
    private int mark;

    private IrcTestClient(String name, Socket socket) throws IOException {
        this.name = name;
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread t = new Thread(this::read, "irc-test-client-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Connects to {@code host:port}; {@code name} only labels the reader thread and messages. */
    public static IrcTestClient connect(String name, String host, int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setTcpNoDelay(true);
            return new IrcTestClient(name, s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect " + name + " to " + host + ":" + port, e);
        }
    }

    /** Sends {@code NICK} and {@code USER} and waits for {@code 001}. */
    public IrcTestClient register(String nick, Duration timeout) {
        send("NICK " + nick);
        send("USER " + nick + " 0 * :" + nick + " (test client)");
        await("welcome (001) for " + nick, l -> l.split(" ").length > 1 && l.split(" ")[1].equals("001"), timeout);
        return this;
    }

    /** Sends one line; CR LF is added. */
    public IrcTestClient send(String line) {
        return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes as they are (bad input, partial lines). */
    public synchronized IrcTestClient sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot send", e);
        }
    }

    /**
     * Waits for the first line after the last one awaited that matches, and returns it. On
     * timeout the error lists every line received, which is what one needs to see.
     */
    public String await(String what, Predicate<String> match, Duration timeout) {
        String[] found = new String[1];
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
                synchronized (lines) {
                    for (int i = mark; i < lines.size(); i++) {
                        if (match.test(lines.get(i))) {
                            found[0] = lines.get(i);
                            mark = i + 1;
                            return true;
                        }
                    }
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + " did not receive " + what + " within " + timeout + "; received:\n  "
                    + String.join("\n  ", lines()));
        }
        return found[0];
    }

    /** Waits for a line containing {@code text}. */
    public String awaitContaining(String text, Duration timeout) {
        return await("a line containing '" + text + "'", l -> l.contains(text), timeout);
    }

    /** Waits until the server has closed the connection. */
    public void awaitClosed(Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> closedByServer);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": the server did not close the connection within " + timeout);
        }
    }

    /** Every line received so far, without CR LF. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public boolean closedByServer() {
        return closedByServer;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void read() {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        try (InputStream in = socket.getInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        String l = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        received(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
        } catch (IOException e) {
            // closed: by us or by the server
        } finally {
            if (line.size() > 0) {
                received(line.toString(StandardCharsets.UTF_8));
            }
            closedByServer = true;
        }
    }

    private void received(String l) {
        synchronized (lines) {
            lines.add(l);
        }
        String[] words = l.split(" ");
        int cmd = words.length > 0 && (words[0].startsWith("@") || words[0].startsWith(":")) ? 1 : 0;
        if (words.length > cmd + 1 && words[0].startsWith("@") && words[1].startsWith(":")) {
            cmd = 2;
        }
        if (words.length > cmd && words[cmd].equals("PING")) {
            send("PONG " + l.substring(l.indexOf("PING") + 5));
        }
    }
}
