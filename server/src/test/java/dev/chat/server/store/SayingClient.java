package dev.chat.server.store;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of a server process that says numbered messages ({@code <nick>-<n>}) into one room as
 * fast as its window of unanswered requests allows, on two threads (one writes, one reads), and
 * records the outcome of each: acknowledged ({@code ok}), refused (the {@code error}'s code), or
 * neither (the server died first). Until {@link #stop()}, or until the connection breaks.
 */
final class SayingClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String nick;
    private final String room;
    private final Semaphore window;
    private final String padding;
    private final FrameDecoder decoder = new FrameDecoder(16 << 20);
    /** Messages the server acknowledged ({@code <nick>-<n>}: the request id, and the text up to its padding). */
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    /** Messages refused, with the error code. */
    final Map<String, String> refused = new ConcurrentHashMap<>();
    /** Texts sent. */
    final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<ServerMessage> lastReply = new AtomicReference<>();
    private final CountDownLatch replied = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(2);
    private volatile boolean stopping;
    private volatile boolean broken;

    private SayingClient(Socket socket, String nick, String room, int window, int pad) throws IOException {
        this.socket = socket;
        this.padding = pad == 0 ? "" : " " + "x".repeat(pad);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.nick = nick;
        this.room = room;
        this.window = new Semaphore(window);
    }

    /** Connects, says hello, joins the room and starts saying. */
    static SayingClient start(int port, String nick, String room, int window) throws IOException {
        return start(port, nick, room, window, 0);
    }

    /** As {@link #start(int, String, String, int)}, each text padded with {@code pad} more characters. */
    static SayingClient start(int port, String nick, String room, int window, int pad) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setTcpNoDelay(true);
        SayingClient c = new SayingClient(s, nick, room, window, pad);
        c.thread("reader-" + nick, c::read);
        c.send(new ClientMessage.Hello("h", nick));
        c.send(new ClientMessage.Join("j", room));
        try {
            if (!c.replied.await(30, TimeUnit.SECONDS) || !(c.lastReply.get() instanceof ServerMessage.Joined)) {
                throw new IOException(nick + " could not join " + room + ": " + c.lastReply.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        c.thread("sayer-" + nick, c::say);
        return c;
    }

    /** Acknowledged so far. */
    int ackedCount() {
        return acked.size();
    }

    /** Stops saying and waits (up to 30 s) for the answers to what was sent, or for the connection to break. */
    void stop() {
        stopping = true;
        window.release(1_000_000); // wake the writer
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> broken || acked.size() + refused.size() >= sent.get());
    }

    boolean broken() {
        return broken;
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        socket.close();
    }

    private void say() {
        try {
            for (int n = 1; !stopping && !broken; n++) {
                while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (stopping || broken) {
                        return;
                    }
                }
                if (stopping || broken) {
                    return;
                }
                String id = nick + "-" + n;
                sent.incrementAndGet();
                send(new ClientMessage.Say(id, room, id + padding));
            }
        } catch (IOException | InterruptedException e) {
            broken = true;
        } finally {
            stopped.countDown();
        }
    }

    private void read() {
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                decoder.feed(buf, 0, n, this::onFrame);
            }
        } catch (IOException | ProtocolException e) {
            // the server is gone (killed) or the test closed us
        } finally {
            broken = true;
            replied.countDown();
            stopped.countDown();
        }
    }

    private void onFrame(byte[] payload) {
        ServerMessage m;
        try {
            m = MessageCodec.decodeServer(payload);
        } catch (ProtocolException e) {
            return;
        }
        if (m instanceof Ping p && p.id() == null) {
            try {
                send(new Pong(null));
            } catch (IOException ignored) {
                // the connection broke: the reader sees it
            }
            return;
        }
        Object id = m.id();
        if (id == null) {
            return; // room messages and member events
        }
        if (id.equals("h") || id.equals("j")) {
            lastReply.set(m);
            if (id.equals("j") || m instanceof ServerMessage.Error) {
                replied.countDown();
            }
            return;
        }
        String text = id.toString();
        if (m instanceof ServerMessage.Ok) {
            acked.add(text);
        } else if (m instanceof ServerMessage.Error e) {
            refused.put(text, e.code());
        }
        window.release();
    }

    private void send(ClientMessage m) throws IOException {
        byte[] frame = MessageCodec.encodeFrame(m);
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
