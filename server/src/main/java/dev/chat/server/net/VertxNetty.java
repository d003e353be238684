package dev.chat.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.ShutdownEvent;
import io.vertx.core.net.impl.VertxHandler;
import java.util.Locale;

/**
 * The one place that reaches into Vert.x internals (Vert.x 5.0): everything the server needs
 * from below Vert.x's public API is here, so that an upgrade that changes it breaks this file and
 * its test ({@code VertxNettyTest}), nothing else.
 *
 * <ul>
 *   <li>{@link #takeOver}: a connection accepted by a Vert.x {@code NetServer} gets our handler in
 *       place of Vert.x's ({@code NetSocketInternal}): its per-socket queues are most of an idle
 *       connection's memory, and its write queue would copy heap buffers. Vert.x still owns the
 *       channel's accept, its place in the server's channel group and the server's close sequence.
 *   <li>{@link #addBelow}: a handler of our own in an accepted WebSocket's pipeline, just below
 *       Vert.x's ({@code ConnectionBase}, {@code VertxHandler}): the chat writes its text frames there as bytes, once
 *       encoded for every member, instead of one Vert.x frame object and write per message.
 *   <li>{@link #isShutdown}: the event Vert.x's close sequence ({@code NetServer.shutdown}) sends
 *       through each connection's pipeline, asking it to close gracefully.
 *   <li>{@link #eventLoop}: a context's Netty event loop, to schedule a flush with sub-millisecond
 *       precision (Vert.x timers are in milliseconds and allocate a timer each).
 *   <li>{@link #transportName}: which Netty transport runs (epoll, NIO), for the start-up log.
 *   <li>{@link #contextOn}: a Vert.x context on a given Netty event loop (the fan-out benchmark).
 *   <li>{@link #eventLoops}: the Netty event loops, probed for how late they run a task ({@code metrics.EventLoopDelay}).
 * </ul>
 */
public final class VertxNetty {

    private VertxNetty() {
    }

    /**
     * Replaces Vert.x's handler of an accepted socket with {@code handler}, which from then on is
     * the channel's only handler: it reads, writes and sees writability, close and Vert.x's
     * shutdown event on the socket's event loop directly. Must be called on that event loop.
     */
    public static ChannelHandlerContext takeOver(NetSocket socket, String name, ChannelHandler handler) {
        ChannelHandlerContext vertxHandler = ((NetSocketInternal) socket).channelHandlerContext();
        if (!vertxHandler.executor().inEventLoop()) {
            throw new IllegalStateException("connection served off its event loop");
        }
        vertxHandler.pipeline().replace(vertxHandler.handler(), name, handler);
        return vertxHandler.pipeline().context(handler);
    }

    /**
     * Adds {@code handler} to the pipeline of an accepted WebSocket ({@code upgraded}: the HTTP
     * connection it was upgraded from, whose channel it keeps), just below Vert.x's own handler
     * (the one {@code VertxHandler}, which the upgrade replaced with the WebSocket's): bytes it
     * writes pass the WebSocket encoder untouched (it encodes frame objects only) and go to the
     * socket (through TLS, for {@code wss://}) in order with Vert.x's own writes, since both are made
     * on the connection's event loop. Vert.x keeps the handshake, the inbound frames, pings, the
     * close handshake and the server's close sequence. (The connection, not the
     * {@code ServerWebSocket}: Vert.x Web hands out a wrapper of the latter.) Must be called on
     * that event loop, after the upgrade.
     */
    public static ChannelHandlerContext addBelow(HttpConnection upgraded, String name, ChannelHandler handler) {
        ChannelPipeline pipeline = ((ConnectionBase) upgraded).channel().pipeline();
        ChannelHandlerContext vertxHandler = pipeline.context(VertxHandler.class);
        if (vertxHandler == null) {
            throw new IllegalStateException("no Vert.x handler in the pipeline " + pipeline.names());
        }
        if (!vertxHandler.executor().inEventLoop()) {
            throw new IllegalStateException("WebSocket served off its event loop");
        }
        pipeline.addBefore(vertxHandler.name(), name, handler);
        return pipeline.context(handler);
    }

    /** Whether a user event is Vert.x's request to close the connection (the server shuts down). */
    public static boolean isShutdown(Object event) {
        return event instanceof ShutdownEvent;
    }

    /** The Netty event loop that runs a Vert.x event-loop context's tasks. */
    public static EventExecutor eventLoop(Context context) {
        return ((ContextInternal) context).nettyEventLoop();
    }

    /** {@code epoll}, {@code kqueue}, {@code io_uring} or {@code nio}. */
    public static String transportName(Vertx vertx) {
        String name = ((VertxInternal) vertx).transport().getClass().getSimpleName();
        return name.replace("Transport", "").toLowerCase(Locale.ROOT);
    }

    /** Every event loop of {@code vertx} (not the acceptor's): what {@code chat_event_loop_delay_seconds} probes. */
    public static Iterable<EventExecutor> eventLoops(Vertx vertx) {
        return ((VertxInternal) vertx).nettyEventLoopGroup();
    }

    /** A new event-loop context of {@code vertx} whose tasks run on {@code loop}. */
    public static Context contextOn(Vertx vertx, EventLoop loop) {
        return ((VertxInternal) vertx).contextBuilder().withEventLoop(loop).build();
    }
}
