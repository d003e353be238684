package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static ClientMessage client(String json) throws ProtocolException {
        return MessageCodec.decodeClient(json.getBytes(UTF_8));
    }

    private static String code(String json) {
        try {
            client(json);
            return "accepted";
        } catch (ProtocolException e) {
            return e.code();
        }
    }

    @Test
    void sayIsDecodedWithNormalisedRoomAndId() throws Exception {
        ClientMessage m = client("{\"type\":\"say\",\"id\":7,\"room\":\"#Ops\",\"text\":\"hi\",\"extra\":1}");
        assertThat(m).isEqualTo(new Say(7L, "ops", "hi"));
    }

    @Test
    void errorCodesFollowTheContract() {
        assertThat(code("{\"type\":\"say\"} x")).isEqualTo(ErrorCode.BAD_JSON);
        assertThat(code("[1,2]")).isEqualTo(ErrorCode.BAD_JSON);
        assertThat(code("   ")).isEqualTo(ErrorCode.BAD_JSON);
        assertThat(code("{\"type\":5}")).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(code("{\"type\":\"dance\"}")).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(code("{\"type\":\"join\"}")).isEqualTo(ErrorCode.INVALID);
        assertThat(code("{\"type\":\"join\",\"room\":\"a b\"}")).isEqualTo(ErrorCode.INVALID);
        assertThat(code("{\"type\":\"history\",\"room\":\"a\",\"limit\":501}")).isEqualTo(ErrorCode.INVALID);
        assertThat(code("{\"type\":\"ping\",\"id\":1.5}")).isEqualTo(ErrorCode.INVALID);
        assertThat(code("{\"type\":\"ping\"}  \n")).isEqualTo("accepted");
    }

    @Test
    void invalidUtf8IsBadJson() {
        byte[] bad = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'};
        assertThatThrownBy(() -> MessageCodec.decodeClient(bad))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo("bad_json"));
    }

    @Test
    void historyDefaultsToFifty() throws Exception {
        assertThat(client("{\"type\":\"history\",\"room\":\"x\"}")).isEqualTo(new History(null, "x", null, 50));
    }

    @Test
    void frameRoundTripThroughDecoder() throws Exception {
        ChatMessage msg = ChatMessage.inRoom("ops", "alice", "hello ☃", 1700000000000L, 3);
        byte[] frame = MessageCodec.encodeFrame(msg);
        List<byte[]> out = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(65536);
        for (byte b : frame) {
            d.feed(new byte[] {b}, out::add);
        }
        assertThat(out).hasSize(1);
        assertThat(MessageCodec.decodeServer(out.get(0))).isEqualTo(msg);
    }
}
