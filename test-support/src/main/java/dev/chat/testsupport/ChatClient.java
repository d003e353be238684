package dev.chat.testsupport;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.Frames;
import dev.chat.protocol.Message;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one chat client every module's tests use: a real TCP socket speaking framed JSON, blocking,
 * with timeouts; it waits for events by reading, never by sleeping. It writes messages, raw bytes
 * or unvalidated JSON, and keeps every frame the server sent, in order:
 *
 * <ul>
 *   <li>{@link #next()} reads frames one after the other (the ones in between are skipped);
 *   <li>{@link #request} sends a request with an id and returns the reply carrying it;
 *   <li>{@link #await(Class, Predicate)} finds a frame among those received (also during a
 *       request) or still to come, each at most once;
 *   <li>{@link #await(Predicate, Duration)} finds the first matching frame received since the
 *       start, waiting for it if need be.
 * </ul>
 *
 * By default the socket is read only when a test asks for a frame, so a test can play a slow
 * reader; {@link #readInBackground()} reads on a thread instead (for tests that kill servers and
 * look at what arrived), {@link #drainInBackground()} reads and discards. Not thread-safe: one
 * test thread uses a client, apart from its background reader.
 */
public final class ChatClient implements AutoCloseable {
    /** How long a read waits for a frame before the test fails; generous, the machine is shared. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(16 * 1024 * 1024);
    private final byte[] buf = new byte[64 * 1024];
    /** Every payload received, and its decoding (null if it did not decode); guarded by {@code payloads}. */
    private final List<byte[]> payloads = new ArrayList<>();
    private final List<ServerMessage> received = new ArrayList<>();
    /** Frames taken by {@link #await(Class, Predicate)}. */
    private final BitSet taken = new BitSet();
    private int cursor;
    private int nextId = 1;
    private volatile boolean closed;
    private volatile boolean background;

    private ChatClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1. */
    public static ChatClient connect(int port) throws IOException {
        return connect("127.0.0.1", port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for (0: the default), set before connecting */
    public static ChatClient connect(int port, int receiveBuffer) throws IOException {
        return connect("127.0.0.1", port, receiveBuffer);
    }

    public static ChatClient connect(String host, int port) throws IOException {
        return connect(host, port, 0);
    }

    public static ChatClient connect(String host, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 10_000);
        return new ChatClient(s);
    }

    /** A client over a socket already connected (for example a TLS socket whose handshake is done). */
    public static ChatClient over(Socket connected) throws IOException {
        return new ChatClient(connected);
    }

    /** Connects to 127.0.0.1 and registers with this nick; fails unless the server welcomes it. */
    public static ChatClient registered(int port, String nick) throws IOException {
        return registered("127.0.0.1", port, nick);
    }

    public static ChatClient registered(String host, int port, String nick) throws IOException {
        ChatClient c = connect(host, port);
        try {
            ServerMessage reply = c.request(id -> new ClientMessage.Hello(id, nick));
            if (!(reply instanceof ServerMessage.Welcome)) {
                throw new AssertionError("hello " + nick + " answered with " + reply);
            }
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** Connects to 127.0.0.1 and reads everything in the background from the start ({@link #readInBackground()}). */
    public static ChatClient connectReading(int port, String name) throws IOException {
        return connect(port).readInBackground();
    }

    /** Connects, reads in the background from the start, and registers with this nick. */
    public static ChatClient registeredReading(int port, String nick) throws IOException {
        ChatClient c = connectReading(port, nick);
        try {
            ServerMessage reply = c.request(id -> new ClientMessage.Hello(id, nick));
            if (!(reply instanceof ServerMessage.Welcome)) {
                throw new AssertionError("hello " + nick + " answered with " + reply);
            }
            return c;
        } catch (IOException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** A fresh request id ({@code r1}, {@code r2}, ...). */
    public String newId() {
        return "r" + nextId++;
    }

    public void send(Message m) throws IOException {
        sendRaw(MessageCodec.encodeFrame(m));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Sends {@code json} as one frame, unvalidated. */
    public void sendJson(String json) throws IOException {
        sendRaw(Frames.frame(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends a request with a fresh id and returns the reply carrying it (answering pings meanwhile). */
    public ServerMessage request(Function<String, ClientMessage> build) throws IOException {
        return request(build.apply(newId()));
    }

    /** Sends a request (which should carry an id) and returns the first reply carrying its id. */
    public ServerMessage request(ClientMessage m) throws IOException {
        if (m.id() == null) {
            throw new IllegalArgumentException("a request without id gets no reply to wait for: " + m);
        }
        send(m);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            ServerMessage r = next(deadline);
            if (r == null) {
                throw new AssertionError("no reply to " + m.type() + " " + m.id() + " within " + TIMEOUT + lastReceived());
            }
            if (r instanceof Ping p && p.id() == null) {
                send(new Pong(null)); // a loaded machine may be slow: stay alive
            } else if (Objects.equals(r.id(), m.id())) {
                return r;
            }
        }
    }

    /** The next frame from the server, decoded; fails after {@link #TIMEOUT}, or if the server closes. */
    public ServerMessage next() throws IOException {
        ServerMessage m = next(System.nanoTime() + TIMEOUT.toNanos());
        if (m == null) {
            throw new AssertionError("no frame within " + TIMEOUT + lastReceived());
        }
        return m;
    }

    /**
     * The next frame, or null if none came within {@code timeoutMs}.
     *
     * @throws EOFException the server closed the connection
     */
    public ServerMessage next(int timeoutMs) throws IOException {
        try {
            return next(System.nanoTime() + timeoutMs * 1_000_000L);
        } catch (AssertionError closedByServer) {
            if (closed) {
                throw new EOFException("closed by the server");
            }
            throw closedByServer;
        }
    }

    private ServerMessage next(long deadline) throws IOException {
        byte[] payload = nextPayload(deadline);
        if (payload == null) {
            return null;
        }
        ServerMessage m;
        synchronized (payloads) {
            m = received.get(cursor - 1);
        }
        if (m == null) {
            throw new AssertionError("the server sent an undecodable frame: " + new String(payload, StandardCharsets.UTF_8));
        }
        return m;
    }

    /** The next frame's payload, undecoded, or null when the server closed; fails after {@link #TIMEOUT}. */
    public byte[] nextRaw() throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            byte[] p = nextPayload(deadline);
            if (p == null) {
                throw new AssertionError("no frame within " + TIMEOUT);
            }
            return p;
        } catch (AssertionError e) {
            if (closed) {
                return null;
            }
            throw e;
        }
    }

    /** Reads frames until one of this type matches (skipping the others); fails on timeout. */
    public <T extends ServerMessage> T nextOf(Class<T> type, Predicate<T> match) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            ServerMessage m = next(deadline);
            if (m == null) {
                throw new AssertionError("no matching " + type.getSimpleName() + " within " + TIMEOUT + lastReceived());
            }
            if (type.isInstance(m) && match.test(type.cast(m))) {
                return type.cast(m);
            }
        }
    }

    public <T extends ServerMessage> T nextOf(Class<T> type) throws IOException {
        return nextOf(type, t -> true);
    }

    /**
     * The first frame of this type matching, among those received so far (also while waiting for a
     * reply) and those still to come, that no earlier call returned; fails after {@link #TIMEOUT}.
     */
    public <T extends ServerMessage> T await(Class<T> type, Predicate<T> match) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int from = 0;
        while (true) {
            synchronized (payloads) {
                for (int i = taken.nextClearBit(from); i < received.size(); i = taken.nextClearBit(i + 1)) {
                    ServerMessage m = received.get(i);
                    if (type.isInstance(m) && match.test(type.cast(m))) {
                        taken.set(i);
                        cursor = Math.max(cursor, i + 1);
                        return type.cast(m);
                    }
                }
                from = received.size();
            }
            if (!readMore(deadline)) {
                throw new AssertionError("no matching " + type.getSimpleName() + " within " + TIMEOUT + lastReceived());
            }
        }
    }

    /**
     * The first frame received since the connection opened that matches, waiting up to
     * {@code timeout} for it (the same frame may be returned again by a later call).
     */
    public ServerMessage await(Predicate<ServerMessage> match, Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        while (true) {
            synchronized (payloads) {
                for (int i = from; i < received.size(); i++) {
                    ServerMessage m = received.get(i);
                    if (m != null && match.test(m)) {
                        return m;
                    }
                }
                from = received.size();
            }
            if (!readMore(deadline)) {
                throw new TimeoutException("no matching message; received " + from + (closed ? " (connection closed)" : "")
                        + lastReceived());
            }
        }
    }

    /** {@code peers}, answered. */
    public List<ServerMessage.PeerInfo> peers() throws IOException {
        ServerMessage reply = request(ClientMessage.ListPeers::new);
        if (!(reply instanceof ServerMessage.PeerList list)) {
            throw new AssertionError("peers answered with " + reply);
        }
        return list.peers();
    }

    /** Frames received and not returned by {@link #await(Class, Predicate)}, in order. */
    public List<ServerMessage> kept() {
        synchronized (payloads) {
            List<ServerMessage> out = new ArrayList<>();
            for (int i = taken.nextClearBit(0); i < received.size(); i = taken.nextClearBit(i + 1)) {
                out.add(received.get(i));
            }
            return out;
        }
    }

    /** Everything received so far, in order (null for a frame that did not decode). */
    public List<ServerMessage> received() {
        synchronized (payloads) {
            return new ArrayList<>(received);
        }
    }

    /** Room messages of one room received so far, in order of arrival. */
    public List<ServerMessage.ChatMessage> messages(String room) {
        List<ServerMessage.ChatMessage> out = new ArrayList<>();
        for (ServerMessage m : received()) {
            if (m instanceof ServerMessage.ChatMessage c && room.equals(c.room())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether the server closed the connection (as far as read so far). */
    public boolean isClosed() {
        return closed;
    }

    /** True when the server closes the connection (EOF or reset) within the timeout, skipping frames. */
    public boolean awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed) {
            try {
                if (!readMore(deadline)) {
                    return closed;
                }
            } catch (SocketException e) {
                return true; // reset
            }
        }
        synchronized (payloads) {
            cursor = received.size();
        }
        return true;
    }

    /** Whether nothing arrives within {@code quiet}. Use sparingly: only to show an absence. */
    public boolean silentFor(Duration quiet) throws IOException {
        try {
            return next(System.nanoTime() + quiet.toNanos()) == null;
        } catch (AssertionError closedByServer) {
            return false;
        }
    }

    /** Reads and keeps everything from now on, on a daemon thread; returns this client. */
    public ChatClient readInBackground() {
        background = true;
        Thread t = new Thread(() -> {
            try {
                socket.setSoTimeout(0);
                while (!closed) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    feed(n);
                }
            } catch (IOException | RuntimeException e) {
                // closed (by the test, the server, or a killed node): the test looks at what arrived
            } finally {
                synchronized (payloads) {
                    closed = true;
                    payloads.notifyAll();
                }
            }
        }, "chat-client-reader");
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** Reads and discards everything from now on, on a daemon thread (a member that keeps up). */
    public void drainInBackground() {
        Thread t = new Thread(() -> {
            byte[] sink = new byte[64 * 1024];
            try {
                socket.setSoTimeout(0);
                while (in.read(sink) >= 0) {
                    // discard
                }
            } catch (IOException closedByTest) {
                // the test closed the socket
            }
        }, "chat-client-drain");
        t.setDaemon(true);
        t.start();
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- reading ----

    /** The next unread payload (advancing the cursor), or null at the deadline; AssertionError if the server closed. */
    private byte[] nextPayload(long deadline) throws IOException {
        while (true) {
            synchronized (payloads) {
                if (cursor < payloads.size()) {
                    return payloads.get(cursor++);
                }
                if (closed) {
                    throw new AssertionError("the server closed the connection" + lastReceived());
                }
            }
            if (!readMore(deadline) && !closed) {
                return null;
            }
        }
    }

    /** Waits for more frames (reading the socket unless a background reader does); false at the deadline or on close. */
    private boolean readMore(long deadline) throws IOException {
        if (background) {
            synchronized (payloads) {
                int had = payloads.size();
                while (payloads.size() == had && !closed) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        payloads.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
                return payloads.size() > had;
            }
        }
        synchronized (payloads) {
            if (closed) {
                return false;
            }
        }
        int had = payloads.size();
        while (payloads.size() == had) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (n < 0) {
                closed = true;
                return false;
            }
            feed(n);
        }
        return true;
    }

    private void feed(int n) {
        try {
            decoder.feed(buf, 0, n, payload -> {
                ServerMessage m;
                try {
                    m = MessageCodec.decodeServer(payload);
                } catch (ProtocolException e) {
                    m = null;
                }
                synchronized (payloads) {
                    payloads.add(payload);
                    received.add(m);
                    payloads.notifyAll();
                }
            });
        } catch (ProtocolException e) {
            throw new AssertionError("the server sent a bad frame header: " + e.getMessage());
        }
    }

    private String lastReceived() {
        synchronized (payloads) {
            int n = received.size();
            return n == 0 ? "" : "; last received: " + received.subList(Math.max(0, n - 3), n);
        }
    }
}
