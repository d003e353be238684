package dev.chat.tools.bench;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One selector thread driving a share of the clients: non-blocking connect, {@code hello},
 * {@code join}, then sending (paced or windowed) and receiving. The receive path is the hot
 * one: every readable socket is read into one shared direct buffer, frames are cut by their
 * length header and told apart by a few bytes ({@link Inbound}); only rare frames are decoded.
 * A partial frame at the end of a read is copied to the connection's small carry array and
 * put back in front of the next read, so 10,000 idle connections cost no buffers.
 */
final class LoadLoop implements Runnable {
    private static final int READ_BUFFER = 256 * 1024;
    /** Frames up to this size are carried across reads; larger ones are classified by their head and skipped. */
    private static final int CARRY_LIMIT = 128 * 1024;
    /** Set-ups (connect, hello, join) in progress at once, per loop: keeps the server's accept backlog short. */
    private static final int SETUP_IN_FLIGHT = 128;
    /** Bytes waiting to be written on one connection before it counts as an error. */
    private static final int MAX_PENDING_OUT = 1 << 20;
    /** Reads of one socket per readiness event: fair between sockets. */
    private static final int READS_PER_EVENT = 4;
    private static final long HIGHEST_LATENCY = 60_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long PUBLISH_EVERY = 1_000_000L;
    private static final byte[] PONG = MessageCodec.encodeFrame(new Pong(null));

    private final RunControl control;
    private final Conn[] conns;
    private final Conn[] senders;
    private final int window;
    private final double intervalNs;
    private final int textOffset;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);

    private final Histogram total = new Histogram(HIGHEST_LATENCY, 3);
    private final Histogram interval = new Histogram(HIGHEST_LATENCY, 3);
    private final Histogram outside = new Histogram(HIGHEST_LATENCY, 3);

    private int nextToOpen;
    private int setupInFlight;
    private Schedule schedule;
    private long nextMessage;
    private long nextRotate = SECOND;
    private long lastPublish;
    private long intervalP99;

    private long ready;
    private long sent;
    private long sentInWindow;
    private long expectedInWindow;
    private long acked;
    private long sayErrors;
    private long delivered;
    private long deliveredInWindow;
    private long echoes;
    private long echoesInWindow;
    private long frames;
    private long bytesIn;
    private long errors;
    private String firstError;
    private boolean sendingDone;

    private volatile Snapshot published = Snapshot.EMPTY;

    /**
     * @param clients this loop's clients, in set-up order
     * @param window with windowed sending, says each sender keeps unanswered; 0 for paced sending
     * @param rate with paced sending, this loop's messages per second over all its senders
     * @param textLength characters of each message text
     */
    LoadLoop(RunControl control, List<ClientSpec> clients, int window, double rate, int textLength) throws IOException {
        this.control = control;
        this.conns = new Conn[clients.size()];
        int nSenders = 0;
        for (int i = 0; i < conns.length; i++) {
            conns[i] = new Conn(clients.get(i), textLength);
            if (conns[i].spec.sender()) {
                nSenders++;
            }
        }
        this.senders = new Conn[nSenders];
        int s = 0;
        for (Conn c : conns) {
            if (c.spec.sender()) {
                senders[s++] = c;
            }
        }
        this.window = window;
        this.intervalNs = rate > 0 ? 1e9 / rate : 0;
        this.textOffset = clients.isEmpty() ? 0
                : Inbound.textOffset(clients.get(0).room().length(), clients.get(0).nick().length());
        this.selector = Selector.open();
    }

    /** The latest published counters (at most about a millisecond old while running; exact once ended). */
    Snapshot snapshot() {
        return published;
    }

    /** Latencies of the measured deliveries; read it only after the thread ended. */
    Histogram latencies() {
        return total;
    }

    /** Interrupts a select so that the loop sees a change of {@link RunControl} at once. */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!control.stop) {
                long now = control.now();
                openMore();
                schedule = control.schedule;
                long waitNs = 10_000_000L;
                if (schedule != null && !sendingDone) {
                    waitNs = send(now);
                }
                if (waitNs < 1_000_000L) {
                    selector.selectNow(this::onKey);
                } else {
                    selector.select(this::onKey, waitNs / 1_000_000L);
                }
                now = control.now();
                if (now >= nextRotate) {
                    rotate(now);
                }
                if (now - lastPublish >= PUBLISH_EVERY || (schedule != null && sendingDone)) {
                    lastPublish = now;
                    publish();
                }
            }
        } catch (IOException | RuntimeException e) {
            control.fail(BenchFailure.FAILED, "load loop failed: " + e);
        } finally {
            total.add(interval);
            interval.reset();
            publish();
            for (Conn c : conns) {
                closeQuietly(c);
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing: nothing left to do with it
            }
        }
    }

    // ---- set-up

    private void openMore() {
        int release = control.release;
        while (setupInFlight < SETUP_IN_FLIGHT && nextToOpen < conns.length
                && conns[nextToOpen].spec.index() < release) {
            open(conns[nextToOpen++]);
        }
    }

    private void open(Conn c) {
        setupInFlight++;
        c.state = Conn.CONNECTING;
        try {
            SocketChannel ch = SocketChannel.open();
            c.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = ch.connect(c.spec.server().socket());
            c.key = ch.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            if (connected) {
                onConnected(c);
            }
        } catch (IOException e) {
            c.state = Conn.CLOSED;
            closeQuietly(c);
            control.fail(BenchFailure.CONNECT, "could not connect to " + c.spec.server() + ": " + e.getMessage());
        }
    }

    private void finishConnect(Conn c) {
        try {
            if (c.channel.finishConnect()) {
                c.key.interestOps(SelectionKey.OP_READ);
                onConnected(c);
            }
        } catch (IOException e) {
            c.state = Conn.CLOSED;
            closeQuietly(c);
            control.fail(BenchFailure.CONNECT, "could not connect to " + c.spec.server() + ": " + e.getMessage());
        }
    }

    private void onConnected(Conn c) {
        c.state = Conn.HELLO_SENT;
        write(c, ByteBuffer.wrap(MessageCodec.encodeFrame(new ClientMessage.Hello(null, c.spec.nick()))));
    }

    // ---- sending

    /** Sends what is due; returns nanoseconds until the next message is due. */
    private long send(long now) {
        Schedule s = schedule;
        if (senders.length == 0) {
            sendingDone = true;
            return Long.MAX_VALUE;
        }
        if (window > 0) {
            if (now >= s.measureUntil()) {
                sendingDone = true;
                return Long.MAX_VALUE;
            }
            for (Conn c : senders) {
                while (c.inFlight < window && c.state == Conn.READY) {
                    say(c, now, s);
                }
            }
            return 5_000_000L; // an ok wakes the select anyway
        }
        for (;;) {
            long due = s.start() + (long) (nextMessage * intervalNs);
            if (due >= s.measureUntil()) {
                sendingDone = true;
                return Long.MAX_VALUE;
            }
            if (due > now) {
                return due - now;
            }
            Conn c = senders[(int) (nextMessage % senders.length)];
            nextMessage++;
            if (c.state == Conn.READY) {
                // stamped with the time it was due, not sent: a late generator shows as latency
                say(c, due, s);
            }
        }
    }

    private void say(Conn c, long stamp, Schedule s) {
        c.inFlight++;
        sent++;
        if (s.measured(stamp)) {
            sentInWindow++;
            expectedInWindow += c.spec.roomSize() - 1;
        }
        write(c, c.say.fill(stamp, ++c.nextId));
    }

    private void write(Conn c, ByteBuffer frame) {
        if (c.state == Conn.CLOSED) {
            return;
        }
        if (c.out == null || c.out.position() == 0) {
            try {
                c.channel.write(frame);
            } catch (IOException e) {
                lost(c, "write failed: " + e.getMessage());
                return;
            }
            if (!frame.hasRemaining()) {
                return;
            }
        }
        if (c.out == null) {
            c.out = ByteBuffer.allocate(Math.max(4096, frame.remaining()));
        }
        if (c.out.remaining() < frame.remaining()) {
            int need = c.out.position() + frame.remaining();
            if (need > MAX_PENDING_OUT) {
                lost(c, "the server does not read: " + need + " bytes waiting to be sent");
                return;
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_PENDING_OUT, Math.max(need, 2 * c.out.capacity())));
            c.out.flip();
            bigger.put(c.out);
            c.out = bigger;
        }
        c.out.put(frame);
        c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
    }

    private void flushOut(Conn c) {
        c.out.flip();
        try {
            c.channel.write(c.out);
        } catch (IOException e) {
            c.out.clear();
            lost(c, "write failed: " + e.getMessage());
            return;
        }
        c.out.compact();
        if (c.out.position() == 0) {
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    // ---- receiving

    private void onKey(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        if (key.isValid() && key.isConnectable()) {
            finishConnect(c);
        }
        if (key.isValid() && key.isWritable()) {
            flushOut(c);
        }
        if (key.isValid() && key.isReadable()) {
            read(c);
        }
    }

    private void read(Conn c) {
        ByteBuffer b = in;
        for (int round = 0; round < READS_PER_EVENT; round++) {
            b.clear();
            if (c.carryLength > 0) {
                b.put(c.carry, 0, c.carryLength);
                c.carryLength = 0;
            }
            int n;
            try {
                n = c.channel.read(b);
            } catch (IOException e) {
                lost(c, "read failed: " + e.getMessage());
                return;
            }
            if (n < 0) {
                lost(c, "closed by the server");
                return;
            }
            bytesIn += n;
            int end = b.position();
            scan(c, b, end, control.now());
            if (end < b.capacity() || c.state == Conn.CLOSED) {
                return; // the socket is (most likely) drained
            }
        }
    }

    private void scan(Conn c, ByteBuffer b, int end, long now) {
        int p = 0;
        if (c.skip > 0) {
            p = Math.min(c.skip, end);
            c.skip -= p;
        }
        while (end - p >= 4) {
            int len = b.getInt(p);
            if (len <= 0) {
                lost(c, "the server sent a frame of length " + Integer.toUnsignedString(len));
                return;
            }
            int available = end - p - 4;
            if (available < len) {
                if (len > CARRY_LIMIT && available >= 64) {
                    // too large to keep: only its type matters (a long member list, say)
                    frames++;
                    onLargeFrame(c, b, p + 4);
                    c.skip = len - available;
                    p = end;
                }
                break;
            }
            frames++;
            onFrame(c, b, p + 4, len, now);
            if (c.state == Conn.CLOSED) {
                return;
            }
            p += 4 + len;
        }
        int rest = end - p;
        if (rest > 0) {
            if (c.carry == null || c.carry.length < rest) {
                c.carry = new byte[Math.max(256, Integer.highestOneBit(rest - 1) << 1)];
            }
            b.get(p, c.carry, 0, rest);
            c.carryLength = rest;
        }
    }

    private void onFrame(Conn c, ByteBuffer b, int p, int len, long now) {
        switch (Inbound.classify(b, p, len)) {
            case Inbound.MESSAGE -> onMessage(c, b, p, len, now);
            case Inbound.MEMBER, Inbound.PONG -> { }
            case Inbound.OK -> {
                if (c.inFlight > 0) {
                    c.inFlight--;
                    acked++;
                }
            }
            case Inbound.PING -> write(c, ByteBuffer.wrap(PONG));
            default -> {
                byte[] payload = new byte[len];
                b.get(p, payload);
                decoded(c, payload);
            }
        }
    }

    private void onMessage(Conn c, ByteBuffer b, int p, int len, long now) {
        int q = Inbound.findMarker(b, p, len, textOffset);
        if (q < 0) {
            return; // not a bench message: someone else talks in the room
        }
        long stamp = Inbound.digits(b, q + 1, 19);
        if (stamp < 0) {
            return;
        }
        Schedule s = schedule;
        boolean measured = s != null && s.measured(stamp);
        if (c.say != null && Inbound.digits(b, q + 20, 6) == c.senderTag) {
            echoes++;
            if (measured) {
                echoesInWindow++;
            }
            return;
        }
        delivered++;
        long latency = Math.min(Math.max(now - stamp, 0), HIGHEST_LATENCY);
        if (measured) {
            deliveredInWindow++;
            interval.recordValue(latency);
        } else {
            outside.recordValue(latency);
        }
    }

    /** The head of a frame too large to carry: joined (a big room's member list) is the one that matters. */
    private void onLargeFrame(Conn c, ByteBuffer b, int p) {
        if (Inbound.typeStartsWith(b, p, (byte) 'j') && c.state == Conn.JOIN_SENT) {
            joined(c);
        }
    }

    /** Rare frames: decoded in full. */
    private void decoded(Conn c, byte[] payload) {
        ServerMessage m;
        try {
            m = MessageCodec.decodeServer(payload);
        } catch (ProtocolException e) {
            error(c, "undecodable frame from the server: " + e.getMessage());
            return;
        }
        if (m instanceof ServerMessage.Welcome) {
            if (c.state == Conn.HELLO_SENT) {
                c.state = Conn.JOIN_SENT;
                write(c, ByteBuffer.wrap(MessageCodec.encodeFrame(new ClientMessage.Join(null, c.spec.room()))));
            }
        } else if (m instanceof ServerMessage.Joined) {
            if (c.state == Conn.JOIN_SENT) {
                joined(c);
            }
        } else if (m instanceof ServerMessage.Error e) {
            onError(c, e);
        } else if (m instanceof ServerMessage.Bye bye) {
            if (!control.stop) {
                error(c, "the server said bye to " + c.spec.nick() + ": " + bye.reason());
            }
        } else if (m instanceof dev.chat.protocol.Ping) {
            write(c, ByteBuffer.wrap(PONG));
        }
        // anything else (member lists, foreign messages) is only counted as a frame
    }

    private void joined(Conn c) {
        c.state = Conn.READY;
        ready++;
        setupInFlight--;
    }

    private void onError(Conn c, ServerMessage.Error e) {
        String what = c.spec.nick() + " got error " + e.code() + ": " + e.message();
        if (c.state != Conn.READY) {
            control.fail(ErrorCode.SERVER_FULL.equals(e.code()) ? BenchFailure.CONNECT : BenchFailure.FAILED,
                    "set-up failed: " + what);
            return;
        }
        if (e.id() != null && c.inFlight > 0) {
            c.inFlight--;
            sayErrors++;
        }
        error(c, what);
    }

    private void error(Conn c, String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    private void lost(Conn c, String reason) {
        int was = c.state;
        c.state = Conn.CLOSED;
        closeQuietly(c);
        if (control.stop) {
            return;
        }
        if (was < Conn.READY) {
            control.fail(BenchFailure.CONNECT, "connection of " + c.spec.nick() + " to " + c.spec.server() + " "
                    + reason + " during set-up");
        } else {
            error(c, "connection of " + c.spec.nick() + " " + reason);
        }
    }

    private static void closeQuietly(Conn c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // already broken: nothing to do
            }
        }
    }

    // ---- accounting

    private void rotate(long now) {
        Histogram h = interval.getTotalCount() > 0 ? interval : outside;
        intervalP99 = h.getTotalCount() > 0 ? h.getValueAtPercentile(99.0) : 0;
        total.add(interval);
        interval.reset();
        outside.reset();
        nextRotate = now + SECOND;
    }

    private void publish() {
        published = new Snapshot(ready, sent, sentInWindow, expectedInWindow, acked, sayErrors, delivered,
                deliveredInWindow, echoes, echoesInWindow, frames, bytesIn, errors, firstError,
                schedule != null && sendingDone, intervalP99);
    }
}
