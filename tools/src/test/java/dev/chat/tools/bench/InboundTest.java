package dev.chat.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generator's byte-level shortcuts against frames made by the real codec: if the server's
 * encoding changes shape, these fail instead of the benchmark silently counting nothing.
 */
class InboundTest {
    private static final String ROOM = Topology.room("ab12", "", 3);
    private static final String NICK = Topology.nick("ab12", 42);

    /** Payload bytes placed at an offset in a direct buffer, as the loop sees them. */
    private static ByteBuf at(int offset, byte[] payload) {
        ByteBuf b = Unpooled.directBuffer(offset + payload.length + 16);
        b.writerIndex(offset);
        b.writeBytes(payload);
        return b;
    }

    private static String text(long stamp, int sender) {
        return "b" + String.format("%019d%06d", stamp, sender) + "x".repeat(74);
    }

    @Test
    void findsTheStampOfARoomMessageAtItsFixedOffset() {
        byte[] p = MessageCodec.encode(ServerMessage.ChatMessage.inRoom(ROOM, NICK, text(123456789L, 42), 1L, 7L));
        ByteBuf b = at(5, p);
        assertThat(Inbound.classify(b, 5, p.length)).isEqualTo(Inbound.MESSAGE);
        int expected = Inbound.textOffset(ROOM.length(), NICK.length());
        assertThat((char) p[expected]).isEqualTo('b');
        int q = Inbound.findMarker(b, 5, p.length, expected);
        assertThat(q).isEqualTo(5 + expected);
        assertThat(Inbound.digits(b, q + 1, 19)).isEqualTo(123456789L);
        assertThat(Inbound.digits(b, q + 20, 6)).isEqualTo(42L);
    }

    @Test
    void scansForTheStampWhenNamesHaveOtherLengths() {
        byte[] p = MessageCodec.encode(ServerMessage.ChatMessage.inRoom("x", "somebody-else", text(99L, 1), 1L, 1L));
        ByteBuf b = at(0, p);
        int q = Inbound.findMarker(b, 0, p.length, Inbound.textOffset(ROOM.length(), NICK.length()));
        assertThat(q).isPositive();
        assertThat(Inbound.digits(b, q + 1, 19)).isEqualTo(99L);
    }

    @Test
    void foreignMessagesHaveNoStamp() {
        byte[] p = MessageCodec.encode(ServerMessage.ChatMessage.inRoom(ROOM, NICK, "hello there", 1L, 1L));
        assertThat(Inbound.findMarker(at(0, p), 0, p.length, Inbound.textOffset(ROOM.length(), NICK.length())))
                .isEqualTo(-1);
    }

    @Test
    void tellsFrequentTypesApartAndLeavesTheRestToTheDecoder() {
        assertThat(kind(new ServerMessage.Member(ROOM, NICK, ServerMessage.Member.JOIN, null))).isEqualTo(Inbound.MEMBER);
        assertThat(kind(new ServerMessage.Ok("0000000001"))).isEqualTo(Inbound.OK);
        assertThat(kind(new ServerMessage.Ok(null))).isEqualTo(Inbound.OK);
        assertThat(kind(new Ping(null))).isEqualTo(Inbound.PING);
        assertThat(kind(new Pong(null))).isEqualTo(Inbound.PONG);
        assertThat(kind(new ServerMessage.Joined(null, ROOM, List.of(NICK), 0))).isEqualTo(Inbound.DECODE);
        assertThat(kind(new ServerMessage.Error(null, "slow_consumer", "x"))).isEqualTo(Inbound.DECODE);
        assertThat(kind(new ServerMessage.Welcome(null, NICK, "s", "n", 1, 30000, 65536))).isEqualTo(Inbound.DECODE);
        byte[] odd = "{ \"type\": \"message\" }".getBytes(StandardCharsets.UTF_8);
        assertThat(Inbound.classify(at(0, odd), 0, odd.length)).isEqualTo(Inbound.DECODE);
    }

    @Test
    void recognisesAJoinedHeadWithoutTheRest() {
        byte[] p = MessageCodec.encode(new ServerMessage.Joined(null, ROOM, List.of(NICK), 0));
        assertThat(Inbound.typeStartsWith(at(0, p), 0, (byte) 'j')).isTrue();
        assertThat(Inbound.typeStartsWith(at(0, p), 0, (byte) 'm')).isFalse();
    }

    @Test
    void sayFrameIsAValidSayWithStampAndId() throws Exception {
        SayFrame f = new SayFrame(ROOM, 42, 100);
        ByteBuffer frame = f.fill(1234567890123L, 77);
        byte[] all = new byte[frame.remaining()];
        frame.get(all);
        assertThat(ByteBuffer.wrap(all).getInt()).isEqualTo(all.length - 4);
        byte[] payload = java.util.Arrays.copyOfRange(all, 4, all.length);
        ClientMessage.Say say = (ClientMessage.Say) MessageCodec.decodeClient(payload);
        assertThat(say.room()).isEqualTo(ROOM);
        assertThat(say.id()).isEqualTo("0000000077");
        assertThat(say.text()).hasSize(100).startsWith("b0000001234567890123000042x");
    }

    private static int kind(ServerMessage m) {
        byte[] p = MessageCodec.encode(m);
        return Inbound.classify(at(3, p), 3, p.length);
    }
}
