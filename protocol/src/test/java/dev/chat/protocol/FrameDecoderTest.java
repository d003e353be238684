package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final int MAX = Frames.DEFAULT_MAX_FRAME;

    private static byte[] frame(String json) {
        return Frames.frame(json.getBytes(UTF_8));
    }

    private static List<String> texts(List<byte[]> payloads) {
        return payloads.stream().map(p -> new String(p, UTF_8)).toList();
    }

    @Test
    void manyFramesInOneChunkAreDeliveredInOrder() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String json = "{\"type\":\"ping\",\"id\":" + i + "}";
            sent.add(json);
            stream.write(frame(json));
        }
        List<byte[]> got = new ArrayList<>();
        new FrameDecoder(MAX).feed(stream.toByteArray(), got::add);
        assertThat(texts(got)).containsExactlyElementsOf(sent);
    }

    @Test
    void headerSplitAnywhereIsReassembled() throws Exception {
        byte[] f = frame("{\"type\":\"pong\"}");
        for (int a = 1; a < Frames.HEADER_LENGTH; a++) {
            for (int b = a; b <= Frames.HEADER_LENGTH + 2; b++) {
                FrameDecoder d = new FrameDecoder(MAX);
                List<byte[]> got = new ArrayList<>();
                d.feed(f, 0, a, got::add);
                assertThat(d.inFrame()).isTrue();
                assertThat(d.bufferedBytes()).isEqualTo(a);
                d.feed(f, a, b - a, got::add);
                assertThat(got).as("split at %d and %d", a, b).isEmpty();
                d.feed(f, b, f.length - b, got::add);
                assertThat(texts(got)).containsExactly("{\"type\":\"pong\"}");
                assertThat(d.inFrame()).isFalse();
                assertThat(d.bufferedBytes()).isZero();
            }
        }
    }

    @Test
    void aChunkMayEndOneFrameAndStartTheNext() throws Exception {
        byte[] a = frame("{\"type\":\"ping\",\"id\":1}");
        byte[] b = frame("{\"type\":\"ping\",\"id\":2}");
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        FrameDecoder d = new FrameDecoder(MAX);
        List<byte[]> got = new ArrayList<>();
        d.feed(both, 0, a.length + 2, got::add);
        assertThat(got).hasSize(1);
        assertThat(d.bufferedBytes()).isEqualTo(2);
        d.feed(both, a.length + 2, b.length - 2, got::add);
        assertThat(texts(got)).containsExactly("{\"type\":\"ping\",\"id\":1}", "{\"type\":\"ping\",\"id\":2}");
    }

    @Test
    void declaredLengthIsRefusedAfterFourBytesWithoutAllocatingIt() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // 2^31, and 2^31 - 16 (which a careless decoder could really allocate: 2 GiB)
        for (long declared : new long[] {1L << 31, (1L << 31) - 16}) {
            FrameDecoder d = new FrameDecoder(64 * 1024);
            byte[] header = new byte[4];
            Frames.writeHeader(header, 0, (int) declared);
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> d.feed(header, p -> fail("no frame")))
                    .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                        assertThat(e.declaredLength()).isEqualTo(declared);
                        assertThat(e.limit()).isEqualTo(64 * 1024);
                        assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
                        assertThat(e.fatal()).isTrue();
                    });
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated while refusing %d", declared).isLessThan(64 * 1024);
        }
    }

    @Test
    void aLengthOneAboveTheLimitIsRefusedAndTheLimitItselfIsAccepted() throws Exception {
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) ' ');
        List<byte[]> got = new ArrayList<>();
        new FrameDecoder(100).feed(Frames.frame(payload), got::add);
        assertThat(got).hasSize(1);
        assertThatThrownBy(() -> new FrameDecoder(99).feed(Frames.frame(payload), got::add))
                .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                    assertThat(e.declaredLength()).isEqualTo(100);
                    assertThat(e.getMessage()).contains("100").contains("99");
                });
    }

    @Test
    void aZeroLengthIsRefused() {
        assertThatThrownBy(() -> new FrameDecoder(MAX).feed(new byte[4], p -> fail("no frame")))
                .isInstanceOfSatisfying(FrameTooLargeException.class,
                        e -> assertThat(e.declaredLength()).isZero());
    }

    @Test
    void framesBeforeABadHeaderInTheSameChunkAreStillDelivered() {
        byte[] good = frame("{\"type\":\"ping\"}");
        byte[] stream = Arrays.copyOf(good, good.length + 4);
        stream[good.length] = (byte) 0xFF;
        List<byte[]> got = new ArrayList<>();
        assertThatThrownBy(() -> new FrameDecoder(MAX).feed(stream, got::add))
                .isInstanceOf(FrameTooLargeException.class);
        assertThat(texts(got)).containsExactly("{\"type\":\"ping\"}");
    }

    @Test
    void theDecoderRefusesInputAfterItFailed() {
        FrameDecoder d = new FrameDecoder(MAX);
        assertThatThrownBy(() -> d.feed(new byte[] {0x7F, 0, 0, 0}, p -> fail("no frame")))
                .isInstanceOf(FrameTooLargeException.class);
        assertThatThrownBy(() -> d.feed(frame("{\"type\":\"ping\"}"), p -> fail("no frame")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> d.feed(new byte[0], p -> fail("no frame")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPartialPayloadIsHeldUntilItCompletes() throws Exception {
        byte[] f = frame("{\"type\":\"ping\"}");
        FrameDecoder d = new FrameDecoder(MAX);
        List<byte[]> got = new ArrayList<>();
        d.feed(f, 0, 10, got::add);
        assertThat(got).isEmpty();
        assertThat(d.inFrame()).isTrue();
        assertThat(d.bufferedBytes()).isEqualTo(10);
        d.feed(f, 10, f.length - 10, got::add);
        assertThat(texts(got)).containsExactly("{\"type\":\"ping\"}");
    }

    @Test
    void eachDeliveredPayloadIsANewArrayTheReceiverMayKeep() throws Exception {
        List<byte[]> got = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(MAX);
        d.feed(frame("{\"a\":1}"), got::add);
        d.feed(frame("{\"b\":2}"), got::add);
        assertThat(texts(got)).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> new FrameDecoder(0)).isInstanceOf(IllegalArgumentException.class);
        FrameDecoder d = new FrameDecoder(MAX);
        assertThatThrownBy(() -> d.feed(new byte[4], 2, 3, p -> { }))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(d.maxFrame()).isEqualTo(MAX);
    }
}
