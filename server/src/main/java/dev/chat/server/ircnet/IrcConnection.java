package dev.chat.server.ircnet;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Connection;
import dev.chat.server.core.Format;
import dev.chat.server.core.Logins;
import dev.chat.server.core.Session;
import dev.chat.server.irc.IrcLine;
import dev.chat.server.irc.IrcLineReader;
import dev.chat.server.irc.IrcOutput;
import dev.chat.server.irc.IrcServerInfo;
import dev.chat.server.irc.IrcSession;
import dev.chat.server.irc.RenderCache;
import dev.chat.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One IRC connection: the thin adapter between a socket and the chat core, with the IRC
 * translator ({@link IrcSession}) in between. It is its channel's only Netty handler (taken over
 * from Vert.x as the framed port's connections are).
 *
 * <pre>
 *   bytes -&gt; IrcLineReader (bounded: 512-byte lines, 8,191 more for tags) -&gt; IrcSession
 *         -&gt; ClientMessage -&gt; ChatLoop.received (the core's rules, rate limit, in-flight bound)
 *   core reply / ping / bye -&gt; Connection.send / close -&gt; IrcSession -&gt; lines -&gt; socket
 *   fan-out -&gt; IrcFanout (one render per capability set) -&gt; onEvent -&gt; pending -&gt; socket
 * </pre>
 *
 * Output as on the framed port: every line for this connection (fan-out, replies) is appended to
 * one pending buffer (pooled, direct) in the order it comes; the loop's {@link IrcFanout} flushes
 * it with the rest of the loop's dirty connections, one Netty write and flush per connection per
 * flush, not one per line. While the socket's queue is full (128 KiB) the pending buffer is the
 * backlog: past {@code --max-backlog} the session is dropped as a slow consumer
 * ({@code ERROR :Closing link: ...}). Loop thread only.
 */
final class IrcConnection extends ChannelInboundHandlerAdapter implements Connection, IrcOutput {
    /** How long a closing connection has to read its last lines before it is cut off. */
    static final long CLOSE_GRACE_MS = 5_000;
    /** Lines held while the registration is answered; at this many the socket is not read until then. */
    static final int MAX_EARLY_LINES = 64;
    static final int MAX_CLOSE_ROUNDS = 12;
    /**
     * The smallest allocation of a pending buffer: a few lines. A buffer is allocated a quarter
     * more than the last one handed to Netty held, so that a busy member's buffer is not grown
     * (reallocated and copied) several times per flush.
     */
    static final int MIN_PENDING = 1024;

    private final IrcFanout out;
    private final ChatLoop loop;
    private final ServerMetrics metrics;
    private final IrcLineReader reader = new IrcLineReader();
    private final IrcSession irc;
    private final IrcServerInfo info;
    private final CoreHooks hooks;
    private Session session;
    private ChannelHandlerContext channel;
    private long incompleteSince = Long.MIN_VALUE;
    /** The close sequence started (by the core or the translator): nothing more is read or served. */
    private boolean closeRequested;
    /** The channel is closing: nothing more is written. */
    private boolean closing;
    /** Queued in the loop's dirty list, to be flushed ({@link IrcFanout#markDirty}). */
    private boolean dirty;
    private boolean waitingDrain;
    /**
     * Lines not handed to Netty yet, in order; or null. While the socket's queue is full this is
     * the bounded backlog.
     */
    private ByteBuf pending;
    private int pendingLines;
    /** Bytes of the last pending buffer handed to Netty: the next one is allocated from it. */
    private int lastPendingBytes;
    /**
     * Lines read while the registration's {@code hello} is on its way (a client that sends
     * {@code JOIN} right after {@code NICK} and {@code USER}), or from a {@code QUIT} on while
     * requests before it are still answered (so that their replies go out before the
     * {@code ERROR}): served once the core answered, in order; null when none. At
     * {@link #MAX_EARLY_LINES} the socket is not read meanwhile.
     */
    private ArrayDeque<Object> early;
    private boolean earlyPaused;
    /** Between the reader and the translator: holds lines while registration is pending. */
    private final IrcLineReader.Sink sink = new IrcLineReader.Sink() {
        @Override
        public void line(IrcLine line) {
            if (early != null || blocked(line)) {
                hold(line);
            } else {
                irc.line(line);
            }
        }

        @Override
        public void problem(IrcLineReader.Problem problem, String command) {
            if (early != null || awaitingWelcome()) {
                hold(new Problem(problem, command));
            } else {
                irc.problem(problem, command);
            }
        }
    };

    /** A line the reader refused, held in order with the lines around it. */
    private record Problem(IrcLineReader.Problem problem, String command) {
    }

    IrcConnection(IrcFanout out, IrcServerInfo info) {
        this.out = out;
        this.loop = out.loop();
        this.metrics = out.metrics();
        this.info = info;
        this.hooks = new CoreHooks(this, out.users());
        this.irc = new IrcSession(info, hooks, this, System::currentTimeMillis);
    }

    /** Registers with the loop; false if the loop refused it (server full or stopping: then it is closing). */
    boolean open() {
        session = loop.open(this);
        if (session != null) {
            out.opened(this);
        }
        return session != null;
    }

    /** This server's name in IRC lines. */
    String serverName() {
        return info.serverName();
    }

    /** The rooms this connection's user is in. */
    List<String> rooms() {
        return irc.rooms();
    }

    /** Someone went away or came back: shown to this connection if it shares a room and asked for away-notify. */
    void onAway(IrcUsers.AwayChange change) {
        if (!closeRequested && irc.registered() && irc.inAnyOf(change.rooms())) {
            irc.onAway(change.nick(), change.away());
        }
    }

    /** Someone logged in or out: shown to this connection if it shares a room and asked for account-notify. */
    void onAccount(Logins.Change change) {
        if (!closeRequested && irc.registered() && irc.inAnyOf(change.rooms())) {
            irc.onAccount(change.nick(), change.account());
        }
    }

    /** Reading resumes unless something else holds it paused (lines waiting for the welcome, the loop's in-flight bound). */
    void resumeReadingIfFree() {
        if (!closeRequested && !earlyPaused && session != null && !session.readsPaused()) {
            resumeReading();
        }
    }

    IrcFanout fanout() {
        return out;
    }

    /** A request the translator made: to the loop's rules, as a decoded frame of the framed port is. */
    void request(ClientMessage m) {
        if (session != null && !closeRequested) {
            loop.received(session, m);
        }
    }

    @Override
    public String transport() {
        return "irc";
    }

    @Override
    public Format format() {
        return IrcFormat.INSTANCE;
    }

    @Override
    public java.net.InetAddress remoteIp() {
        return channel != null && channel.channel().remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress() : null;
    }

    @Override
    public boolean encrypted() {
        return channel != null && channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    }

    @Override
    public String remoteAddress() {
        return channel == null ? "?" : String.valueOf(channel.channel().remoteAddress()).replaceFirst("^/", "");
    }

    @Override
    public long incompleteSince() {
        return incompleteSince;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx;
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (session == null || closeRequested) {
                return;
            }
            metrics.bytesIn.add(data.readableBytes());
            byte[] scratch = out.scratch(); // the reader copies what it keeps
            while (data.isReadable() && !closeRequested && !irc.closed()) {
                int n = Math.min(data.readableBytes(), scratch.length);
                data.readBytes(scratch, 0, n);
                reader.feed(scratch, 0, n, sink);
            }
            if (reader.buffered() > 0) {
                if (incompleteSince == Long.MIN_VALUE) {
                    incompleteSince = System.nanoTime();
                }
            } else {
                incompleteSince = Long.MIN_VALUE;
            }
        } finally {
            data.release();
        }
    }

    @Override
    public void pauseReading() {
        channel.channel().config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.channel().config().setAutoRead(true);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && waitingDrain && !closing) {
            waitingDrain = false;
            flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        closeRequested = true;
        releasePending();
        hooks.closed();
        out.closed(this);
        if (session != null) {
            loop.closed(session);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        if (session != null) {
            loop.close(session, "socket error: " + e.getMessage(), null);
        }
        ctx.close();
    }

    /** Vert.x's close sequence (the server stops): {@code ERROR :Closing link: server shutting down}, then closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (dev.chat.server.net.VertxNetty.isShutdown(event)) {
            String reason = "server shutting down";
            if (session != null) {
                loop.close(session, reason, new ServerMessage.Bye(reason));
            } else {
                close(new ServerMessage.Bye(reason));
            }
        }
        ReferenceCountUtil.release(event);
    }

    // ---- from the core ----

    /** A reply, a ping, an error for this client alone: rendered by the translator. */
    @Override
    public void send(ServerMessage m) {
        if (!closeRequested) {
            irc.onServerMessage(m);
            if (early != null && !blocked(early.peek())) {
                serveEarly();
            }
        }
    }

    /** A fanned-out event, rendered through the delivery's shared cache. */
    void onEvent(RenderCache cache) {
        if (!closeRequested) {
            irc.onEvent(cache);
        }
    }

    /**
     * The core closes the connection: {@code last} (a {@code bye} or an {@code error}) becomes
     * {@code ERROR :Closing link: reason}, after everything written. The channel is closed at the
     * end of the current task, so that what the translator writes in the same task (its own
     * {@code ERROR} after a {@code QUIT}) still goes out first.
     */
    @Override
    public void close(ServerMessage last) {
        if (closeRequested) {
            return;
        }
        closeRequested = true;
        String reason = last instanceof ServerMessage.Bye b ? b.reason()
                : last instanceof ServerMessage.Error e ? e.message() : null;
        if (reason != null && !irc.closed()) {
            write(IrcLine.withText(null, "ERROR", "Closing link: " + reason).encode());
        }
        if (channel == null) {
            return;
        }
        channel.executor().execute(this::closeChannel);
    }

    /**
     * Slow consumer: what waits for it is dropped (the line batch being written is completed,
     * never cut), then {@code last} and the close.
     */
    @Override
    public void abandon(ServerMessage last) {
        releasePending();
        waitingDrain = false;
        dropQueuedBeyondCurrent();
        close(last);
    }

    // ---- IrcOutput: the translator's side ----

    /**
     * Whole lines from the translator, appended to what is pending; the array is shared by every
     * recipient of a fan-out and never modified.
     */
    @Override
    public void write(byte[] lines) {
        if (closing || channel == null) {
            return;
        }
        if (pending == null) {
            int expected = Math.min(lastPendingBytes + (lastPendingBytes >> 2), IrcTransport.WRITE_QUEUE_BYTES);
            pending = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(Math.max(MIN_PENDING, expected), lines.length));
        }
        pending.writeBytes(lines);
        pendingLines++;
        if (waitingDrain) {
            if (pending.readableBytes() > loop.serverConfig().maxBacklog() && session != null) {
                loop.slowConsumer(session);
            }
            return; // channelWritabilityChanged writes it
        }
        if (pending.readableBytes() >= IrcTransport.WRITE_QUEUE_BYTES) {
            flush(); // a burst as large as the socket's queue within one turn: written now
        } else if (!dirty) {
            dirty = true;
            out.markDirty(this);
        }
    }

    /** The translator is done (QUIT, or the framed protocol at this port): the core's close sequence. */
    @Override
    public void close() {
        if (closeRequested) {
            return;
        }
        if (session != null) {
            loop.close(session, "closed by the IRC session", null);
        } else {
            close(null);
        }
    }

    // ---- lines that came before the welcome ----

    /** The translator sent its {@code hello} (or its SASL login) and the core has not answered it yet. */
    private boolean awaitingWelcome() {
        return irc.awaitingRegistration();
    }

    /** Whether a line must wait: for the welcome, or (a {@code QUIT}) for the replies to the requests before it. */
    private boolean blocked(Object next) {
        return awaitingWelcome() || (next instanceof IrcLine l && l.command().equalsIgnoreCase("QUIT")
                && irc.requestsInFlight() > 0);
    }

    private void hold(Object lineOrProblem) {
        if (early == null) {
            early = new ArrayDeque<>();
        }
        early.add(lineOrProblem);
        if (early.size() >= MAX_EARLY_LINES && !earlyPaused) {
            earlyPaused = true;
            pauseReading();
        }
    }

    /** What held the lines back is over: they are served, in order, as if they came now, up to the next that must wait. */
    private void serveEarly() {
        Object next;
        while (early != null && !closeRequested && !irc.closed() && (next = early.peek()) != null && !blocked(next)) {
            early.poll();
            if (next instanceof IrcLine l) {
                irc.line(l);
            } else if (next instanceof Problem p) {
                irc.problem(p.problem(), p.command());
            }
        }
        if (early != null && (early.isEmpty() || closeRequested || irc.closed())) {
            early = null;
            if (earlyPaused) {
                earlyPaused = false;
                if (!closeRequested && !session.readsPaused()) {
                    resumeReading();
                }
            }
        }
    }

    // ---- output ----

    /**
     * Hands what is pending to Netty and flushes (the loop's flush, a large burst, or the socket
     * drained). While the socket's queue is full, what comes next stays pending.
     */
    void flush() {
        dirty = false;
        if (closing || waitingDrain || pending == null) {
            return;
        }
        writePending();
        channel.flush();
        if (!channel.channel().isWritable()) {
            waitingDrain = true; // channelWritabilityChanged ends it
        }
    }

    private void writePending() {
        if (pending != null) {
            ByteBuf b = pending;
            pending = null;
            metrics.framesOut.add(pendingLines);
            metrics.bytesOut.add(b.readableBytes());
            lastPendingBytes = b.readableBytes();
            pendingLines = 0;
            channel.write(b, channel.voidPromise()); // Netty releases it once written, or on close
        }
    }

    private void closeChannel() {
        if (closing) {
            return;
        }
        closing = true;
        writePending();
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ChannelOutboundBuffer queue = channel.channel().unsafe().outboundBuffer();
        cutOffUnlessReading(queue == null ? 0 : queue.totalPendingWriteBytes(), 1);
    }

    /**
     * The connection closes once its last lines are written. If they are not after
     * {@link #CLOSE_GRACE_MS} and the client read none of them meanwhile, it is cut off with a
     * reset; while it keeps reading it gets more time, up to {@link #MAX_CLOSE_ROUNDS} rounds
     * (as the framed port's connections do).
     */
    private void cutOffUnlessReading(long pendingBefore, int round) {
        channel.executor().schedule(() -> {
            if (!channel.channel().isOpen()) {
                return;
            }
            ChannelOutboundBuffer queue = channel.channel().unsafe().outboundBuffer();
            long pending = queue == null ? 0 : queue.totalPendingWriteBytes();
            if ((pending < pendingBefore || sentRecently()) && round < MAX_CLOSE_ROUNDS) {
                cutOffUnlessReading(pending, round + 1);
                return;
            }
            channel.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** Whether the socket sent data within the last grace period (known with epoll's {@code TCP_INFO}). */
    private boolean sentRecently() {
        return channel.channel() instanceof EpollSocketChannel epoll && epoll.isActive()
                && epoll.tcpInfo().lastDataSent() < CLOSE_GRACE_MS;
    }

    /**
     * Netty's queue holds whole lines per buffer; the first may be partly written already: its
     * rest is kept, everything after it dropped.
     */
    private void dropQueuedBeyondCurrent() {
        if (channel == null) {
            return;
        }
        channel.flush(); // what was written but not flushed yet joins the queue, so it is dropped too, in order
        ChannelOutboundBuffer queue = channel.channel().unsafe().outboundBuffer();
        if (queue == null || queue.current() == null) {
            return;
        }
        ByteBuf rest = null;
        if (queue.current() instanceof ByteBuf current && current.readerIndex() > 0 && current.isReadable()) {
            rest = current.retainedSlice(current.readerIndex(), current.readableBytes());
        }
        while (queue.current() != null) {
            queue.remove(); // releases the buffer; our writes carry void promises
        }
        if (rest != null) {
            channel.write(rest, channel.voidPromise());
        }
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
            pendingLines = 0;
        }
    }
}
