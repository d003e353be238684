package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.core.ChatLoop;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that sends faster than the hub answers (flood control off) is slowed by TCP: its
 * connection stops being read while {@link ChatLoop#MAX_REQUESTS_IN_FLIGHT} of its requests
 * wait, so the server's memory stays bounded, nothing it sent is lost, and others are still served.
 */
@Timeout(300)
class BackpressureTest {
    private static final int SAYS = 200_000;
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    /** Frames are told apart by their start: the server writes {@code type} first. */
    private static boolean isType(byte[] payload, String type) {
        String head = "{\"type\":\"" + type + "\"";
        return payload.length >= head.length()
                && new String(payload, 0, head.length(), StandardCharsets.UTF_8).equals(head);
    }

    /** Reads frames on a daemon thread, counting those of one type, until the connection closes. */
    private static Thread count(ChatClient c, String type, AtomicLong counter, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                byte[] p;
                while ((p = c.nextRaw()) != null) {
                    if (isType(p, type)) {
                        counter.incrementAndGet();
                    } else if (isType(p, "error") || isType(p, "bye")) {
                        throw new AssertionError("unexpected " + new String(p, StandardCharsets.UTF_8));
                    }
                }
            } catch (java.net.SocketException closedByTest) {
                // the test is over
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "count-" + type);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aFlooderIsReadNoFasterThanTheHubAnswersAndLosesNothing() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).build());
        ServerMetrics metrics = fx.server.metrics();
        try (ChatClient flood = ChatClient.registered(fx.port(), "flood");
             ChatClient member = ChatClient.registered(fx.port(), "member");
             ChatClient other = ChatClient.registered(fx.port(), "other")) {
            flood.request(id -> new Join(id, "r"));
            member.request(id -> new Join(id, "r"));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong oks = new AtomicLong();
            AtomicLong received = new AtomicLong();
            count(flood, "ok", oks, failure); // the flooder's own messages come back too: not counted
            count(member, "message", received, failure);
            Thread writer = new Thread(() -> {
                try {
                    ByteArrayOutputStream batch = new ByteArrayOutputStream(64 * 1024);
                    for (int i = 1; i <= SAYS; i++) {
                        batch.write(MessageCodec.encodeFrame(new Say(i, "r", "flood " + i)));
                        if (i % 500 == 0) {
                            flood.sendRaw(batch.toByteArray());
                            batch.reset();
                        }
                    }
                    flood.sendRaw(batch.toByteArray());
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "flood-writer");
            writer.setDaemon(true);
            writer.start();

            // while the flood goes on, someone else is served
            await().atMost(Duration.ofSeconds(60)).until(() -> metrics.readsPausedTotal.sum() > 0 || failure.get() != null);
            assertThat(failure.get()).isNull();
            long t0 = System.nanoTime();
            ServerMessage who = other.request(id -> new Who(id, "r"));
            assertThat(who).isInstanceOf(ServerMessage.WhoReply.class);
            assertThat(((ServerMessage.WhoReply) who).members()).containsExactly("flood", "member");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(240)).until(() ->
                    (oks.get() == SAYS && received.get() == SAYS) || failure.get() != null);
            assertThat(failure.get()).isNull();
            assertThat(oks.get()).as("every say answered").isEqualTo(SAYS);
            assertThat(received.get()).as("every message delivered").isEqualTo(SAYS);
            assertThat(metrics.requestsInFlightPeak.get()).as("requests one connection had in flight at most")
                    .isLessThanOrEqualTo(ChatLoop.MAX_REQUESTS_IN_FLIGHT);
            assertThat(metrics.readsPausedTotal.sum()).isPositive();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    metrics.sessionsPaused.get() == 0 && metrics.requestsInFlight.get() == 0);
            assertThat(metrics.render()).contains("chat_sessions_paused 0", "chat_reads_paused_total ",
                    "chat_requests_in_flight 0", "chat_requests_in_flight_peak ");
            assertThat(metrics.slowConsumersClosed.sum()).isZero();
        }
    }

    @Test
    void aPausedClientIsNotTakenForSilentWhileTheHubIsSlow() throws Exception {
        Duration heartbeat = Duration.ofMillis(300);
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).heartbeat(heartbeat).build());
        ServerMetrics metrics = fx.server.metrics();
        // stalls the hub: requests reaching it wait here until released
        AtomicBoolean stall = new AtomicBoolean();
        ConcurrentLinkedQueue<Runnable> stalled = new ConcurrentLinkedQueue<>();
        Handler<DeliveryContext<Object>> interceptor = ctx -> {
            if (stall.get() && Addresses.HUB.equals(ctx.message().address())) {
                Context hub = Vertx.currentContext(); // inbound interceptors run on the receiver's context
                stalled.add(() -> hub.runOnContext(v -> ctx.next()));
            } else {
                ctx.next();
            }
        };
        fx.server.vertx().eventBus().addInboundInterceptor(interceptor);
        try (ChatClient c = ChatClient.registered(fx.port(), "patient")) {
            c.request(id -> new Join(id, "r"));
            stall.set(true);
            int says = 3 * ChatLoop.MAX_REQUESTS_IN_FLIGHT;
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 1; i <= says; i++) {
                batch.write(MessageCodec.encodeFrame(new Say(i, "r", "wait " + i)));
            }
            c.sendRaw(batch.toByteArray());
            await().atMost(Duration.ofSeconds(20)).until(() -> metrics.sessionsPaused.get() == 1
                    && stalled.size() == ChatLoop.MAX_REQUESTS_IN_FLIGHT);
            // the client is waiting for us, not silent: no ping, no bye for several heartbeats
            assertThat(c.silentFor(heartbeat.multipliedBy(5))).isTrue();
            assertThat(stalled).hasSize(ChatLoop.MAX_REQUESTS_IN_FLIGHT);
            stall.set(false);
            c.send(new Ping("after")); // read once the held requests are served: still served after the pause
            Runnable release;
            while ((release = stalled.poll()) != null) {
                release.run();
            }
            int oks = 0;
            int messages = 0;
            boolean pong = false;
            while (oks < says || !pong) {
                ServerMessage m = c.next();
                if (m instanceof ServerMessage.Ok) {
                    oks++;
                } else if (m instanceof ServerMessage.ChatMessage) {
                    messages++;
                } else if (m instanceof Pong p && "after".equals(p.id())) {
                    pong = true;
                } else if (m instanceof Ping p) {
                    c.send(new Pong(p.id()));
                } else {
                    throw new AssertionError("unexpected " + m);
                }
            }
            assertThat(messages).isEqualTo(says);
            assertThat(metrics.sessionsPaused.get()).isZero();
            assertThat(metrics.requestsInFlightPeak.get()).isEqualTo(ChatLoop.MAX_REQUESTS_IN_FLIGHT);
        } finally {
            fx.server.vertx().eventBus().removeInboundInterceptor(interceptor);
        }
    }

    @Test
    void aFlooderThatDoesNotReadIsStillClosedAsASlowConsumer() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).maxBacklog(64 * 1024).build());
        ServerMetrics metrics = fx.server.metrics();
        try (ChatClient flood = ChatClient.connect(fx.port(), 4096);
             ChatClient member = ChatClient.registered(fx.port(), "member");
             ChatClient other = ChatClient.registered(fx.port(), "other")) {
            flood.send(new dev.chat.protocol.ClientMessage.Hello("h", "flood"));
            assertThat(flood.next()).isInstanceOf(ServerMessage.Welcome.class);
            flood.request(id -> new Join(id, "r"));
            member.request(id -> new Join(id, "r"));
            member.drainInBackground();
            String text = "y".repeat(1000);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 100_000 && metrics.slowConsumersClosed.sum() == 0; i++) {
                        flood.send(new Say(i, "r", text));
                    }
                } catch (java.io.IOException closed) {
                    // the server closed us, as it should
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "flood-writer");
            writer.setDaemon(true);
            writer.start();
            // the flooder reads nothing: its echoes and oks pile up until the server gives up on it
            await().atMost(Duration.ofSeconds(120)).until(() -> metrics.slowConsumersClosed.sum() == 1);
            assertThat(flood.awaitClose(Duration.ofSeconds(60))).isTrue();
            writer.join(60_000);
            assertThat(failure.get()).isNull();
            await().atMost(Duration.ofSeconds(20)).until(() -> metrics.sessionsPaused.get() == 0
                    && metrics.connections.get() == 2);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(((ServerMessage.WhoReply) other.request(id -> new Who(id, "r"))).members())
                            .containsExactly("member"));
        }
    }

    /**
     * A reader slower than the room: dropped as a slow consumer, and what it reads up to the end
     * of the stream is whole frames, the last of them the {@code slow_consumer} error (issue: it
     * used to see the stream end in the middle of a frame).
     */
    @Test
    void aSlowReaderReadsWholeFramesToTheEndAndTheSlowConsumerErrorLast() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).maxBacklog(64 * 1024).build());
        ServerMetrics metrics = fx.server.metrics();
        try (java.net.Socket slow = new java.net.Socket();
             ChatClient fast = ChatClient.registered(fx.port(), "fast")) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", fx.port()), 10_000);
            slow.getOutputStream().write(MessageCodec.encodeFrame(new dev.chat.protocol.ClientMessage.Hello("h", "slow")));
            slow.getOutputStream().write(MessageCodec.encodeFrame(new Join("j", "r")));
            fast.request(id -> new Join(id, "r"));
            fast.drainInBackground();
            String text = "z".repeat(1000);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 1_000_000 && metrics.slowConsumersClosed.sum() == 0; i++) {
                        fast.send(new Say(null, "r", text));
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            }, "room-writer");
            writer.setDaemon(true);
            writer.start();
            // read slowly (at most 256 KiB/s), everything, to the end of the stream
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            java.io.InputStream in = slow.getInputStream();
            slow.setSoTimeout(60_000);
            byte[] buf = new byte[1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
                java.util.concurrent.locks.LockSupport.parkNanos(4_000_000); // pacing a slow reader, not waiting for an event
            }
            assertThat(metrics.slowConsumersClosed.sum()).isEqualTo(1);
            java.nio.ByteBuffer stream = java.nio.ByteBuffer.wrap(all.toByteArray());
            ServerMessage last = null;
            int frames = 0;
            while (stream.remaining() >= 4) {
                int length = stream.getInt();
                assertThat(stream.remaining()).as("frame %d of %d bytes is whole", frames + 1, length).isGreaterThanOrEqualTo(length);
                byte[] payload = new byte[length];
                stream.get(payload);
                last = MessageCodec.decodeServer(payload);
                frames++;
            }
            assertThat(stream.remaining()).as("no piece of a frame at the end").isZero();
            assertThat(frames).isGreaterThan(2);
            assertThat(last).isInstanceOf(ServerMessage.Error.class);
            assertThat(((ServerMessage.Error) last).code()).isEqualTo("slow_consumer");
        }
    }
}
