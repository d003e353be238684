package dev.chat.tools.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One generator thread (a Netty event loop) driving a share of the clients: connect, register
 * and join, then sending (paced or windowed) and receiving. The receive path is the hot one:
 * what a socket read delivers is cut into frames or lines by the protocol's {@link Wire}, told
 * apart by a few bytes, and only rare messages are decoded; a partial frame at the end of a
 * read is copied to the connection's small carry buffer, so 10,000 idle connections cost no
 * buffers. Every method runs on the loop's thread, except those that say otherwise.
 */
final class LoadLoop {
    /** A carried partial frame larger than this: the server is not speaking the protocol. */
    private static final int MAX_CARRY = JsonWire.MAX_FRAME + 16; // a WebSocket frame's header is up to 10 bytes
    private static final long HIGHEST_LATENCY = 60_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long PUBLISH_EVERY = 2_000_000L;

    final RunControl control;
    final EventLoop loop;
    final int textOffset;
    private final Wire wire;
    private final Protocol protocol;
    private final Bootstrap bootstrap;
    private final Transport transport;
    private final Conn[] conns;
    private final Conn[] senders;
    /** This loop's senders by their index (the tag in their texts), for witnesses. */
    private final Conn[] senderByTag;
    private final int window;
    private final double intervalNs;

    private final Histogram total = new Histogram(HIGHEST_LATENCY, 3);
    private final Histogram interval = new Histogram(HIGHEST_LATENCY, 3);
    private final Histogram outside = new Histogram(HIGHEST_LATENCY, 3);
    /** Paced sending: how late each measured say left the generator after it was due. */
    private final Histogram sendLag = new Histogram(HIGHEST_LATENCY, 3);
    private final List<Conn> toFlush = new ArrayList<>();

    private int nextToOpen;
    private int setupInFlight;
    private Schedule schedule;
    private long nextMessage;
    private long intervalP99;
    private ScheduledFuture<?> sendTimer;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

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
    long frames;
    private long bytesIn;
    private long errors;
    private String firstError;
    private boolean sendingDone;

    private volatile Snapshot published = Snapshot.EMPTY;

    /**
     * @param clients this loop's clients, in set-up order
     * @param window with windowed sending, says each sender keeps unanswered; 0 for paced sending
     * @param rate with paced sending, this loop's messages per second over all its senders
     */
    LoadLoop(RunControl control, EventLoop loop, Transport transport, List<ClientSpec> clients, int window,
             double rate) {
        this.control = control;
        this.loop = loop;
        this.transport = transport;
        this.bootstrap = transport.bootstrap(loop);
        this.protocol = transport.protocol();
        this.wire = transport.wire();
        this.conns = new Conn[clients.size()];
        int nSenders = 0;
        int maxIndex = 0;
        for (int i = 0; i < conns.length; i++) {
            conns[i] = new Conn(clients.get(i));
            maxIndex = Math.max(maxIndex, clients.get(i).index());
            nSenders += conns[i].spec.sender() ? 1 : 0;
        }
        this.senders = new Conn[nSenders];
        this.senderByTag = new Conn[nSenders == 0 ? 0 : maxIndex + 1];
        int s = 0;
        for (Conn c : conns) {
            if (c.spec.sender()) {
                senders[s++] = c;
                senderByTag[c.spec.index()] = c;
            }
        }
        if (!protocol.answersSays()) {
            chooseWitnesses();
        }
        this.window = window;
        this.intervalNs = rate > 0 ? 1e9 / rate : 0;
        this.textOffset = clients.isEmpty() ? 0
                : Inbound.textOffset(clients.get(0).room().length(), clients.get(0).nick().length());
    }

    /** Each sender's witness: another member of its room on this loop, preferably one that does not send. */
    private void chooseWitnesses() {
        for (Conn s : senders) {
            for (Conn c : conns) {
                if (c != s && c.spec.room().equals(s.spec.room()) && (s.witness == null || s.witness.spec.sender())) {
                    s.witness = c;
                    if (!c.spec.sender()) {
                        break;
                    }
                }
            }
            if (s.witness == null) {
                throw new IllegalArgumentException("over IRC every sender needs another member of its room on the same"
                        + " generator thread: use bigger rooms or fewer --threads");
            }
        }
    }

    /** Starts the loop's timers (any thread). */
    void start() {
        loop.execute(() -> {
            timers.add(loop.scheduleAtFixedRate(this::publish, PUBLISH_EVERY, PUBLISH_EVERY, TimeUnit.NANOSECONDS));
            timers.add(loop.scheduleAtFixedRate(this::rotate, SECOND, SECOND, TimeUnit.NANOSECONDS));
        });
    }

    /** The latest published counters (a few milliseconds old while running; exact once stopped). */
    Snapshot snapshot() {
        return published;
    }

    /** Latencies of the measured deliveries; read it only after {@link #stop}. */
    Histogram latencies() {
        return total;
    }

    /** How late measured paced says left; read it only after {@link #stop}. */
    Histogram sendLag() {
        return sendLag;
    }

    /** Lets more clients connect (any thread): those whose index is below {@link RunControl#release}. */
    void release() {
        loop.execute(this::openMore);
    }

    /** Starts sending on this schedule (any thread). */
    void startSending(Schedule s) {
        loop.execute(() -> {
            schedule = s;
            sendDue();
        });
    }

    /** Closes every connection and publishes the final counters (any thread); completes when done. */
    Future<?> stop() {
        return loop.submit(() -> {
            for (ScheduledFuture<?> t : timers) {
                t.cancel(false);
            }
            if (sendTimer != null) {
                sendTimer.cancel(false);
            }
            for (Conn c : conns) {
                close(c);
            }
            total.add(interval);
            interval.reset();
            publish();
        });
    }

    // ---- set-up

    private void openMore() {
        int release = control.release;
        while (!control.stop && setupInFlight < control.setupInFlight && nextToOpen < conns.length
                && conns[nextToOpen].spec.index() < release) {
            open(conns[nextToOpen++]);
        }
    }

    private void open(Conn c) {
        setupInFlight++;
        c.state = Conn.CONNECTING;
        ChannelFuture f = bootstrap.clone().handler(transport.initializer(this, c)).connect(c.spec.server().socket());
        c.channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess() && !control.stop) {
                c.state = Conn.CLOSED;
                control.fail(BenchFailure.CONNECT, "could not connect to " + c.spec.server() + ": "
                        + done.cause().getMessage());
            }
        });
    }

    /** The connection (and its TLS or WebSocket handshake) is up. */
    void connected(Conn c) {
        if (c.state == Conn.CONNECTING) {
            wire.start(this, c);
        }
    }

    /** Registered and joined. */
    void ready(Conn c) {
        c.state = Conn.READY;
        ready++;
        setupInFlight--;
        openMore();
    }

    /** Set-up failed: the run cannot go on. */
    void setupFailed(Conn c, boolean serverFull, String what) {
        control.fail(serverFull ? BenchFailure.CONNECT : BenchFailure.FAILED, "set-up failed: " + what);
    }

    // ---- sending

    /** Sends what is due and schedules itself for the next message. */
    private void sendDue() {
        sendTimer = null;
        Schedule s = schedule;
        if (s == null || sendingDone || control.stop) {
            return;
        }
        long now = control.now();
        if (senders.length == 0) {
            sendingDone = true;
            return;
        }
        if (window > 0) {
            if (now >= s.measureUntil()) {
                sendingDone = true;
                return;
            }
            for (Conn c : senders) {
                refill(c, now);
            }
            flushPending();
            // nothing else to do until the window's end; answers refill the windows
            sendTimer = loop.schedule(this::sendDue, s.measureUntil() - now, TimeUnit.NANOSECONDS);
            return;
        }
        for (;;) {
            long due = s.start() + (long) (nextMessage * intervalNs);
            if (due >= s.measureUntil()) {
                sendingDone = true;
                flushPending();
                return;
            }
            if (due > now) {
                flushPending();
                sendTimer = loop.schedule(this::sendDue, due - now, TimeUnit.NANOSECONDS);
                return;
            }
            Conn c = senders[(int) (nextMessage % senders.length)];
            nextMessage++;
            if (c.state == Conn.READY) {
                // stamped with the time it was due, not sent: a late generator shows as latency
                if (s.measured(due)) {
                    sendLag.recordValue(Math.min(Math.max(now - due, 0), HIGHEST_LATENCY));
                }
                say(c, due, s);
            }
        }
    }

    /** Windowed sending: fills the sender's window while the measurement lasts. */
    private void refill(Conn c, long now) {
        Schedule s = schedule;
        if (window == 0 || s == null || sendingDone) {
            return;
        }
        if (now >= s.measureUntil()) {
            sendingDone = true;
            return;
        }
        while (c.inFlight < window && c.state == Conn.READY) {
            say(c, now, s);
        }
    }

    private void say(Conn c, long stamp, Schedule s) {
        if (!c.channel.isWritable()) {
            lost(c, "the server does not read: " + (c.channel.unsafe().outboundBuffer() == null ? "?"
                    : c.channel.unsafe().outboundBuffer().totalPendingWriteBytes()) + " bytes waiting to be sent");
            return;
        }
        c.inFlight++;
        sent++;
        if (s.measured(stamp)) {
            sentInWindow++;
            expectedInWindow += c.spec.roomSize() - 1;
        }
        c.channel.write(wire.say(this, c, stamp, ++c.nextId), c.channel.voidPromise());
        if (!c.flushPending) {
            c.flushPending = true;
            toFlush.add(c);
        }
    }

    /** Writes and flushes a set-up or control message now. */
    void write(Conn c, Object msg) {
        if (c.state == Conn.CLOSED) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        c.channel.writeAndFlush(msg, c.channel.voidPromise());
    }

    /** Flushes the connections that had says queued (after a read, or a round of sending). */
    void flushPending() {
        for (int i = 0; i < toFlush.size(); i++) {
            Conn c = toFlush.get(i);
            c.flushPending = false;
            if (c.state != Conn.CLOSED) {
                c.channel.flush();
            }
        }
        toFlush.clear();
    }

    // ---- receiving

    /** Bytes read from a connection (TCP, TLS, WebSocket): complete units go to the wire, the rest is carried. */
    void stream(Conn c, ByteBuf in, long now) {
        bytesIn += in.readableBytes();
        ByteBuf b = in;
        if (c.carry != null) {
            c.carry.writeBytes(in);
            in.release();
            b = c.carry;
        }
        try {
            wire.read(this, c, b, now);
        } finally {
            if (c.state == Conn.CLOSED || !b.isReadable()) {
                b.release();
                c.carry = null;
            } else if (b == c.carry) {
                b.discardSomeReadBytes();
                if (b.readableBytes() > MAX_CARRY) {
                    b.release();
                    c.carry = null;
                    lost(c, "sent a frame or line of more than " + MAX_CARRY + " bytes");
                }
            } else {
                c.carry = c.channel.alloc().heapBuffer(Math.max(256, b.readableBytes()));
                c.carry.writeBytes(b);
                b.release();
            }
        }
    }

    /** A bench message's text, whose marker byte is at {@code q}, reached member {@code c}. */
    void delivery(Conn c, ByteBuf b, int q, long now) {
        long stamp = Inbound.digits(b, q + 1, 19);
        if (stamp < 0) {
            return;
        }
        long tag = Inbound.digits(b, q + 20, 6);
        // the run's schedule, not this loop's copy: another loop may start sending (and this one
        // receive its messages) before this loop has run its startSending task, and those
        // deliveries were counted as outside the window, and so as lost
        Schedule s = control.schedule;
        boolean measured = s != null && s.measured(stamp);
        if (c.say != null && tag == c.senderTag) {
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
        if (tag >= 0 && tag < senderByTag.length) {
            Conn sender = senderByTag[(int) tag];
            if (sender != null && sender.witness == c) {
                answered(sender, false);
            }
        }
    }

    /** A say of {@code c} was answered ({@code ok}, an error, or its witness received it). */
    void answered(Conn c, boolean error) {
        if (c.inFlight <= 0) {
            return;
        }
        c.inFlight--;
        if (error) {
            sayErrors++;
        } else {
            acked++;
        }
        if (window > 0) {
            refill(c, control.now());
        }
    }

    /** An error after set-up: counted, and the first one kept for the report. */
    void error(Conn c, String what) {
        if (control.stop) {
            return;
        }
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    /** The connection is gone (closed, reset, or given up by us). */
    void lost(Conn c, String reason) {
        int was = c.state;
        if (was == Conn.CLOSED) {
            return;
        }
        c.state = Conn.CLOSED;
        if (c.channel != null) {
            c.channel.close();
        }
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

    private void close(Conn c) {
        c.state = Conn.CLOSED;
        if (c.channel != null) {
            c.channel.close();
        }
        if (c.carry != null) {
            c.carry.release();
            c.carry = null;
        }
    }

    // ---- accounting

    private void rotate() {
        Histogram h = interval.getTotalCount() > 0 ? interval : outside;
        intervalP99 = h.getTotalCount() > 0 ? h.getValueAtPercentile(99.0) : 0;
        total.add(interval);
        interval.reset();
        outside.reset();
    }

    private void publish() {
        published = new Snapshot(ready, sent, sentInWindow, expectedInWindow, acked, sayErrors, delivered,
                deliveredInWindow, echoes, echoesInWindow, frames, bytesIn, errors, firstError,
                schedule != null && sendingDone, intervalP99);
    }
}
