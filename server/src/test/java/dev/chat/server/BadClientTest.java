package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A raw-bytes client breaking each decoding rule of docs/PROTOCOL.md (section 2), and the registration rules. */
@Timeout(120)
class BadClientTest {
    private ServerFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = ServerFixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static byte[] header(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }

    private static void assertError(ServerMessage m, String code) {
        assertThat(m).isInstanceOf(ServerMessage.Error.class);
        assertThat(((ServerMessage.Error) m).code()).isEqualTo(code);
    }

    /** After a recoverable error the connection still works: a ping gets its pong. */
    private static void assertStillServed(ChatClient c) throws Exception {
        c.send(new Ping("alive"));
        assertThat(c.next()).isEqualTo(new Pong("alive"));
    }

    @Test
    void oversizeLengthIsRefusedAndClosedWithoutWaitingForThePayload() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.sendRaw(header(0xFFFF_FFF0L)); // 4 GiB declared, nothing sent
            assertError(c.next(), "frame_too_large");
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
        }
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.sendRaw(header(65_537));
            assertError(c.next(), "frame_too_large");
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
        }
    }

    @Test
    void zeroLengthIsRefusedAndClosed() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.sendRaw(header(0));
            assertError(c.next(), "frame_too_large");
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
        }
    }

    @Test
    void frameSplitAcrossWritesIsReassembled() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            byte[] frame = dev.chat.protocol.MessageCodec.encodeFrame(new Ping(7L));
            for (byte b : frame) {
                c.sendRaw(new byte[] {b}); // TCP_NODELAY: each byte its own segment
            }
            assertThat(c.next()).isEqualTo(new Pong(7L));
            // two frames in one write
            byte[] two = new byte[frame.length * 2];
            System.arraycopy(frame, 0, two, 0, frame.length);
            System.arraycopy(frame, 0, two, frame.length, frame.length);
            c.sendRaw(two);
            assertThat(c.next()).isEqualTo(new Pong(7L));
            assertThat(c.next()).isEqualTo(new Pong(7L));
        }
    }

    @Test
    void invalidUtf8IsBadJsonAndTheConnectionStays() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            byte[] payload = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
            c.sendRaw(dev.chat.protocol.Frames.frame(payload));
            assertError(c.next(), "bad_json");
            assertStillServed(c);
        }
    }

    @Test
    void notAnObjectOrTrailingGarbageIsBadJson() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            for (String bad : new String[] {"[1,2,3]", "\"ping\"", "42", "{\"type\":\"ping\"", "{\"type\":\"ping\"} {}", "hello"}) {
                c.sendJson(bad);
                assertError(c.next(), "bad_json");
            }
            c.sendJson("{\"type\":\"ping\",\"id\":1}  \n\t ");
            assertThat(c.next()).isEqualTo(new Pong(1L));
        }
    }

    @Test
    void missingOrUnknownTypeIsUnknownTypeWithTheId() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.sendJson("{\"id\":\"a\"}");
            ServerMessage e1 = c.next();
            assertError(e1, "unknown_type");
            assertThat(e1.id()).isEqualTo("a");
            c.sendJson("{\"type\":7,\"id\":3}");
            assertError(c.next(), "unknown_type");
            c.sendJson("{\"type\":\"dance\",\"id\":\"b\"}");
            ServerMessage e3 = c.next();
            assertError(e3, "unknown_type");
            assertThat(e3.id()).isEqualTo("b");
            assertStillServed(c);
        }
    }

    @Test
    void wrongFieldsAreInvalidNamingTheField() throws Exception {
        try (ChatClient c = ChatClient.registered(fx.port(), "alice")) {
            c.sendJson("{\"type\":\"join\",\"id\":1}");
            ServerMessage.Error e = (ServerMessage.Error) c.next();
            assertThat(e.code()).isEqualTo("invalid");
            assertThat(e.message()).contains("room");
            assertThat(e.id()).isEqualTo(1L);
            c.sendJson("{\"type\":\"join\",\"room\":\"no spaces\",\"id\":2}");
            assertError(c.next(), "invalid");
            c.request(id -> new Join(id, "r"));
            c.sendJson("{\"type\":\"say\",\"room\":\"r\",\"text\":\"" + "x".repeat(4001) + "\",\"id\":3}");
            ServerMessage.Error tooLong = (ServerMessage.Error) c.next();
            assertThat(tooLong.code()).isEqualTo("invalid");
            assertThat(tooLong.message()).contains("text");
            c.sendJson("{\"type\":\"say\",\"room\":\"r\",\"text\":5,\"id\":4}");
            assertError(c.next(), "invalid");
            c.sendJson("{\"type\":\"history\",\"room\":\"r\",\"limit\":0,\"id\":5}");
            assertError(c.next(), "invalid");
            c.sendJson("{\"type\":\"ping\",\"id\":\"" + "i".repeat(65) + "\"}");
            assertError(c.next(), "invalid");
            // unknown fields are ignored
            c.sendJson("{\"type\":\"say\",\"room\":\"r\",\"text\":\"ok\",\"id\":6,\"colour\":\"red\"}");
            assertThat(c.nextOf(ServerMessage.Ok.class).id()).isEqualTo(6L);
        }
    }

    @Test
    void beforeHelloOnlyPingAndQuitAreServed() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.send(new Join("j", "r"));
            ServerMessage e = c.next();
            assertError(e, "not_registered");
            assertThat(e.id()).isEqualTo("j");
            c.send(new Say(null, "r", "x"));
            assertError(c.next(), "not_registered");
            c.send(new Ping(null));
            assertThat(c.next()).isEqualTo(new Pong(null));
            c.send(new Hello("h", "bad nick!"));
            assertError(c.next(), "invalid");
            c.send(new Hello("h", "alice"));
            assertThat(c.next()).isInstanceOf(ServerMessage.Welcome.class);
            c.send(new Hello("h2", "alice2"));
            ServerMessage again = c.next();
            assertError(again, "already_registered");
            assertThat(again.id()).isEqualTo("h2");
            c.send(new dev.chat.protocol.ClientMessage.Quit(null, null));
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
        }
    }

    @Test
    void requestsPipelinedBehindHelloAreServedInOrder() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            byte[] hello = dev.chat.protocol.MessageCodec.encodeFrame(new Hello("1", "pipe"));
            byte[] join = dev.chat.protocol.MessageCodec.encodeFrame(new Join("2", "r"));
            byte[] say = dev.chat.protocol.MessageCodec.encodeFrame(new Say("3", "r", "fast"));
            c.sendRaw(ByteBuffer.allocate(hello.length + join.length + say.length).put(hello).put(join).put(say).array());
            assertThat(c.next()).isInstanceOf(ServerMessage.Welcome.class);
            assertThat(c.next()).isInstanceOf(ServerMessage.Joined.class);
            assertThat(c.nextOf(ServerMessage.Ok.class).id()).isEqualTo("3");
        }
    }

    @Test
    void unansweredHelloTimesOut() throws Exception {
        fx.close();
        fx = ServerFixture.start(dev.chat.server.config.ServerConfig.forTests().toBuilder()
                .helloTimeout(Duration.ofMillis(300)).build());
        try (ChatClient c = ChatClient.connect(fx.port())) {
            long t0 = System.nanoTime();
            ServerMessage bye = c.next();
            assertThat(bye).isInstanceOf(ServerMessage.Bye.class);
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
        // a slowloris: half a header, then silence, is closed the same way
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.sendRaw(new byte[] {0, 0});
            assertThat(c.nextOf(ServerMessage.Bye.class)).isNotNull();
            assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
        }
    }

    @Test
    void textIsCountedInCodePoints() throws Exception {
        try (ChatClient c = ChatClient.registered(fx.port(), "emoji")) {
            c.request(id -> new Join(id, "r"));
            String astral = "\uD83D\uDE00".repeat(4000); // 4000 code points, 8000 UTF-16 chars
            assertThat(c.request(id -> new Say(id, "r", astral))).isInstanceOf(ServerMessage.Ok.class);
            assertThat(new String(dev.chat.protocol.MessageCodec.encode(new Say(null, "r", astral)), UTF_8)).isNotEmpty();
        }
    }
}
