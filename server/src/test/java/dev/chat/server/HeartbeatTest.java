package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heartbeats: ping after the idle time, close after twice that without traffic. */
@Timeout(120)
class HeartbeatTest {
    private ServerFixture fx;

    private void start(Duration heartbeat) throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().heartbeat(heartbeat).build());
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        Duration heartbeat = Duration.ofMillis(1000);
        start(heartbeat);
        try (ChatClient c = ChatClient.registered(fx.port(), "alive")) {
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                ServerMessage m = c.next();
                assertThat(m).isInstanceOf(Ping.class);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(heartbeat.minusMillis(100));
                c.send(new Pong(m.id()));
            }
            c.send(new Ping("still"));
            assertThat(c.nextOf(Pong.class, p -> "still".equals(p.id()))).isNotNull();
        }
    }

    @Test
    void aSilentClientIsPingedThenClosed() throws Exception {
        Duration heartbeat = Duration.ofMillis(400);
        start(heartbeat);
        try (ChatClient c = ChatClient.registered(fx.port(), "silent")) {
            long t0 = System.nanoTime();
            assertThat(c.next()).isInstanceOf(Ping.class);
            ServerMessage bye = c.next();
            assertThat(bye).isInstanceOf(ServerMessage.Bye.class);
            assertThat(((ServerMessage.Bye) bye).reason()).contains("silent");
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(heartbeat.multipliedBy(2).minusMillis(100));
        }
    }
}
