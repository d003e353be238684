package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each configurable limit, as the client that hits it (and its neighbours) would see it. */
@Timeout(180)
class LimitsTest {
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static String code(ServerMessage m) {
        assertThat(m).isInstanceOf(ServerMessage.Error.class);
        return ((ServerMessage.Error) m).code();
    }

    @Test
    void aFlooderIsRateLimitedWithTheIdOfEachRefusedMessage() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(2).rateBurst(5).build());
        try (ChatClient flood = ChatClient.registered(fx.port(), "flood");
             ChatClient calm = ChatClient.registered(fx.port(), "calm")) {
            flood.request(id -> new Join(id, "r"));
            calm.request(id -> new Join(id, "r"));
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 30; i++) {
                burst.write(MessageCodec.encodeFrame(new Say("f" + i, "r", "spam " + i)));
            }
            burst.write(MessageCodec.encodeFrame(new Dm("dm", "calm", "spam")));
            flood.sendRaw(burst.toByteArray());
            int ok = 0;
            int limited = 0;
            boolean dmLimited = false;
            while (ok + limited < 31) {
                ServerMessage m = flood.next();
                if (m instanceof ServerMessage.Ok) {
                    ok++;
                } else if (m instanceof ServerMessage.Error e) {
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.id()).isNotNull();
                    dmLimited |= "dm".equals(e.id());
                    limited++;
                }
            }
            assertThat(ok).isBetween(5, 8); // the burst, plus what refilled meanwhile
            assertThat(limited).isGreaterThanOrEqualTo(23);
            assertThat(dmLimited).isTrue();
            // a calm member of the same room is not limited
            assertThat(calm.request(id -> new Say(id, "r", "hello"))).isInstanceOf(ServerMessage.Ok.class);
            assertThat(fx.server.metrics().errors("rate_limited")).isEqualTo(limited);
        }
    }

    @Test
    void aSlowConsumerIsClosedWhileAHealthyMemberReceivesEverything() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).maxBacklog(256 * 1024).build());
        String text = "x".repeat(3000);
        int cap = 20_000; // 60 MB: far beyond any kernel buffering on loopback
        try (ChatClient sender = ChatClient.registered(fx.port(), "sender");
             ChatClient healthy = ChatClient.registered(fx.port(), "healthy");
             ChatClient slow = ChatClient.connect(fx.port(), 4096)) {
            slow.send(new dev.chat.protocol.ClientMessage.Hello("h", "slow"));
            assertThat(slow.next()).isInstanceOf(ServerMessage.Welcome.class);
            slow.request(id -> new Join(id, "r"));
            sender.request(id -> new Join(id, "r"));
            healthy.request(id -> new Join(id, "r"));
            sender.drainInBackground(); // the sender reads its own echoes, or it would be slow too
            // the slow client stops reading; the sender floods the room until the server gives up on it
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            Thread writer = new Thread(() -> {
                try {
                    while (sent.get() < cap && fx.server.metrics().slowConsumersClosed.sum() == 0) {
                        sender.send(new Say(null, "r", text));
                        sent.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            long expected = 1;
            while (true) {
                if (expected <= sent.get()) {
                    ChatMessage m = healthy.nextOf(ChatMessage.class);
                    assertThat(m.seq()).as("the healthy member misses nothing").isEqualTo(expected);
                    expected++;
                } else if (writer.isAlive()) {
                    writer.join(20); // the sender is between two messages, or done
                } else {
                    break;
                }
            }
            writer.join();
            assertThat(fx.server.metrics().slowConsumersClosed.sum()).as("slow consumer closed after %d messages", sent.get())
                    .isEqualTo(1);
            assertThat(slow.awaitClose(Duration.ofSeconds(60))).isTrue();
            assertThat(fx.server.metrics().errors("slow_consumer")).isEqualTo(1);
            // the room goes on without the slow member
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                ServerMessage.WhoReply who = (ServerMessage.WhoReply) healthy.request(
                        id -> new dev.chat.protocol.ClientMessage.Who(id, "r"));
                assertThat(who.members()).containsExactly("sender", "healthy");
            });
        }
    }

    @Test
    void connectionsBeyondTheLimitGetServerFull() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().maxConnections(2).build());
        try (ChatClient a = ChatClient.registered(fx.port(), "a");
             ChatClient b = ChatClient.registered(fx.port(), "b");
             ChatClient c = ChatClient.connect(fx.port())) {
            assertThat(code(c.next())).isEqualTo("server_full");
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
            a.close();
            // a slot is free again once a's close was seen
            await().atMost(Duration.ofSeconds(20)).until(() -> fx.server.metrics().connections.get() == 1);
            try (ChatClient d = ChatClient.registered(fx.port(), "d")) {
                assertThat(d.request(dev.chat.protocol.ClientMessage.ListRooms::new)).isInstanceOf(ServerMessage.RoomList.class);
            }
        }
    }

    @Test
    void roomsPerSessionAndMembersPerRoomAreBounded() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().maxRoomsPerSession(2).maxRoomMembers(2).build());
        try (ChatClient a = ChatClient.registered(fx.port(), "a");
             ChatClient b = ChatClient.registered(fx.port(), "b");
             ChatClient c = ChatClient.registered(fx.port(), "c")) {
            a.request(id -> new Join(id, "one"));
            a.request(id -> new Join(id, "two"));
            assertThat(code(a.request(id -> new Join(id, "three")))).isEqualTo("too_many_rooms");
            b.request(id -> new Join(id, "one"));
            assertThat(code(c.request(id -> new Join(id, "one")))).isEqualTo("room_full");
            assertThat(c.request(id -> new Join(id, "two"))).isInstanceOf(ServerMessage.Joined.class);
        }
    }
}
