package dev.chat.server.net;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.rooms.CloseSession;
import dev.chat.server.rooms.Delivery;
import dev.chat.server.rooms.Disconnected;
import dev.chat.server.rooms.HubCall;
import dev.chat.server.rooms.Recipient;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP event loop: listens on the shared chat port (Vert.x spreads connections over the
 * instances), owns the {@link Session}s it accepted (each one its channel's Netty handler), and
 * runs their command table. Fan-out arrives as {@link Delivery} messages at
 * {@link Addresses#loop(int)}; each frame is copied once into this loop's {@link FrameLog}, and
 * the frames queued for a session during one turn of the loop are written together at its end.
 */
public final class TcpVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TcpVerticle.class);
    private static final AtomicLong SESSION_IDS = new AtomicLong();
    /** Socket write queue: beyond it, frames wait in the session's own bounded buffer. */
    private static final int WRITE_QUEUE_BYTES = 128 * 1024;
    /** Shared by every channel (immutable): not one object per connection. */
    private static final WriteBufferWaterMark WRITE_QUEUE = new WriteBufferWaterMark(WRITE_QUEUE_BYTES / 2, WRITE_QUEUE_BYTES);
    /**
     * Requests one session may have waiting for the hub's answer. At this many the session stops
     * reading its socket, and reads again once replies bring it down to half: a client sending
     * faster than the hub answers is slowed by TCP instead of piling requests up in memory.
     */
    public static final int MAX_REQUESTS_IN_FLIGHT = 64;
    /**
     * Flushes of one loop are at least this far apart. When the loop is idle, a frame is written
     * right after the task that queued it; when it is busy (the last flush was less than this ago)
     * the flush waits for the rest of the interval, so that each member gets the frames of the
     * whole interval in one write. Paced load (a message now and then to each member) then costs
     * one write per member per interval instead of one per message: at 1,000 messages per second
     * into 100-member rooms, a tenth of the syscalls, for at most this much more latency.
     */
    static final long FLUSH_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Frames set aside during one run at most; then the run is closed early (it stays correct). */
    static final int MAX_ASIDE = 4096;
    /** How long a closing connection may take to read its last frames before it is cut off. */
    private static final long CLOSE_GRACE_MS = 5_000;

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final int index;
    private final java.util.function.IntConsumer boundPort;
    private final SessionTable sessions = new SessionTable();
    private final ArrayDeque<Session> dirty = new ArrayDeque<>();
    /** Frames for many sessions (room messages, events): kept apart so a room's frames lie side by side. */
    private final FrameLog log = new FrameLog();
    /** Frames for one session (replies, direct messages). */
    private final FrameLog directLog = new FrameLog();
    /*
     * The open run: consecutive frames for one recipient array (a room's members on this loop:
     * the hub reuses the array while the membership stays the same), side by side in one chunk.
     * Members are told once, when the run closes (at the flush, or when anything else is
     * delivered to several sessions), not once per frame: under fan-out that is one call per
     * member per turn instead of one per member per message. Frames for one session (replies,
     * direct messages) that arrive meanwhile are set aside with the run's position at the time,
     * and interleaved at that position when the run closes, so every session still receives
     * everything in the order this loop was given it.
     */
    private Recipient[] runTo;
    private ByteBuf runChunk;
    private int runStart;
    private int runEnd;
    private int runFrames;
    /** Identifies the open run (see {@link Session#asideIn}); incremented when it closes. */
    private long runId;
    private final ArrayList<Aside> aside = new ArrayList<>();

    /** A frame for one session, set aside while a run was open, and where in the run it came. */
    private record Aside(Session to, int runPos, int runFramesBefore, ByteBuf chunk, int start, int length) {
    }
    /** Bytes on their way from a socket to its session's decoder. */
    private final byte[] scratch = new byte[64 * 1024];
    private boolean flushScheduled;
    /** When the last flush started ({@link System#nanoTime()}). */
    private long lastFlushAt = System.nanoTime() - FLUSH_SPACING_NANOS;
    /** {@link #FLUSH_SPACING_NANOS}; 0 in the fan-out micro-benchmark, which flushes every turn. */
    long flushSpacingNanos = FLUSH_SPACING_NANOS;
    /** {@link #flushDirty()} as a task, made once: it is scheduled at every turn that queued output. */
    private final io.vertx.core.Handler<Void> flushTask = v -> flushDirty();
    private final Runnable flushLater = () -> context.runOnContext(flushTask);
    private final CommandTable commands;
    /** Null when say/dm are not rate limited. */
    private final RateLimiter rate;
    private final long heartbeatNanos;
    private final long helloTimeoutNanos;
    private NetServer server;
    private boolean stopping;

    /**
     * @param index this loop's index among the TCP instances, 0-based
     * @param boundPort told the actual port once listening
     */
    public TcpVerticle(ServerConfig config, ServerMetrics metrics, int index, java.util.function.IntConsumer boundPort) {
        this.config = config;
        this.metrics = metrics;
        this.index = index;
        this.boundPort = boundPort;
        this.heartbeatNanos = config.heartbeat().toNanos();
        this.helloTimeoutNanos = config.helloTimeout().toNanos();
        this.rate = config.rateLimit() > 0 ? new RateLimiter(config.rateLimit(), config.rateBurst()) : null;
        this.commands = new CommandTable(rate)
                .on(ClientMessage.Hello.TYPE, true, false, this::toHub)
                .on(Ping.TYPE, true, false, (s, m) -> s.send(new Pong(m.id())))
                .on(Pong.TYPE, false, false, (s, m) -> { })
                .on(ClientMessage.Quit.TYPE, true, false, (s, m) -> s.close("quit", null))
                .on(ClientMessage.Say.TYPE, false, true, this::toHub)
                .on(ClientMessage.Dm.TYPE, false, true, this::toHub)
                .on(ClientMessage.Join.TYPE, false, false, this::toHub)
                .on(ClientMessage.Part.TYPE, false, false, this::toHub)
                .on(ClientMessage.Nick.TYPE, false, false, this::toHub)
                .on(ClientMessage.ListRooms.TYPE, false, false, this::toHub)
                .on(ClientMessage.Who.TYPE, false, false, this::toHub)
                .on(ClientMessage.History.TYPE, false, false, this::toHub)
                .on(ClientMessage.ListPeers.TYPE, false, false, this::peers);
    }

    int index() {
        return index;
    }

    int maxBacklog() {
        return config.maxBacklog();
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<Object>localConsumer(Addresses.loop(index), this::onLoopMessage);
        vertx.eventBus().<byte[]>localConsumer(Addresses.PRESENCE_EVENTS, this::onPresence);
        long sweep = Math.max(20, Math.min(1000, Math.min(config.heartbeat().toMillis(),
                config.helloTimeout().toMillis()) / 4));
        vertx.setPeriodic(sweep, t -> sweep());
        NetServerOptions options = new NetServerOptions()
                .setHost(config.host())
                .setPort(config.tcpPort())
                .setTcpNoDelay(true)
                .setReuseAddress(true);
        server = vertx.createNetServer(options).connectHandler(this::onConnect);
        return server.listen().onSuccess(s -> boundPort.accept(s.actualPort()));
    }

    /** Says {@code bye} to every session and waits (briefly) for the sockets to close. */
    @Override
    public Future<?> stop() {
        stopping = true;
        List<Future<Void>> closed = new ArrayList<>();
        for (Session s : sessions.snapshot()) {
            Promise<Void> p = Promise.promise();
            s.closeFuture().addListener(f -> p.tryComplete());
            s.close("server shutting down", new ServerMessage.Bye("server shutting down"));
            closed.add(p.future());
        }
        Promise<Void> done = Promise.promise();
        Future.join(closed).onComplete(ar -> done.tryComplete());
        vertx.setTimer(2000, t -> done.tryComplete());
        return done.future().andThen(ar -> {
            flushDirty();
            log.close();
            directLog.close();
        });
    }

    private void onConnect(NetSocket socket) {
        if (stopping) {
            socket.close();
            return;
        }
        metrics.connectionsTotal.increment();
        if (metrics.connections.incrementAndGet() > config.maxConnections()) {
            metrics.connections.decrementAndGet();
            metrics.error(ErrorCode.SERVER_FULL);
            socket.write(Buffer.buffer(MessageCodec.encodeFrame(new ServerMessage.Error(null,
                    ErrorCode.SERVER_FULL, "the server is at its connection limit"))));
            socket.close();
            LOG.info("refused {}: server full ({} connections)", socket.remoteAddress(), config.maxConnections());
            return;
        }
        long now = System.nanoTime();
        Session s = new Session(SESSION_IDS.incrementAndGet(), this, config.maxFrame(),
                rate == null ? 0 : rate.full(), now);
        sessions.add(s);
        // From here on the session is the channel's handler, in place of Vert.x's NetSocket (which
        // is dropped): it reads, writes and sees writability and close on this loop directly.
        ChannelHandlerContext netty = ((NetSocketInternal) socket).channelHandlerContext();
        if (!netty.executor().inEventLoop()) {
            throw new IllegalStateException("connection served off its loop"); // Vert.x serves it on ours
        }
        netty.channel().config().setWriteBufferWaterMark(WRITE_QUEUE);
        netty.pipeline().replace(netty.handler(), "chat", s);
        LOG.info("open #{} from {}", s.id, s.remoteAddress());
    }

    void countIn(int bytes) {
        metrics.bytesIn.add(bytes);
    }

    /** A buffer for bytes on their way from a socket to a decoder (which copies what it keeps). */
    byte[] scratch() {
        return scratch;
    }

    void onFrame(Session s, byte[] payload) {
        metrics.framesIn.increment();
        ClientMessage m;
        try {
            m = MessageCodec.decodeClient(payload);
        } catch (ProtocolException e) {
            onProtocolError(s, e);
            return;
        }
        commands.dispatch(s, m, System.nanoTime());
    }

    void onProtocolError(Session s, ProtocolException e) {
        ServerMessage.Error err = ServerMessage.Error.of(e);
        if (e.fatal()) {
            s.close(e.code(), err);
        } else {
            s.send(err);
        }
    }

    private void toHub(Session s, ClientMessage m) {
        if (m instanceof ClientMessage.Hello) {
            if (s.helloSent) {
                s.send(new ServerMessage.Error(m.id(), ErrorCode.ALREADY_REGISTERED, "this connection already said hello"));
                return;
            }
            s.helloSent = true;
        }
        request(s, Addresses.HUB, new HubCall(s, m))
                .onSuccess(reply -> onHubReply(s, m, reply.body()))
                .onFailure(e -> {
                    if (!s.closing) {
                        s.send(new ServerMessage.Error(m.id(), ErrorCode.UNAVAILABLE, "the chat did not answer in time"));
                    }
                });
    }

    /** Sends a request on behalf of a session, counted in its requests in flight until answered. */
    private Future<Message<ServerMessage>> request(Session s, String address, Object body) {
        s.requestSent();
        metrics.requestsInFlight.incrementAndGet();
        if (s.inFlight > metrics.requestsInFlightPeak.get()) {
            metrics.requestsInFlightPeak.accumulateAndGet(s.inFlight, Math::max);
        }
        return vertx.eventBus().<ServerMessage>request(address, body, LocalCodec.LOCAL).andThen(ar -> {
            metrics.requestsInFlight.decrementAndGet();
            s.requestAnswered();
        });
    }

    void readsPaused(Session s) {
        metrics.readsPausedTotal.increment();
        metrics.sessionsPaused.incrementAndGet();
    }

    void readsResumed(Session s) {
        metrics.sessionsPaused.decrementAndGet();
    }

    private void onHubReply(Session s, ClientMessage request, ServerMessage reply) {
        if (reply instanceof ServerMessage.Welcome w) {
            s.registered = true;
            s.nick = w.nick();
            LOG.info("hello #{} is {}", s.id, w.nick());
        } else if (request instanceof ClientMessage.Hello && reply instanceof ServerMessage.Error) {
            s.helloSent = false; // the client may try another nick
        } else if (request instanceof ClientMessage.Nick n && reply instanceof ServerMessage.Ok) {
            s.nick = n.nick();
        }
        if (s.closing || (reply instanceof ServerMessage.Ok && reply.id() == null)) {
            return; // ok is only sent to requests that carried an id
        }
        s.send(reply);
    }

    private void peers(Session s, ClientMessage m) {
        String table = config.cluster() ? Addresses.CLUSTER_PEERS : Addresses.PRESENCE_PEERS;
        request(s, table, m)
                .onSuccess(reply -> {
                    if (!s.closing) {
                        s.send(reply.body());
                    }
                })
                .onFailure(e -> {
                    if (!s.closing) {
                        s.send(new ServerMessage.Error(m.id(), ErrorCode.UNAVAILABLE, "presence is not available"));
                    }
                });
    }

    private void onLoopMessage(Message<Object> msg) {
        if (msg.body() instanceof Delivery d) {
            onDelivery(d);
        } else if (msg.body() instanceof CloseSession c && c.who() instanceof Session s) {
            s.close(c.reason(), new ServerMessage.Bye(c.reason()));
        }
    }

    /** A {@link Delivery} for this loop's sessions. Package-private for the fan-out benchmark (jmh module). */
    void onDelivery(Delivery d) {
        byte[] frame = d.frame();
        Recipient[] to = d.to();
        if (to.length > 1) {
            ByteBuf chunk = log.append(frame); // once for all of this loop's recipients
            int start = chunk.writerIndex() - frame.length;
            if (runTo == to && runChunk == chunk && runEnd == start) {
                runEnd += frame.length;
                runFrames++;
            } else {
                closeRun();
                runTo = to;
                runChunk = chunk;
                runStart = start;
                runEnd = start + frame.length;
                runFrames = 1;
                scheduleFlush();
            }
        } else if (to.length == 1) {
            deliverOne((Session) to[0], frame);
        }
        if (d.message()) {
            metrics.messagesDelivered.add(to.length);
        }
        if (log.hasRetired() || directLog.hasRetired()) {
            scheduleFlush(); // even if no recipient queued anything: the flush releases full chunks
        }
    }

    /** A frame for one session: queued now, or set aside to keep its place after an open run's frames. */
    void deliverOne(Session s, byte[] frame) {
        ByteBuf chunk = directLog.append(frame);
        int start = chunk.writerIndex() - frame.length;
        if (runTo != null && aside.size() >= MAX_ASIDE) {
            closeRun();
        }
        if (runTo == null) {
            s.deliver(chunk, start, frame.length, 1);
        } else {
            aside.add(new Aside(s, runEnd, runFrames, chunk, start, frame.length));
            s.asideIn = runId;
        }
    }

    /**
     * Hands the open run to its members: one segment each, or, for a member with frames set
     * aside, the run's pieces with those frames between them; then the set-aside frames of
     * sessions outside the run. Called before anything else is delivered to several sessions,
     * before a session closes, and at the flush.
     */
    void closeRun() {
        Recipient[] to = runTo;
        if (to == null) {
            return;
        }
        runTo = null; // first: a member closed by this (slow consumer) may call back in
        ByteBuf chunk = runChunk;
        runChunk = null;
        long id = runId++;
        int start = runStart;
        int end = runEnd;
        int frames = runFrames;
        if (aside.isEmpty()) {
            for (Recipient r : to) {
                ((Session) r).deliver(chunk, start, end - start, frames);
            }
            return;
        }
        for (Recipient r : to) {
            Session s = (Session) r;
            if (s.asideIn != id) {
                s.deliver(chunk, start, end - start, frames);
                continue;
            }
            s.asideIn = -1; // a member: what was set aside for it is placed here
            int pos = start;
            int done = 0;
            for (Aside a : aside) {
                if (a.to == s) {
                    if (a.runPos > pos) {
                        s.deliver(chunk, pos, a.runPos - pos, a.runFramesBefore - done);
                        pos = a.runPos;
                        done = a.runFramesBefore;
                    }
                    s.deliver(a.chunk, a.start, a.length, 1);
                }
            }
            if (end > pos) {
                s.deliver(chunk, pos, end - pos, frames - done);
            }
        }
        List<Aside> rest = new ArrayList<>(aside);
        aside.clear();
        for (Aside a : rest) {
            if (a.to.asideIn == id) { // not a member of the run
                a.to.deliver(a.chunk, a.start, a.length, 1);
            }
        }
        for (Aside a : rest) {
            if (a.to.asideIn == id) {
                a.to.asideIn = -1;
            }
        }
    }

    private void onPresence(Message<byte[]> msg) {
        closeRun();
        byte[] frame = msg.body();
        ByteBuf chunk = log.append(frame);
        int start = chunk.writerIndex() - frame.length;
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            if (s.registered) {
                s.deliver(chunk, start, frame.length, 1);
            }
        }
        if (log.hasRetired()) {
            scheduleFlush();
        }
    }

    FrameLog directLog() {
        return directLog;
    }

    void markDirty(Session s) {
        dirty.add(s);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            long wait = lastFlushAt + flushSpacingNanos - System.nanoTime();
            if (wait <= 0) {
                // runs after the tasks already queued on this loop: frames queued meanwhile share a write
                context.runOnContext(flushTask);
            } else {
                ((ContextInternal) context).nettyEventLoop().schedule(flushLater, wait, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        lastFlushAt = System.nanoTime();
        closeRun();
        Session s;
        while ((s = dirty.poll()) != null) {
            s.flush();
        }
        // no session refers to a full chunk without a reference of its own now
        log.releaseRetired();
        directLog.releaseRetired();
    }

    /**
     * The session is closing, after its last frames are flushed: a client that does not read
     * them within {@link #CLOSE_GRACE_MS} is cut off, so that it cannot keep its backlog here.
     */
    void closeSoon(Session s) {
        vertx.setTimer(CLOSE_GRACE_MS, t -> {
            if (sessions.contains(s)) {
                s.closeNow();
            }
        });
    }

    void countOut(int frames, int bytes) {
        metrics.framesOut.add(frames);
        metrics.bytesOut.add(bytes);
    }

    void countError(String code) {
        metrics.error(code);
    }

    void slowConsumer(Session s) {
        metrics.slowConsumersClosed.increment();
        s.abandon("slow consumer", new ServerMessage.Error(null, ErrorCode.SLOW_CONSUMER,
                "you read too slowly; " + config.maxBacklog() + " bytes were waiting"));
    }

    private void sweep() {
        long now = System.nanoTime();
        List<Session> expired = null;
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            if (s.closing) {
                continue;
            }
            if (s.readsPaused) {
                s.lastRead = now; // we stopped reading it: not the client's silence
            }
            long idle = now - s.lastRead;
            String reason = null;
            if (!s.registered && !s.helloSent && now - s.openedAt > helloTimeoutNanos) {
                reason = "no hello within " + TimeUnit.NANOSECONDS.toMillis(helloTimeoutNanos) + " ms";
            } else if (idle > 2 * heartbeatNanos) {
                reason = "silent for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms";
            } else if (idle > heartbeatNanos && !s.pingSent) {
                s.pingSent = true;
                s.send(new Ping(null));
            }
            if (reason != null) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(s);
                s.closeReason = reason;
            }
        }
        if (expired != null) {
            for (Session s : expired) {
                s.close(s.closeReason, new ServerMessage.Bye(s.closeReason));
            }
        }
    }

    void onClosed(Session s) {
        if (!sessions.remove(s)) {
            return;
        }
        metrics.connections.decrementAndGet();
        s.closed();
        if (s.dropHeld()) {
            readsResumed(s);
        }
        if (s.helloSent && !stopping) {
            vertx.eventBus().send(Addresses.HUB, new Disconnected(s, s.closeReason), LocalCodec.LOCAL);
        }
        LOG.info("close #{} {}: {}", s.id, s.nick == null ? "(no hello)" : s.nick,
                s.closeReason == null ? "closed by peer" : s.closeReason);
    }
}
