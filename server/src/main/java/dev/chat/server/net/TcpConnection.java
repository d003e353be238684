package dev.chat.server.net;

import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Connection;
import dev.chat.server.core.Format;
import dev.chat.server.core.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One framed-JSON connection over TCP: the thin adapter between a socket and the chat core. It
 * is its channel's only Netty handler (see {@link VertxNetty#takeOver}). Inbound bytes go through
 * a {@link FrameDecoder} and {@link MessageCodec}; each whole frame becomes a request for the
 * loop's rules ({@link ChatLoop#received}) or a decoding error ({@link ChatLoop#rejected}).
 * Outbound frames are not copied per connection: they sit once in the loop's {@link FrameLog};
 * the connection queues their positions and, when its {@link FrameScheduler} flushes, writes them
 * as slices (many frames, one syscall) straight to the Netty channel. Output is bounded: while the
 * socket's queue is full, frames are copied into the connection's backlog, and past
 * {@code --max-backlog} the session is dropped as a slow consumer. Loop thread only.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter implements Connection, Outlet, FrameDecoder.FrameSink {
    /**
     * How long a closing connection may go without reading any of its last frames before it is
     * cut off; one that keeps reading gets up to {@link #MAX_CLOSE_ROUNDS} of these.
     */
    static final long CLOSE_GRACE_MS = 5_000;
    static final int MAX_CLOSE_ROUNDS = 12;

    private final FrameScheduler out;
    private final ChatLoop loop;
    private final FrameDecoder decoder;
    private Session session;
    /** This handler's place in the channel's pipeline: writes go to the socket from here. */
    private ChannelHandlerContext channel;
    /** When the incomplete frame started, or {@link Long#MIN_VALUE}. */
    private long incompleteSince = Long.MIN_VALUE;
    /** Nothing was received yet: the first byte decides whether this is a framed client at all. */
    private boolean fresh = true;
    private boolean closing;
    /** What is queued for the socket and not handed to Netty yet. */
    private final OutletQueue queued;

    TcpConnection(FrameScheduler out, int maxFrame) {
        this.out = out;
        this.loop = out.loop();
        this.decoder = new FrameDecoder(maxFrame);
        this.queued = new OutletQueue(out, this);
    }

    /** Registers with the loop; false if the loop refused it (then it is closing). */
    boolean open() {
        session = loop.open(this);
        return session != null;
    }

    Session session() {
        return session;
    }

    @Override
    public String transport() {
        return "tcp";
    }

    @Override
    public Format format() {
        return FramedFormat.INSTANCE;
    }

    @Override
    public String remoteAddress() {
        return channel == null ? "?" : String.valueOf(channel.channel().remoteAddress()).replaceFirst("^/", "");
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
    public long incompleteSince() {
        return incompleteSince;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx;
        queued.channel(ctx);
    }

    // ---- inbound ----

    /** Feeds received bytes to the decoder; each whole frame goes to the loop's rules. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (session == null || closing) {
                return;
            }
            out.countIn(data.readableBytes());
            if (fresh) {
                fresh = false;
                if (FramedPort.looksLikeText(data.getByte(data.readerIndex()))) {
                    FramedPort.answerText(this);
                    return;
                }
            }
            byte[] scratch = out.scratch(); // the decoder copies what it keeps
            while (data.isReadable() && !closing) {
                int n = Math.min(data.readableBytes(), scratch.length);
                data.readBytes(scratch, 0, n);
                decoder.feed(scratch, 0, n, this);
            }
            if (decoder.inFrame()) {
                if (incompleteSince == Long.MIN_VALUE) {
                    incompleteSince = System.nanoTime();
                }
            } else {
                incompleteSince = Long.MIN_VALUE;
            }
        } catch (FrameTooLargeException e) {
            loop.rejected(session, e);
        } finally {
            data.release();
        }
    }

    @Override
    public void onFrame(byte[] payload) {
        incompleteSince = Long.MIN_VALUE; // a next frame started in the same read is stamped after it
        if (closing) {
            return;
        }
        Inbound.payload(loop, session, payload, "tcp", out.wire());
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
        if (ctx.channel().isWritable()) {
            queued.onDrain(closing);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        queued.release();
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

    /** Vert.x's close sequence (the server stops): {@code bye}, then closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (VertxNetty.isShutdown(event) && session != null) {
            String reason = "server shutting down";
            loop.close(session, reason, new ServerMessage.Bye(reason));
        }
        ReferenceCountUtil.release(event);
    }

    // ---- outbound ----

    @Override
    public void send(ServerMessage m) {
        if (!closing) {
            out.deliverOne(this, MessageCodec.encodeFrame(m));
        }
    }

    @Override
    public long asideIn() {
        return queued.asideIn();
    }

    @Override
    public void asideIn(long run) {
        queued.asideIn(run);
    }

    @Override
    public void deliver(ByteBuf chunk, int start, int length, int frames) {
        if (!closing && queued.deliver(chunk, start, length, frames)) {
            loop.slowConsumer(session);
        }
    }

    @Override
    public void flush() {
        queued.flush(closing);
    }

    /** Writes the last message (if any) after everything queued, flushes and closes. */
    @Override
    public void close(ServerMessage last) {
        if (closing) {
            return;
        }
        out.closeRun(); // frames this loop was given before the close go out before it
        queued.writeQueued();
        if (last != null) {
            byte[] frame = MessageCodec.encodeFrame(last);
            queued.writeFrame(FrameLog.ALLOC.directBuffer(frame.length, frame.length).writeBytes(frame));
        }
        closing = true;
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE); // after the rest
        ChannelOutboundBuffer queue = channel.channel().unsafe().outboundBuffer();
        cutOffUnlessReading(queue == null ? 0 : queue.totalPendingWriteBytes(), 1);
    }

    /**
     * The connection closes once its last frames are written. If they are not after
     * {@link #CLOSE_GRACE_MS}, and the client read none of them meanwhile, it is cut off with a
     * reset (so that a frame it received in part is not followed by a clean end of stream, which
     * would look like the server's last word); while it keeps reading, it gets more time.
     */
    private void cutOffUnlessReading(long pendingBefore, int round) {
        channel.executor().schedule(() -> {
            if (!channel.channel().isOpen()) {
                return;
            }
            ChannelOutboundBuffer queue = channel.channel().unsafe().outboundBuffer();
            long pending = queue == null ? 0 : queue.totalPendingWriteBytes();
            if (pending > 0 && (pending < pendingBefore || sentRecently()) && round < MAX_CLOSE_ROUNDS) {
                cutOffUnlessReading(pending, round + 1);
                return;
            }
            channel.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Drops what waits for a slow reader, whole frames only: the backlog, and what the socket's
     * queue holds beyond the frame being written (that one is completed, never cut); then the
     * last message and the close.
     */
    @Override
    public void abandon(ServerMessage last) {
        out.closeRun();
        queued.release();
        dropQueuedBeyondCurrentFrame();
        close(last);
    }

    /**
     * Netty's queue for the socket holds our buffers, each starting at a frame boundary and holding
     * whole frames; the first may be partly written already. Keeps the rest of the frame being
     * written and drops everything after it, so that what the client receives next is whole frames
     * only. (Netty's {@link ChannelOutboundBuffer} is public transport API; this runs on the loop.)
     */
    private void dropQueuedBeyondCurrentFrame() {
        ChannelOutboundBuffer queue = channel.channel().unsafe().outboundBuffer();
        if (queue == null || queue.current() == null) {
            return;
        }
        ByteBuf tail = null;
        if (queue.current() instanceof ByteBuf current && current.readerIndex() > 0) {
            int written = current.readerIndex();
            int pos = 0;
            while (pos < written && pos + 4 <= current.writerIndex()) {
                int next = pos + 4 + current.getInt(pos);
                if (next > written) {
                    tail = current.retainedSlice(written, Math.min(next, current.writerIndex()) - written);
                    break;
                }
                pos = next;
            }
        }
        while (queue.current() != null) {
            queue.remove(); // releases the buffer; our writes carry void promises
        }
        if (tail != null) {
            channel.write(tail, channel.voidPromise());
        }
    }

    /**
     * Whether the socket sent data within the last grace period: the client is still reading
     * what the kernel holds for it. Known with the epoll transport ({@code TCP_INFO}); elsewhere
     * only Netty's own queue shows progress.
     */
    private boolean sentRecently() {
        return channel.channel() instanceof EpollSocketChannel epoll && epoll.isActive()
                && epoll.tcpInfo().lastDataSent() < CLOSE_GRACE_MS;
    }

    /** What this port says to text ({@link FramedPort}): set by its listener, naming the IRC port. */
    String textAnswer() {
        return out.textAnswer();
    }

    /** Writes text (not a frame) and closes: the answer to someone typing at the framed port. */
    void closeWithText(String text, String reason) {
        closing = true;
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
        loop.close(session, reason, null);
    }
}
