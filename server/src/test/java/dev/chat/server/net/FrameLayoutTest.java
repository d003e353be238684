package dev.chat.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The server's WebSocket text frames ({@link FrameLayout#WEBSOCKET_TEXT}), read back by Netty's
 * own client-side decoder at every length class of RFC 6455 (7-bit, 16-bit, 64-bit) and at their
 * edges; and the framed layout, which is the frame as given.
 */
class FrameLayoutTest {

    private static byte[] framed(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    @Test
    void aWebSocketTextFrameOfEveryLengthClassIsReadBackWhole() {
        int[] lengths = {0, 1, 125, 126, 127, 1000, 0xFFFF, 0x10000, 70_000};
        ByteBuf wire = Unpooled.buffer();
        for (int n : lengths) {
            byte[] frame = framed(payload(n));
            int before = wire.writerIndex();
            FrameLayout.WEBSOCKET_TEXT.write(wire, frame);
            assertThat(wire.writerIndex() - before).as("size of %d", n).isEqualTo(FrameLayout.WEBSOCKET_TEXT.size(frame));
            assertThat(wire.getByte(before)).as("FIN + text, no extension bits").isEqualTo((byte) 0x81);
            assertThat(wire.getByte(before + 1) & 0x80).as("unmasked").isZero();
        }
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        client.writeInbound(wire);
        for (int n : lengths) {
            TextWebSocketFrame f = client.readInbound();
            assertThat(f).as("frame of %d", n).isNotNull();
            assertThat(f.isFinalFragment()).isTrue();
            assertThat(f.rsv()).isZero();
            assertThat(f.text()).isEqualTo(new String(payload(n), StandardCharsets.US_ASCII));
            f.release();
        }
        assertThat((Object) client.readInbound()).isNull();
        client.finishAndReleaseAll();
    }

    @Test
    void multiByteTextKeepsItsByteLength() {
        byte[] json = "{\"text\":\"é😀€\"}".getBytes(StandardCharsets.UTF_8);
        ByteBuf wire = Unpooled.buffer();
        FrameLayout.WEBSOCKET_TEXT.write(wire, framed(json));
        assertThat(wire.getByte(1)).isEqualTo((byte) json.length);
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        client.writeInbound(wire);
        TextWebSocketFrame f = client.readInbound();
        assertThat(f.text()).isEqualTo("{\"text\":\"é😀€\"}");
        f.release();
        client.finishAndReleaseAll();
    }

    @Test
    void theFramedLayoutIsTheFrameAsGiven() {
        byte[] frame = framed(payload(300));
        ByteBuf wire = Unpooled.buffer();
        FrameLayout.FRAMED.write(wire, frame);
        assertThat(FrameLayout.FRAMED.size(frame)).isEqualTo(frame.length);
        byte[] out = new byte[wire.readableBytes()];
        wire.readBytes(out);
        assertThat(out).isEqualTo(frame);
    }
}
