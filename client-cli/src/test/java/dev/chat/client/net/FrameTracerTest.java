package dev.chat.client.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTracerTest {

    @Test
    void sentFrameShowsDirectionTransportHeaderInHexAndJson() {
        List<String> lines = new ArrayList<>();
        FrameTracer t = new FrameTracer(lines::add);
        byte[] frame = MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "alice"));
        t.sent(frame);
        String json = "{\"type\":\"hello\",\"id\":1,\"nick\":\"alice\"}";
        assertThat(frame.length - 4).isEqualTo(json.length()).isEqualTo(0x26);
        assertThat(lines).containsExactly(">> tcp 00 00 00 26 " + json);
    }

    @Test
    void receivedPayloadShowsTheHeaderItCameWith() {
        List<String> lines = new ArrayList<>();
        FrameTracer t = new FrameTracer(lines::add);
        byte[] payload = "{\"type\":\"ok\",\"id\":7}".getBytes(StandardCharsets.UTF_8);
        t.received(payload);
        assertThat(lines).containsExactly("<< tcp 00 00 00 14 {\"type\":\"ok\",\"id\":7}");
    }

    @Test
    void lengthIsInBytesNotCharacters() {
        List<String> lines = new ArrayList<>();
        byte[] payload = "{\"t\":\"é\"}".getBytes(StandardCharsets.UTF_8); // 10 bytes, 9 chars
        new FrameTracer(lines::add).received(payload);
        assertThat(lines.get(0)).startsWith("<< tcp 00 00 00 0a ");
    }

    @Test
    void rawControlCharactersFromTheWireAreMadeVisible() {
        List<String> lines = new ArrayList<>();
        new FrameTracer(lines::add).received("{\"x\":\"\u001b[2J\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(lines.get(0)).doesNotContain("\u001b").contains("^[[2J");
    }

    @Test
    void datagramsNameTheirPeer() {
        List<String> lines = new ArrayList<>();
        FrameTracer t = new FrameTracer(lines::add);
        byte[] frame = MessageCodec.encodeFrame(new ClientMessage.ListRooms(null));
        t.sentDatagram(frame, "127.0.0.1:7421");
        t.receivedDatagram(new byte[] {0, 0, 0, 9, '{', '}'}, 6, "127.0.0.1:9");
        assertThat(lines.get(0)).isEqualTo(">> udp 00 00 00 10 {\"type\":\"rooms\"} to 127.0.0.1:7421");
        // a datagram is shown with the header it actually carried, even when it lies
        assertThat(lines.get(1)).isEqualTo("<< udp 00 00 00 09 {} from 127.0.0.1:9");
    }

    @Test
    void offPrintsNothing() {
        assertThat(FrameTracer.OFF.enabled()).isFalse();
        FrameTracer.OFF.received(new byte[] {'{', '}'});
    }
}
