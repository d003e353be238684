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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One TCP loop, so that a room's members share the loop's runs (a room's frames queued once,
 * handed to each member when the run closes): a sender's replies and the direct messages it gets
 * arrive while runs are open, and must still reach it in the order the hub produced them.
 */
@Timeout(180)
class RunOrderTest {
    private static final int SAYS = 3_000;
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aSendersOwnMessageComesBeforeItsOkAndTheOkBeforeItsNextMessage() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).tcpInstances(1).build());
        try (ChatClient a = ChatClient.registered(fx.port(), "a");
             ChatClient b = ChatClient.registered(fx.port(), "b");
             ChatClient c = ChatClient.registered(fx.port(), "c");
             ChatClient d = ChatClient.registered(fx.port(), "d")) {
            for (ChatClient t : new ChatClient[] {a, b, c}) {
                t.request(id -> new Join(id, "r"));
            }
            b.drainInBackground();
            c.drainInBackground();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // a pipelines its says in large writes; b fills the room with its own; d sends a direct messages
            Thread fromA = send(a, failure, i -> new Say("s" + i, "r", "a " + i));
            Thread fromB = send(b, failure, i -> new Say("s" + i, "r", "b " + i));
            Thread fromD = send(d, failure, i -> new Dm("d" + i, "a", "d " + i));
            int nextOwn = 1;           // a's next own message expected
            boolean okPending = false; // a's message nextOwn - 1 seen, its ok not yet
            long lastSeq = 0;
            int lastDm = 0;
            int fromBSeen = 0;
            while (nextOwn <= SAYS || okPending || lastDm < SAYS || fromBSeen < SAYS) {
                ServerMessage m = a.next();
                if (m instanceof ServerMessage.Member) {
                    continue;
                }
                if (m instanceof ServerMessage.Ok ok) {
                    assertThat(okPending).as("ok %s comes right after a's message, before its next", ok.id()).isTrue();
                    assertThat(ok.id()).isEqualTo("s" + (nextOwn - 1));
                    okPending = false;
                    continue;
                }
                assertThat(m).isInstanceOf(ChatMessage.class);
                ChatMessage msg = (ChatMessage) m;
                String[] words = msg.text().split(" ");
                if (msg.room() == null) {
                    assertThat(Integer.parseInt(words[1])).as("dms in order").isEqualTo(lastDm + 1);
                    lastDm++;
                    continue;
                }
                assertThat(msg.seq()).as("room seq").isEqualTo(lastSeq + 1);
                lastSeq = msg.seq();
                if (words[0].equals("a")) {
                    assertThat(okPending).as("a's message %s before the ok of the previous one", words[1]).isFalse();
                    assertThat(Integer.parseInt(words[1])).isEqualTo(nextOwn);
                    nextOwn++;
                    okPending = true;
                } else {
                    fromBSeen++;
                }
            }
            for (Thread t : new Thread[] {fromA, fromB, fromD}) {
                t.join();
            }
            assertThat(failure.get()).isNull();
        }
    }

    private static Thread send(ChatClient c, AtomicReference<Throwable> failure,
                               java.util.function.IntFunction<dev.chat.protocol.ClientMessage> message) {
        Thread t = new Thread(() -> {
            try {
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 1; i <= SAYS; i++) {
                    batch.write(MessageCodec.encodeFrame(message.apply(i)));
                    if (i % 50 == 0) {
                        c.sendRaw(batch.toByteArray());
                        batch.reset();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "send");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
