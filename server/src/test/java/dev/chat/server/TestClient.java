package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Predicate;

/**
 * A raw-socket client for tests: writes frames or arbitrary bytes, reads and decodes frames
 * with a timeout. Blocking, one per test thread; waits for events by reading, never by sleeping.
 */
final class TestClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(16 * 1024 * 1024);
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final byte[] buf = new byte[64 * 1024];
    private int nextId = 1;

    private TestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static TestClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for (0: the default), set before connecting */
    static TestClient connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return new TestClient(s);
    }

    /** Registers with this nick and returns the welcome. */
    static TestClient registered(int port, String nick) throws IOException {
        TestClient c = connect(port);
        c.send(new ClientMessage.Hello("h", nick));
        ServerMessage reply = c.next();
        while (reply instanceof dev.chat.protocol.Ping ping) { // a loaded machine may be slow to register
            c.send(new dev.chat.protocol.Pong(ping.id()));
            reply = c.next();
        }
        assertThat(reply).as("reply to hello").isInstanceOf(ServerMessage.Welcome.class);
        return c;
    }

    String newId() {
        return "r" + nextId++;
    }

    void send(ClientMessage m) throws IOException {
        out.write(MessageCodec.encodeFrame(m));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code json} as one frame, unvalidated. */
    void sendJson(String json) throws IOException {
        byte[] payload = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        sendRaw(dev.chat.protocol.Frames.frame(payload));
    }

    /** The next frame from the server, decoded; fails after {@link #TIMEOUT}. */
    ServerMessage next() throws IOException {
        byte[] payload = nextPayload(TIMEOUT);
        if (payload == null) {
            throw new AssertionError("the server closed the connection instead of sending a frame");
        }
        try {
            return MessageCodec.decodeServer(payload);
        } catch (ProtocolException e) {
            throw new AssertionError("server sent an undecodable frame: " + e.getMessage());
        }
    }

    /** The next frame's payload, undecoded, or null when the server closed; fails after {@link #TIMEOUT}. */
    byte[] nextRaw() throws IOException {
        return nextPayload(TIMEOUT);
    }

    /** Reads frames until one matches, failing on timeout; returns it. */
    <T extends ServerMessage> T nextOf(Class<T> type, Predicate<T> match) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ServerMessage m = next();
            if (type.isInstance(m) && match.test(type.cast(m))) {
                return type.cast(m);
            }
        }
        throw new AssertionError("no matching " + type.getSimpleName() + " within " + TIMEOUT);
    }

    <T extends ServerMessage> T nextOf(Class<T> type) throws IOException {
        return nextOf(type, t -> true);
    }

    /** Sends a request with a fresh id and reads until the direct reply to it. */
    ServerMessage request(java.util.function.Function<String, ClientMessage> build) throws IOException {
        String id = newId();
        send(build.apply(id));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ServerMessage m = next();
            if (id.equals(m.id())) {
                return m;
            }
        }
        throw new AssertionError("no reply to " + id);
    }

    /** True when the server closes the connection (EOF or reset) within the timeout, skipping frames. */
    boolean awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                byte[] p = nextPayload(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (p == null) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset
            }
        }
        return false;
    }

    /** Whether nothing arrives within {@code quiet}. Use sparingly: only to show an absence. */
    boolean silentFor(Duration quiet) throws IOException {
        try {
            nextPayload(quiet);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    private byte[] nextPayload(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (frames.isEmpty()) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (deadline - System.nanoTime() <= 0) {
                throw new SocketTimeoutException("no frame within " + timeout);
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(buf);
            if (n < 0) {
                return null;
            }
            try {
                decoder.feed(buf, 0, n, frames::add);
            } catch (ProtocolException e) {
                throw new AssertionError("server sent a bad frame header: " + e.getMessage());
            }
        }
        return frames.poll();
    }

    /** Reads and discards everything from now on, on a daemon thread (a member that keeps up). */
    void drainInBackground() {
        Thread t = new Thread(() -> {
            byte[] sink = new byte[64 * 1024];
            try {
                socket.setSoTimeout(0);
                while (in.read(sink) >= 0) {
                    // discard
                }
            } catch (IOException closed) {
                // socket closed by the test
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
