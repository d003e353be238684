package dev.chat.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw IRC client for tests: a plain socket, CR LF lines out, lines in collected by a reader
 * thread. Every wait has a generous timeout and fails with every line received so far.
 */
public final class IrcClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String EOF = "\u0000EOF";

    private final Socket socket;
    private final OutputStream out;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Every line received, for failure messages. */
    private final List<String> seen = new ArrayList<>();
    private volatile boolean eof;
    public final String name;

    private IrcClient(String host, int port, String name) throws IOException {
        this.name = name;
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        Thread reader = new Thread(this::read, "irc-client-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    public static IrcClient connect(int port, String name) throws IOException {
        return new IrcClient("127.0.0.1", port, name);
    }

    /** Connects to {@code host} (e.g. a LAN address of this machine: a peer that is not loopback). */
    public static IrcClient connect(String host, int port, String name) throws IOException {
        return new IrcClient(host, port, name);
    }

    /** Connects, sends NICK and USER, and waits for the end of the welcome burst (376 or 422). */
    public static IrcClient registered(int port, String nick) throws IOException {
        IrcClient c = connect(port, nick);
        c.send("NICK " + nick);
        c.send("USER " + nick + " 0 * :" + nick + " Example");
        c.awaitNumeric("001");
        c.awaitLine(l -> numeric(l, "376") || numeric(l, "422"));
        return c;
    }

    /** Whether {@code line} is numeric {@code code} ({@code :server 001 nick ...}). */
    public static boolean numeric(String line, String code) {
        String[] w = line.split(" ", 3);
        return w.length >= 2 && w[0].startsWith(":") && w[1].equals(code);
    }

    public void send(String line) throws IOException {
        sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Waits for the next line that matches, dropping the ones before it. */
    public String awaitLine(Predicate<String> p) {
        return awaitLines(p).get(awaitLinesLast);
    }

    private int awaitLinesLast;

    /** The lines up to and including the first that matches. */
    public List<String> awaitLines(Predicate<String> p) {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            String l;
            try {
                l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (l == null || l.equals(EOF)) {
                throw new AssertionError(name + ": " + (l == null ? "timed out" : "connection closed")
                        + " waiting for a line; received: " + seen());
            }
            got.add(l);
            if (p.test(l)) {
                awaitLinesLast = got.size() - 1;
                return got;
            }
        }
    }

    public String awaitNumeric(String code) {
        return awaitLine(l -> numeric(l, code));
    }

    /** Waits until the server closes the connection (what comes before is dropped). */
    public boolean awaitClose() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (EOF.equals(l)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return eof;
    }

    public List<String> seen() {
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    private void read() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = socket.getInputStream()) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String l = line.toString(StandardCharsets.UTF_8);
                    if (l.endsWith("\r")) {
                        l = l.substring(0, l.length() - 1);
                    }
                    line.reset();
                    synchronized (seen) {
                        seen.add(l);
                    }
                    lines.add(l);
                } else {
                    line.write(b);
                }
            }
        } catch (IOException e) {
            // closed or reset: the end either way
        }
        eof = true;
        lines.add(EOF);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
