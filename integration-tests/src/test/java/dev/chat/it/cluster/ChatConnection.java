package dev.chat.it.cluster;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A chat client over a real socket for the cluster tests: a reader thread decodes every frame
 * the server sends and keeps it; tests wait for what they expect by condition, never by sleeping.
 */
final class ChatConnection implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final List<ServerMessage> received = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    private ChatConnection(Socket socket, String name) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        this.reader = new Thread(() -> read(in), "it-client-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ChatConnection connect(int port, String name) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return new ChatConnection(s, name);
    }

    /** Connects and registers; fails unless the server welcomes the nick. */
    static ChatConnection registered(int port, String nick) throws Exception {
        ChatConnection c = connect(port, nick);
        ServerMessage reply = c.request(new ClientMessage.Hello("hello-" + nick, nick));
        if (!(reply instanceof ServerMessage.Welcome)) {
            c.close();
            throw new AssertionError("hello " + nick + " got " + reply);
        }
        return c;
    }

    private void read(InputStream in) {
        FrameDecoder decoder = new FrameDecoder(16 * 1024 * 1024);
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                decoder.feed(buf, 0, n, payload -> {
                    ServerMessage m;
                    try {
                        m = MessageCodec.decodeServer(payload);
                    } catch (ProtocolException e) {
                        throw new IllegalStateException("undecodable frame from the server", e);
                    }
                    synchronized (received) {
                        received.add(m);
                        received.notifyAll();
                    }
                });
            }
        } catch (IOException | ProtocolException | RuntimeException e) {
            // closed (by us, the server, or a killed node): the test looks at what arrived
        } finally {
            closed = true;
            synchronized (received) {
                received.notifyAll();
            }
        }
    }

    void send(ClientMessage m) throws IOException {
        byte[] frame = MessageCodec.encodeFrame(m);
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    /** Sends and waits for the reply carrying the request's id (received after sending it). */
    ServerMessage request(ClientMessage m) throws Exception {
        int from;
        synchronized (received) {
            from = received.size();
        }
        send(m);
        return await(r -> r.id() != null && Objects.equals(r.id(), m.id()), TIMEOUT, from);
    }

    /** The first received message matching {@code p}, waiting up to {@code timeout}. */
    ServerMessage await(Predicate<ServerMessage> p, Duration timeout) throws Exception {
        return await(p, timeout, 0);
    }

    private ServerMessage await(Predicate<ServerMessage> p, Duration timeout, int from) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (int i = from; i < received.size(); i++) {
                    ServerMessage m = received.get(i);
                    if (p.test(m)) {
                        return m;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || closed) {
                    throw new TimeoutException("no matching message; received " + received.size()
                            + (closed ? " (connection closed)" : "") + ", last: "
                            + received.subList(Math.max(0, received.size() - 3), received.size()));
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Everything received so far, in order. */
    List<ServerMessage> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /** Room messages of one room received so far, in order of arrival. */
    List<ServerMessage.ChatMessage> messages(String room) {
        List<ServerMessage.ChatMessage> out = new ArrayList<>();
        for (ServerMessage m : received()) {
            if (m instanceof ServerMessage.ChatMessage c && room.equals(c.room())) {
                out.add(c);
            }
        }
        return out;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
