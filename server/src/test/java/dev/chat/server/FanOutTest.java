package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fan-out through the loops' frame logs: frames of several rooms, direct messages and replies
 * interleave in the logs, cross their chunk boundaries, and are written as slices or copies; a
 * member still receives every frame meant for it, whole and in order.
 */
@Timeout(180)
class FanOutTest {
    private static final int SAYS = 2_000;
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aMemberOfTwoBusyRoomsGetsEveryMessageAndEveryDmInOrder() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).build());
        try (ChatClient both = ChatClient.registered(fx.port(), "both");
             ChatClient one = ChatClient.registered(fx.port(), "one");
             ChatClient two = ChatClient.registered(fx.port(), "two")) {
            both.request(id -> new Join(id, "r1"));
            both.request(id -> new Join(id, "r2"));
            one.request(id -> new Join(id, "r1"));
            two.request(id -> new Join(id, "r2"));
            one.drainInBackground(); // senders read what comes back, or they would be slow consumers
            two.drainInBackground();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread first = flood(one, "r1", failure);
            Thread second = flood(two, "r2", failure);
            Map<String, Long> lastSeq = new HashMap<>(Map.of("r1", 0L, "r2", 0L));
            Map<String, Integer> lastDm = new HashMap<>(Map.of("one", 0, "two", 0));
            int messages = 0;
            int dms = 0;
            while (messages < 2 * SAYS || dms < 2 * (SAYS / 100)) {
                ServerMessage m = both.next();
                if (m instanceof ServerMessage.Member) {
                    continue; // the senders joining
                }
                assertThat(m).isInstanceOf(ChatMessage.class);
                ChatMessage c = (ChatMessage) m;
                String[] words = c.text().split(" ");
                if (c.room() != null) {
                    assertThat(c.seq()).as("seq in %s", c.room()).isEqualTo(lastSeq.get(c.room()) + 1);
                    lastSeq.put(c.room(), c.seq());
                    assertThat(words[1]).isEqualTo(String.valueOf(c.seq())); // whole, and the right text
                    messages++;
                } else {
                    int n = Integer.parseInt(words[1]);
                    assertThat(n).as("dm from %s", c.from()).isEqualTo(lastDm.get(c.from()) + 100);
                    lastDm.put(c.from(), n);
                    dms++;
                }
            }
            first.join();
            second.join();
            assertThat(failure.get()).isNull();
            assertThat(fx.server.metrics().slowConsumersClosed.sum()).isZero();
        }
    }

    /** Sends SAYS room messages (a direct message to "both" after every 100th) in large writes. */
    private static Thread flood(ChatClient c, String room, AtomicReference<Throwable> failure) {
        String pad = "p".repeat(300);
        Thread t = new Thread(() -> {
            try {
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 1; i <= SAYS; i++) {
                    batch.write(MessageCodec.encodeFrame(new Say(i, room, room + " " + i + " " + pad)));
                    if (i % 100 == 0) {
                        batch.write(MessageCodec.encodeFrame(new Dm("d" + i, "both", "dm " + i)));
                        c.sendRaw(batch.toByteArray());
                        batch.reset();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "flood-" + room);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
