package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static byte[] payloadOf(int size) {
        byte[] p = new byte[size];
        Arrays.fill(p, (byte) ' ');
        return p;
    }

    @Test
    void theHeaderIsTheBigEndianPayloadLength() {
        byte[] f = Frames.frame("{\"type\":\"ping\"}".getBytes(UTF_8));
        assertThat(Arrays.copyOf(f, 4)).containsExactly(0, 0, 0, 15);
        byte[] h = new byte[4];
        Frames.writeHeader(h, 0, 0x01020304);
        assertThat(h).containsExactly(1, 2, 3, 4);
        assertThat(Frames.readHeader(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, 0))
                .isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void aDatagramHoldingExactlyOneFrameYieldsItsPayload() throws Exception {
        byte[] payload = "{\"type\":\"beacon\"}".getBytes(UTF_8);
        byte[] datagram = Frames.frame(payload);
        assertThat(Frames.datagramPayload(datagram, datagram.length)).isEqualTo(payload);
    }

    @Test
    void onlyTheReceivedLengthOfAReusedBufferCounts() throws Exception {
        byte[] payload = "{\"type\":\"beacon\"}".getBytes(UTF_8);
        byte[] buffer = Arrays.copyOf(Frames.frame(payload), 2048);
        assertThat(Frames.datagramPayload(buffer, payload.length + 4)).isEqualTo(payload);
    }

    @Test
    void aDatagramShorterThanItsHeaderDeclaresIsMalformed() {
        byte[] datagram = Frames.frame(payloadOf(20));
        assertThatThrownBy(() -> Frames.datagramPayload(datagram, datagram.length - 1))
                .isInstanceOf(MalformedDatagramException.class).hasMessageContaining("20");
    }

    @Test
    void aDatagramLongerThanItsHeaderDeclaresIsMalformed() {
        byte[] datagram = Arrays.copyOf(Frames.frame(payloadOf(20)), 4 + 21);
        assertThatThrownBy(() -> Frames.datagramPayload(datagram, datagram.length))
                .isInstanceOf(MalformedDatagramException.class);
    }

    @Test
    void aDatagramWithoutACompleteHeaderIsMalformed() {
        assertThatThrownBy(() -> Frames.datagramPayload(new byte[] {0, 0, 0}, 3))
                .isInstanceOf(MalformedDatagramException.class);
        assertThatThrownBy(() -> Frames.datagramPayload(new byte[0], 0))
                .isInstanceOf(MalformedDatagramException.class);
    }

    @Test
    void datagramPayloadsUpTo1200BytesAreAcceptedAndLargerOnesRefused() throws Exception {
        byte[] max = Frames.frame(payloadOf(Frames.MAX_DATAGRAM_PAYLOAD));
        assertThat(Frames.datagramPayload(max, max.length)).hasSize(1200);
        byte[] over = Frames.frame(payloadOf(Frames.MAX_DATAGRAM_PAYLOAD + 1));
        assertThatThrownBy(() -> Frames.datagramPayload(over, over.length))
                .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                    assertThat(e.declaredLength()).isEqualTo(1201);
                    assertThat(e.limit()).isEqualTo(1200);
                });
    }

    @Test
    void aDatagramDeclaringMoreThan1200BytesIsTooLargeEvenWhenShort() {
        byte[] datagram = {0, 0, 0x10, 0, '{', '}'};
        assertThatThrownBy(() -> Frames.datagramPayload(datagram, datagram.length))
                .isInstanceOf(FrameTooLargeException.class);
    }

    @Test
    void aDatagramDeclaringZeroBytesIsRefused() {
        assertThatThrownBy(() -> Frames.datagramPayload(new byte[4], 4))
                .isInstanceOfSatisfying(FrameTooLargeException.class,
                        e -> assertThat(e.declaredLength()).isZero());
    }
}
