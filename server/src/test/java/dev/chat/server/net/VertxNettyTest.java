package dev.chat.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server relies on below Vert.x's public API ({@link VertxNetty}), checked against the
 * Vert.x in use: if an upgrade changes any of it, this fails here rather than somewhere in the
 * chat's behaviour.
 */
@Timeout(60)
class VertxNettyTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Echoes what it reads, records what it sees; closes itself on Vert.x's shutdown event. */
    static final class Probe extends ChannelInboundHandlerAdapter {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final CountDownLatch shutdown = new CountDownLatch(1);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            seen.add("read " + b.toString(StandardCharsets.US_ASCII));
            ctx.writeAndFlush(b);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (VertxNetty.isShutdown(event)) {
                seen.add("shutdown");
                shutdown.countDown();
                ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII)).addListener(f -> ctx.close());
            }
        }
    }

    @Test
    void anAcceptedSocketGetsOurHandlerAloneAndVertxShutdownReachesIt() throws Exception {
        Probe probe = new Probe();
        CompletableFuture<List<String>> pipeline = new CompletableFuture<>();
        NetServer server = vertx.createNetServer().connectHandler(socket -> {
            ChannelHandlerContext ctx = VertxNetty.takeOver(socket, "probe", probe);
            assertThat(ctx.handler()).isSameAs(probe);
            pipeline.complete(ctx.pipeline().names());
        });
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).as("echoed by our handler").isEqualTo("ping");
            // our handler took the place of Vert.x's own ("handler"), which is gone
            assertThat(pipeline.get(5, TimeUnit.SECONDS)).contains("probe").doesNotContain("handler");

            // Vert.x's close sequence: the shutdown event reaches our handler, which closes the connection
            server.shutdown(5, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(probe.shutdown.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("bye");
        }
        assertThat(probe.seen).containsExactly("read ping", "shutdown");
    }

    @Test
    void aContextsEventLoopRunsItsTasks() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Thread> contextThread = new CompletableFuture<>();
        CompletableFuture<Thread> taskThread = new CompletableFuture<>();
        context.runOnContext(v -> {
            contextThread.complete(Thread.currentThread());
            VertxNetty.eventLoop(context).schedule(() -> taskThread.complete(Thread.currentThread()), 1, TimeUnit.MILLISECONDS);
        });
        assertThat(taskThread.get(10, TimeUnit.SECONDS)).as("a task scheduled on the loop runs on the context's thread")
                .isSameAs(contextThread.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aContextCanBeMadeOnAGivenNettyLoopAndTheTransportHasAName() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        Context context = VertxNetty.contextOn(vertx, channel.eventLoop());
        boolean[] ran = new boolean[1];
        context.runOnContext(v -> ran[0] = true);
        channel.runPendingTasks();
        assertThat(ran[0]).isTrue();
        channel.finishAndReleaseAll();
        assertThat(VertxNetty.transportName(vertx)).isIn("nio", "epoll", "kqueue", "iouring", "io_uring");
    }

    /** Sees writability changes, and passes every inbound event on. */
    static final class Below extends ChannelInboundHandlerAdapter {
        volatile int writabilityChanges;

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writabilityChanges++;
            ctx.fireChannelWritabilityChanged();
        }
    }

    @Test
    void aHandlerBelowVertxsWebSocketWritesFramesAsBytesInOrderWithVertxsOwnWrites() throws Exception {
        Below below = new Below();
        CompletableFuture<List<String>> pipeline = new CompletableFuture<>();
        io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(req ->
                req.toWebSocket().onSuccess(ws -> {
                    ChannelHandlerContext ctx = VertxNetty.addBelow(req.connection(), "below", below);
                    pipeline.complete(ctx.pipeline().names());
                    ByteBuf frame = Unpooled.buffer();
                    FrameLayout.WEBSOCKET_TEXT.write(frame, java.nio.ByteBuffer.allocate(9).putInt(5).put("first".getBytes(StandardCharsets.US_ASCII)).array());
                    ctx.write(frame); // not flushed: Vert.x's write below goes out after it
                    ws.writeTextMessage("second");
                    ws.textMessageHandler(t -> ws.writeTextMessage("echo " + t)); // inbound still Vert.x's
                }));
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        List<String> got = new CopyOnWriteArrayList<>();
        io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient();
        // the handler set on the connection's event loop as it opens: the server writes at once
        io.vertx.core.http.WebSocket ws = client.connect(port, "127.0.0.1", "/").map(w -> w.textMessageHandler(got::add))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.writeTextMessage("third");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(got).hasSize(3));
        assertThat(got).containsExactly("first", "second", "echo third");
        List<String> names = pipeline.get(5, TimeUnit.SECONDS);
        assertThat(names.indexOf("below")).as("just below Vert.x's handler").isEqualTo(names.indexOf("handler") - 1);
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.close();
    }
}
