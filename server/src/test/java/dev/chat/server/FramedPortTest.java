package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the framed port does with what is not a whole frame: text, and frames that never finish. */
@Timeout(120)
class FramedPortTest {
    private ServerFixture fx;

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void textOnTheFramedPortGetsOneReadableLineThenTheConnectionCloses() throws Exception {
        fx = ServerFixture.start();
        for (String typed : new String[] {"hello\r\n", "NICK alice\r\nUSER a 0 * :A\r\n", "GET / HTTP/1.1\r\n\r\n"}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", fx.port()), 5000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(typed.getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // to EOF: the server closes
                assertThat(answer).endsWith("\r\n").hasLineCount(1);
                assertThat(answer).contains("length-prefixed JSON", "docs/PROTOCOL.md",
                        "IRC clients: port " + fx.server.port("irc") + ".");
            }
        }
    }

    @Test
    void withoutAnIrcListenerTheTextAnswerNamesNoIrcPort() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().ircPort(ServerConfig.PORT_OFF).build());
        assertThat(fx.server.readyLine()).doesNotContain("irc=");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", fx.port()), 5000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("NICK alice\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).endsWith("\r\n").hasLineCount(1).contains("no IRC port").doesNotContain("6667");
        }
    }

    @Test
    void aFrameThatIsNotFinishedInTimeEndsTheConnectionWithBye() throws Exception {
        Duration frameTimeout = Duration.ofMillis(600);
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().frameTimeout(frameTimeout)
                .heartbeat(Duration.ofSeconds(60)).build());
        try (ChatClient c = ChatClient.registered(fx.port(), "dribbler")) {
            long t0 = System.nanoTime();
            byte[] frame = dev.chat.protocol.MessageCodec.encodeFrame(new Join("j", "slow"));
            c.sendRaw(java.util.Arrays.copyOf(frame, 6)); // the header and two bytes of the payload
            ServerMessage bye = c.next();
            assertThat(bye).isInstanceOf(ServerMessage.Bye.class);
            assertThat(((ServerMessage.Bye) bye).reason()).contains("frame");
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(frameTimeout);
        }
    }

    @Test
    void bytesOfAnUnfinishedFrameAreNotASignOfLife() throws Exception {
        Duration heartbeat = Duration.ofMillis(500);
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().heartbeat(heartbeat)
                .frameTimeout(Duration.ofSeconds(60)).build());
        try (ChatClient c = ChatClient.registered(fx.port(), "trickle")) {
            byte[] frame = dev.chat.protocol.MessageCodec.encodeFrame(new Join("j", "slow"));
            c.sendRaw(java.util.Arrays.copyOf(frame, 4));
            // a byte of the frame now and then does not count as heard: ping, then bye for silence
            for (int i = 4; i < frame.length - 1; i++) {
                ServerMessage m = c.next(200);
                if (m instanceof ServerMessage.Bye bye) {
                    assertThat(bye.reason()).contains("silent");
                    assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
                    return;
                }
                c.sendRaw(new byte[] {frame[i]});
            }
            throw new AssertionError("still open after the frame took " + (frame.length * 200) + " ms");
        }
    }
}
