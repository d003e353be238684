package dev.chat.client.net;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One TCP connection to a server, on plain blocking sockets (no event loop: a script starts and
 * finishes in well under a second).
 *
 * <p>Two threads per connection. The reader decodes frames with {@link FrameDecoder} and
 * {@link MessageCodec#decodeServer}, answers {@code ping} with {@code pong} itself, and hands
 * every message to the {@link Listener} in arrival order. The writer drains a bounded queue, so
 * {@link #send} never blocks on the socket: not the reader answering a ping, not a UI thread,
 * not while the caller holds a lock. {@code TCP_NODELAY} is on: chat frames are small and
 * should leave at once.
 */
public final class Connection implements AutoCloseable {

    /** Receives what happens on a connection; called on its reader thread. */
    public interface Listener {
        /** A decoded server message (a {@code ping} has already been answered). */
        void onMessage(Connection connection, ServerMessage message);

        /** A frame that did not decode; the connection stays open. */
        void onBadFrame(Connection connection, ProtocolException problem);

        /** The connection is gone; called exactly once. {@code reason} is for people. */
        void onClosed(Connection connection, String reason);
    }

    /** Largest frame we accept from a server: a full history page is far above the request limit. */
    public static final int MAX_INBOUND_FRAME = 16 * 1024 * 1024;
    private static final int WRITE_QUEUE = 4096;
    private static final byte[] END = new byte[0];

    private final ServerAddress address;
    private final Socket socket;
    private final FrameTracer tracer;
    private final Listener listener;
    private final BlockingQueue<byte[]> writes = new ArrayBlockingQueue<>(WRITE_QUEUE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason;
    private boolean drained; // guarded by this: the writer has flushed everything up to END

    private Connection(ServerAddress address, Socket socket, FrameTracer tracer, Listener listener) {
        this.address = address;
        this.socket = socket;
        this.tracer = tracer;
        this.listener = listener;
    }

    /**
     * Connects and starts the reader and writer threads.
     *
     * @throws IOException when the server cannot be reached within {@code timeout}
     */
    public static Connection open(ServerAddress address, Duration timeout, FrameTracer tracer, Listener listener)
            throws IOException {
        return open(address, timeout, tracer, listener, null);
    }

    /**
     * Connects, puts {@code layer} (TLS) over the TCP connection, and starts the reader and
     * writer threads.
     *
     * @param layer set up before any frame is sent (within {@code timeout} too); null: plain TCP
     * @throws IOException when the server cannot be reached or the layer fails
     *         ({@link UntrustedServerException} when the server's identity is refused)
     */
    public static Connection open(ServerAddress address, Duration timeout, FrameTracer tracer, Listener listener,
                                  SocketLayer layer) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) timeout.toMillis());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        if (layer != null) {
            socket = layer.wrap(socket, address, timeout); // closes the socket when it fails
        }
        Connection c = new Connection(address, socket, tracer, listener);
        Thread reader = new Thread(c::readLoop, "chat-reader " + address);
        Thread writer = new Thread(c::writeLoop, "chat-writer " + address);
        reader.setDaemon(true);
        writer.setDaemon(true);
        writer.start();
        reader.start();
        return c;
    }

    /** The address this connection was opened to. */
    public ServerAddress address() {
        return address;
    }

    /** The server's IP address (where our UDP beacons go). */
    public InetAddress remoteAddress() {
        return socket.getInetAddress();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Closes the connection when nothing arrives for {@code idle}: the server pings an idle
     * client every heartbeat, so long silence means the server or the path is gone.
     */
    public void setIdleTimeout(Duration idle) {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idle.toMillis()));
        } catch (IOException e) {
            close("cannot set idle timeout: " + e.getMessage());
        }
    }

    /**
     * Queues one message for writing, in order with every other send.
     *
     * @return false when the connection is closed (the message is dropped)
     */
    public boolean send(ClientMessage message) {
        if (closed.get()) {
            return false;
        }
        byte[] frame = MessageCodec.encodeFrame(message);
        try {
            if (!writes.offer(frame, 10, TimeUnit.SECONDS)) {
                close("server is not reading (write queue full)");
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed.get();
    }

    /**
     * Sends what is queued (waiting at most {@code linger}), then closes. Used after a
     * {@code quit}, so the server sees it before the connection goes.
     */
    public void closeGracefully(Duration linger) {
        if (closed.get()) {
            return;
        }
        writes.offer(END);
        long deadline = System.nanoTime() + linger.toNanos();
        synchronized (this) {
            while (!drained && !closed.get() && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close("closed by client");
    }

    /** Closes at once; the listener hears {@link Listener#onClosed} once. */
    @Override
    public void close() {
        close("closed by client");
    }

    private void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        writes.clear();
        writes.offer(END);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (this) {
            notifyAll();
        }
        listener.onClosed(this, reason);
    }

    /** Why the connection closed, or null while open. */
    public String closeReason() {
        return closeReason;
    }

    private void readLoop() {
        FrameDecoder decoder = new FrameDecoder(MAX_INBOUND_FRAME);
        byte[] buf = new byte[64 * 1024];
        String reason = "server closed the connection";
        boolean heard = false;
        try {
            InputStream in = socket.getInputStream();
            while (!closed.get()) {
                int n = in.read(buf);
                if (n < 0) {
                    if (!heard && !(socket instanceof javax.net.ssl.SSLSocket)) {
                        reason = "server closed the connection without a word (a TLS port? then connect with --tls)";
                    }
                    break;
                }
                heard = true;
                decoder.feed(buf, 0, n, this::onFrame);
            }
        } catch (SocketTimeoutException e) {
            reason = "server silent for too long";
        } catch (FrameTooLargeException e) {
            reason = looksLikeTls(e.declaredLength())
                    ? "the server answered with TLS: this is a TLS port (connect with --tls)"
                    : "server sent an oversized frame: " + e.getMessage();
        } catch (IOException e) {
            reason = "connection lost: " + e.getMessage();
        }
        close(reason);
    }

    // A TLS record header (content type 20-23, version 3.x) read as a frame length.
    private static boolean looksLikeTls(long declaredLength) {
        int type = (int) (declaredLength >>> 24);
        return type >= 0x14 && type <= 0x17 && ((declaredLength >>> 16) & 0xff) == 0x03;
    }

    private void onFrame(byte[] payload) {
        tracer.received(payload);
        ServerMessage m;
        try {
            m = MessageCodec.decodeServer(payload);
        } catch (ProtocolException e) {
            listener.onBadFrame(this, e);
            return;
        }
        if (m instanceof Ping ping) {
            send(new Pong(ping.id()));
        }
        listener.onMessage(this, m);
    }

    private void writeLoop() {
        try {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            while (true) {
                byte[] frame = writes.take();
                if (frame == END) {
                    out.flush();
                    break;
                }
                tracer.sent(frame);
                out.write(frame);
                // Frames already queued share a segment; flush once the queue is empty.
                if (writes.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            close("connection lost: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            drained = true;
            notifyAll();
        }
    }
}
