package dev.chat.server.net;

import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Recipient;
import dev.chat.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server's fan-out loop, with the real classes: one room {@code message} frame, already
 * encoded by the hub, reaches a loop as a {@link Delivery} for {@code members} framed connections of
 * that loop. The loop's {@link FrameScheduler#deliver} copies it once into the loop's
 * {@link FrameLog} and each {@link TcpConnection} notes its position ({@code TcpConnection.deliver});
 * the flush scheduled for the end of the loop's turn ({@code FrameScheduler.flushDirty}) then hands
 * every member its piece (a copy for a short segment, a retained slice of the chunk for a long one)
 * and flushes its channel.
 *
 * <p>One operation is one loop turn: {@code framesPerTurn} deliveries (1: an idle server, every
 * frame flushed on its own and copied per member; 16: under load, 16 frames queued before the
 * flush, written as one slice per member), then the end of the turn. Divide by
 * {@code members * framesPerTurn} for the cost of one delivery.
 *
 * <p>What is not real: the connections' channels are Netty {@link EmbeddedChannel}s (in memory, no
 * socket, no syscall) that release what is written to them, as a socket does once it has sent it;
 * and the loop ({@link ChatLoop}) is not deployed: it is given a Vert.x context whose event loop is
 * an embedded one, which the benchmark runs at the end of each turn, on its own thread. The
 * sessions are real: each connection is registered with the loop ({@link ChatLoop#open}). The
 * benchmark sits in the server's package to reach the package-private {@code TcpConnection}
 * constructor. The fork runs the benchmark on a Vert.x event-loop thread
 * ({@link EventLoopThreads}), as the server does: on JMH's ordinary threads Netty's pooled
 * allocator has no per-thread cache, and Vert.x keeps the current context in a
 * {@code ThreadLocal}; the benchmark would then measure locks and allocations the server does
 * not have.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar FanOutBenchmark -prof gc}.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.chat.server.net.EventLoopThreads"})
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FanOutBenchmark {

    static final String TEXT = "Deploy of build 4711 finished on all three nodes; smoke tests are green, "
            + "rolling back is not needed."; // 100 bytes, as in ProtocolCodecBenchmark

    @Param({"100", "1000"})
    int members;

    @Param({"1", "16"})
    int framesPerTurn;

    private Vertx vertx;
    private FrameScheduler out;
    /** Its event loop runs the verticle's context: running its tasks ends the loop's turn. */
    private EmbeddedChannel turn;
    private SinkChannel[] channels;
    private Delivery delivery;
    private long turns;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] frame = MessageCodec.encodeFrame(
                ChatMessage.inRoom("general", "alice", TEXT, 1_767_225_600_000L, 4242L));
        vertx = Vertx.vertx();
        turn = new EmbeddedChannel();
        Context context = VertxNetty.contextOn(vertx, turn.eventLoop());
        ServerConfig config = ServerConfig.forTests().toBuilder().tcpInstances(1).maxConnections(members + 1).build();
        TcpTransport tcp = new TcpTransport(config);
        ChatLoop loop = new ChatLoop(config, new ServerMetrics(), 0, new Lanes(1, 1), List.of(tcp),
                List.of(FramedFormat.INSTANCE), (t, port) -> { });
        loop.init(vertx, context);
        out = (FrameScheduler) loop.output(FramedFormat.INSTANCE);
        out.flushSpacingNanos = 0; // one operation is one turn, flushed at its end (the server spaces flushes 1 ms apart when busy)
        channels = new SinkChannel[members];
        Recipient[] to = new Recipient[members];
        for (int i = 0; i < members; i++) {
            TcpConnection c = new TcpConnection(out, config.maxFrame());
            channels[i] = new SinkChannel(c); // handlerAdded: the connection writes to this channel
            channels[i].config().setWriteBufferWaterMark(TcpTransport.WRITE_QUEUE); // as TcpTransport
            if (!c.open()) {
                throw new IllegalStateException("the loop refused a connection");
            }
            to[i] = c.session();
        }
        delivery = Delivery.of(ChatMessage.inRoom("general", "alice", TEXT, 1_767_225_600_000L, 4242L), to, true);
        if (delivery.frame().length != frame.length) {
            throw new IllegalStateException("the frame is not the codec benchmark's");
        }

        fanOut(); // every member got the frame, in one write, and nothing else
        for (SinkChannel c : channels) {
            if (c.writes != 1 || c.bytes != (long) frame.length * framesPerTurn) {
                throw new IllegalStateException("a member got " + c.writes + " writes, " + c.bytes + " bytes");
            }
        }
    }

    /** One loop turn: the deliveries, then the flush scheduled for the turn's end. */
    @Benchmark
    public void fanOut() {
        for (int i = 0; i < framesPerTurn; i++) {
            out.deliver(delivery);
        }
        turn.runPendingTasks();
        turns++;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        long expected = turns * framesPerTurn * (long) delivery.frame().length;
        for (SinkChannel c : channels) {
            if (c.bytes != expected) {
                throw new IllegalStateException("a member got " + c.bytes + " bytes, expected " + expected);
            }
            c.finishAndReleaseAll();
        }
        turn.finishAndReleaseAll();
        // not await(): Vert.x refuses that on an event-loop thread, which this is (EventLoopThreads)
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A member's channel: what is written to it is counted and released, as a socket does once sent. */
    static final class SinkChannel extends EmbeddedChannel {
        long writes;
        long bytes;

        SinkChannel(ChannelHandler handler) {
            super(handler);
        }

        @Override
        protected void handleOutboundMessage(Object msg) {
            writes++;
            if (msg instanceof ByteBuf b) {
                bytes += b.readableBytes();
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
