package dev.chat.server.net;

import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.rooms.Recipient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One client connection: the thin adapter between a socket and typed messages. It is the Netty
 * handler of its channel: {@link TcpVerticle} accepts connections with a Vert.x {@code NetServer}
 * and then puts the session in the place of Vert.x's {@code NetSocket} handler, which is left to
 * the garbage collector (its per-connection queues are most of an idle connection's memory).
 * Inbound bytes go through a {@link FrameDecoder}. Outbound frames are not copied per session:
 * they sit once in the loop's {@link FrameLog}, the session queues their positions, and once per
 * event-loop turn writes them as slices (many frames, one syscall) straight to the Netty channel
 * on this loop (Vert.x's own write queue would copy heap buffers, and hold direct ones it cannot
 * release on close). Output is bounded: while the socket's queue is full, frames are copied into
 * the session's backlog, and a client whose backlog passes the limit is closed as a slow consumer
 * instead of growing the server's memory. Inbound is bounded too: the session counts its requests that the
 * hub has not answered yet, and above {@link TcpVerticle#MAX_REQUESTS_IN_FLIGHT} it stops reading
 * its socket until replies bring the count back to half of that (TCP then pushes back on the
 * client). Everything here runs on the owning {@link TcpVerticle}'s loop.
 */
final class Session extends ChannelInboundHandlerAdapter implements Recipient, FrameDecoder.FrameSink {
    private static final int MIN_BUFFER = 256;
    /**
     * Segments shorter than this are written as copies, longer ones as slices of the log's
     * chunk. A slice keeps its whole chunk alive until written, so only slices of at least a
     * sixteenth of a chunk are worth it: a client's 128 KiB socket queue then pins at most 2 MiB.
     */
    private static final int SLICE_AT_LEAST = FrameLog.CHUNK / 16;
    final long id;
    private final TcpVerticle loop;
    final FrameDecoder decoder;
    final long openedAt;
    /** Say/dm tokens left and when they were last counted: this session's bucket of the loop's {@link RateLimiter}. */
    double tokens;
    long tokensAt;

    String nick;
    /** A hello went to the hub; later requests go there too, and the hub knows the outcome. */
    boolean helloSent;
    boolean registered;
    long lastRead;
    boolean pingSent;
    String closeReason;
    boolean closing;

    /** This handler's place in the channel's pipeline: writes go to the socket from here. */
    private ChannelHandlerContext channel;
    /** Queued frames, not handed to Netty yet: a piece of the loop's {@link FrameLog}, or null. */
    private ByteBuf segment;
    private int segmentStart;
    private int segmentEnd;
    /**
     * Frames copied (pooled, direct) rather than sliced: short segments, and everything while the
     * socket's queue is full (then this is the backlog the slow-consumer limit applies to); or null.
     */
    private ByteBuf copies;
    private int pendingFrames;
    /** The loop's run in which frames for this session were set aside, or -1 (see {@link TcpVerticle#closeRun}). */
    long asideIn = -1;
    private boolean dirty;
    private boolean waitingDrain;

    /** This session's place in its loop's {@link SessionTable}, -1 when not in one. */
    int slot = -1;
    /** Requests sent to the hub (or presence) on this session's behalf and not answered yet. */
    int inFlight;
    /** Frames are not dispatched: too many requests in flight; {@link #held} keeps them meanwhile. */
    boolean readsPaused;
    /** Frames decoded from bytes already read when reading paused, in order; null when none. */
    private ArrayDeque<byte[]> held;

    Session(long id, TcpVerticle loop, int maxFrame, double tokens, long now) {
        this.id = id;
        this.loop = loop;
        this.decoder = new FrameDecoder(maxFrame);
        this.tokens = tokens;
        this.tokensAt = now;
        this.openedAt = now;
        this.lastRead = now;
    }

    @Override
    public long sessionId() {
        return id;
    }

    @Override
    public int loop() {
        return loop.index();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx;
    }

    /** Feeds received bytes to the decoder; complete frames go to the command table. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            lastRead = System.nanoTime();
            pingSent = false;
            loop.countIn(data.readableBytes());
            byte[] scratch = loop.scratch(); // the decoder copies what it keeps
            while (data.isReadable() && !closing) {
                int n = Math.min(data.readableBytes(), scratch.length);
                data.readBytes(scratch, 0, n);
                decoder.feed(scratch, 0, n, this);
            }
        } catch (FrameTooLargeException e) {
            loop.onProtocolError(this, e);
        } finally {
            data.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            onDrain();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loop.onClosed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        if (closeReason == null) {
            closeReason = "socket error: " + e.getMessage();
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ReferenceCountUtil.release(event); // e.g. Vert.x's shutdown event: TcpVerticle.stop says bye itself
    }

    /** The remote address, for logs. */
    Object remoteAddress() {
        return channel.channel().remoteAddress();
    }

    /** Completes when the connection is closed. */
    io.netty.channel.ChannelFuture closeFuture() {
        return channel.channel().closeFuture();
    }

    @Override
    public void onFrame(byte[] payload) {
        if (closing) {
            return;
        }
        if (readsPaused) {
            // the rest of a chunk read before the pause: dispatched, in order, when reading resumes
            if (held == null) {
                held = new ArrayDeque<>();
            }
            held.add(payload);
            return;
        }
        loop.onFrame(this, payload);
    }

    /** One more request awaits its answer; at the bound, stop reading the socket. */
    void requestSent() {
        if (++inFlight >= TcpVerticle.MAX_REQUESTS_IN_FLIGHT && !readsPaused && !closing) {
            readsPaused = true;
            channel.channel().config().setAutoRead(false); // what was read already still arrives: held
            loop.readsPaused(this);
        }
    }

    /** A request was answered; at half the bound, dispatch held frames, then read again. */
    void requestAnswered() {
        if (--inFlight == 0) {
            lastRead = System.nanoTime(); // silence counts from our last answer: the client was waiting for it
        }
        if (!readsPaused || closing || inFlight > TcpVerticle.MAX_REQUESTS_IN_FLIGHT / 2) {
            return;
        }
        lastRead = System.nanoTime(); // the client was not silent: we did not read it
        pingSent = false;
        byte[] p;
        while (inFlight < TcpVerticle.MAX_REQUESTS_IN_FLIGHT && !closing && held != null && (p = held.poll()) != null) {
            loop.onFrame(this, p);
        }
        if (inFlight < TcpVerticle.MAX_REQUESTS_IN_FLIGHT && !closing) {
            readsPaused = false;
            held = null;
            loop.readsResumed(this);
            channel.channel().config().setAutoRead(true);
        }
    }

    /** The connection is gone: whatever was held is dropped; returns whether reading was paused. */
    boolean dropHeld() {
        held = null;
        boolean was = readsPaused;
        readsPaused = false;
        return was;
    }

    /** Encodes and queues a message for this client. */
    void send(ServerMessage m) {
        if (m instanceof ServerMessage.Error e) {
            loop.countError(e.code());
        }
        deliver(MessageCodec.encodeFrame(m));
    }

    @Override
    public void deliver(byte[] frame) {
        if (!closing) {
            loop.deliverOne(this, frame);
        }
    }

    /**
     * Queues the frame at {@code [start, start + length)} of a {@link FrameLog} chunk: it extends
     * the segment queued last when it follows it, which is the common case under fan-out.
     * {@code frames} is how many frames that is (for the metrics).
     */
    void deliver(ByteBuf chunk, int start, int length, int frames) {
        if (closing) {
            return;
        }
        pendingFrames += frames;
        if (waitingDrain) {
            copy(chunk, start, length);
            if (copies.readableBytes() > loop.maxBacklog()) {
                loop.slowConsumer(this);
            }
            return; // onDrain flushes
        }
        if (segment == chunk && segmentEnd == start) {
            segmentEnd += length;
        } else {
            if (segment != null) {
                closeSegment();
                if (!channel.channel().isWritable()) {
                    flush(); // a burst filled the socket's queue within this turn: write it now
                    if (waitingDrain) {
                        copy(chunk, start, length);
                        return;
                    }
                }
            }
            segment = chunk;
            segmentStart = start;
            segmentEnd = start + length;
        }
        if (!dirty) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /**
     * Hands what is queued to Netty and flushes. When the socket's queue is full after that,
     * later frames wait in this session (copied, see {@link #copies}) until it drains.
     */
    void flush() {
        dirty = false;
        if (closing || waitingDrain || (segment == null && copies == null)) {
            return; // while waiting for the drain, what is copied stays here: it is the bounded backlog
        }
        writeQueued();
        channel.flush();
        if (!channel.channel().isWritable()) {
            waitingDrain = true; // channelWritabilityChanged ends it
        }
    }

    /** The socket's queue went below its low-water mark. */
    void onDrain() {
        if (!waitingDrain) {
            return;
        }
        waitingDrain = false;
        if (copies != null && !dirty && !closing) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Sends a last message (if any), flushes and closes. */
    void close(String reason, ServerMessage last) {
        if (closing) {
            return;
        }
        loop.closeRun(); // frames this loop was given before the close go out before it
        if (last != null) {
            if (last instanceof ServerMessage.Error e) {
                loop.countError(e.code());
            }
            byte[] frame = MessageCodec.encodeFrame(last);
            writeQueued();
            pendingFrames++;
            write(FrameLog.ALLOC.directBuffer(frame.length, frame.length).writeBytes(frame));
        }
        writeQueued();
        channel.flush();
        closing = true;
        closeReason = reason;
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE); // after the rest
        loop.closeSoon(this);
    }

    /** Drops what is pending (a slow consumer), then closes with one last message. */
    void abandon(String reason, ServerMessage last) {
        loop.closeRun();
        release();
        close(reason, last);
    }

    /** The connection is closed: frees what is pending and accepts nothing more. */
    void closed() {
        closing = true;
        release();
    }

    /** Closes the connection now, dropping whatever the client has not read yet. */
    void closeNow() {
        channel.close();
    }

    private void release() {
        if (copies != null) {
            copies.release();
            copies = null;
        }
        segment = null;
        pendingFrames = 0;
    }

    /** Writes (without flushing) everything queued, in order. */
    private void writeQueued() {
        if (segment != null) {
            closeSegment();
        }
        writeCopies();
    }

    /**
     * Ends the open segment: a long one is written as a slice of its chunk (after the copies
     * queued before it); a short one, or any while the socket is full, is copied, since a slice
     * keeps its whole chunk alive until written.
     */
    private void closeSegment() {
        int length = segmentEnd - segmentStart;
        if (waitingDrain || length < SLICE_AT_LEAST) {
            copy(segment, segmentStart, length);
        } else {
            writeCopies();
            write(segment.retainedSlice(segmentStart, length));
        }
        segment = null;
    }

    private void copy(ByteBuf chunk, int start, int length) {
        if (copies == null) {
            copies = FrameLog.ALLOC.directBuffer(Math.max(MIN_BUFFER, length));
        }
        copies.writeBytes(chunk, start, length);
    }

    private void writeCopies() {
        if (copies != null) {
            ByteBuf out = copies;
            copies = null;
            write(out);
        }
    }

    private void write(ByteBuf out) {
        loop.countOut(pendingFrames, out.readableBytes());
        pendingFrames = 0;
        channel.write(out, channel.voidPromise()); // Netty releases it once written, or on close
    }
}
