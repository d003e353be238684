package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every vector in {@code src/test/resources/vectors} (format: the README there) through
 * {@link FrameDecoder} and {@link MessageCodec}: whole, byte by byte, and split in two at every
 * offset. Each vector is followed in the same stream by a {@code ping} frame, which must still
 * decode after every error that keeps the connection open.
 */
class CodecVectorTest {

    private static final byte[] PING_FRAME = MessageCodec.encodeFrame(new Ping(null));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One parsed vector file. */
    record Vector(String name, String decoder, String expect, Object id, String canonical, int maxFrame,
                  byte[] bytes) {

        boolean fatal() {
            return expect.equals("error " + ErrorCode.FRAME_TOO_LARGE);
        }

        String errorCode() {
            return expect.startsWith("error ") ? expect.substring(6) : null;
        }

        byte[] payload() {
            return Arrays.copyOfRange(bytes, Frames.HEADER_LENGTH, bytes.length);
        }
    }

    /** What came out of the decoder for one frame: a message or the exception. */
    private record Outcome(Message message, ProtocolException error) {
    }

    @TestFactory
    Stream<DynamicTest> everyVectorDecodesAsExpectedWhateverTheChunking() throws IOException {
        List<Vector> vectors = loadAll();
        return vectors.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> check(v)));
    }

    @Test
    void vectorsCoverEveryMessageTypeAndEveryDecodingErrorCode() throws IOException {
        List<Vector> vectors = loadAll();
        List<String> clientTypes = List.of("hello", "join", "part", "say", "dm", "nick", "rooms", "who", "history",
                "peers", "ping", "pong", "quit");
        List<String> serverTypes = List.of("welcome", "joined", "parted", "ok", "rooms", "who", "history", "peers",
                "message", "member", "presence", "bye", "error", "ping", "pong", "topic");
        for (String t : clientTypes) {
            assertThat(has(vectors, v -> v.decoder().equals("client") && v.expect().equals(t)))
                    .as("a valid client '%s' vector", t).isTrue();
        }
        for (String t : serverTypes) {
            assertThat(has(vectors, v -> v.decoder().equals("server") && v.expect().equals(t)))
                    .as("a valid server '%s' vector", t).isTrue();
        }
        for (String role : List.of("client", "server")) {
            assertThat(has(vectors, v -> v.expect().equals("beacon")
                    && new String(v.payload(), UTF_8).contains("\"role\":\"" + role + "\"")))
                    .as("a valid %s beacon vector", role).isTrue();
        }
        for (String code : List.of(ErrorCode.FRAME_TOO_LARGE, ErrorCode.BAD_JSON, ErrorCode.UNKNOWN_TYPE,
                ErrorCode.INVALID)) {
            assertThat(has(vectors, v -> code.equals(v.errorCode()))).as("a vector for %s", code).isTrue();
        }
    }

    private static boolean has(List<Vector> vectors, Predicate<Vector> p) {
        return vectors.stream().anyMatch(p);
    }

    private static void check(Vector v) throws Exception {
        if (v.fatal()) {
            checkFatal(v);
            return;
        }
        byte[] stream = concat(v.bytes(), PING_FRAME);
        checkStream(v, stream, new int[0], "whole");
        checkStream(v, stream, everyOffset(stream.length), "byte by byte");
        for (int at = 1; at < v.bytes().length + 1; at++) {
            checkStream(v, stream, new int[] {at}, "split at " + at);
        }
        if (v.decoder().equals("beacon")) {
            byte[] datagram = v.bytes();
            expectOutcome(v, decodeDatagram(datagram), "as a datagram", true);
        }
    }

    /** A frame-level failure: thrown once the 4 header bytes are in, and the decoder stays failed. */
    private static void checkFatal(Vector v) {
        for (int at = 0; at <= v.bytes().length; at++) {
            FrameDecoder d = new FrameDecoder(v.maxFrame());
            List<byte[]> frames = new ArrayList<>();
            byte[] first = Arrays.copyOfRange(v.bytes(), 0, at);
            byte[] rest = Arrays.copyOfRange(v.bytes(), at, v.bytes().length);
            FrameTooLargeException thrown = null;
            try {
                d.feed(first, frames::add);
                d.feed(rest, frames::add);
            } catch (FrameTooLargeException e) {
                thrown = e;
            }
            assertThat(thrown).as("%s split at %d: frame_too_large", v.name(), at).isNotNull();
            assertThat(thrown.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(thrown.fatal()).isTrue();
            assertThat(thrown.declaredLength()).isEqualTo(Frames.readHeader(v.bytes(), 0));
            assertThat(frames).isEmpty();
            assertThatThrownBy(() -> d.feed(PING_FRAME, frames::add)).isInstanceOf(IllegalStateException.class);
        }
        // byte by byte: the failure comes with the 4th byte, not later
        FrameDecoder d = new FrameDecoder(v.maxFrame());
        for (int i = 0; i < Frames.HEADER_LENGTH - 1; i++) {
            feedUnchecked(d, new byte[] {v.bytes()[i]});
        }
        assertThatThrownBy(() -> d.feed(new byte[] {v.bytes()[3]}, p -> fail("no frame expected")))
                .isInstanceOf(FrameTooLargeException.class);
    }

    private static void checkStream(Vector v, byte[] stream, int[] splits, String how) {
        FrameDecoder d = new FrameDecoder(v.maxFrame());
        List<Outcome> outcomes = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= splits.length; i++) {
            int to = i < splits.length ? splits[i] : stream.length;
            feedUnchecked(d, stream, from, to - from, p -> {
                if (outcomes.isEmpty()) {
                    assertThat(p).as("%s (%s): payload", v.name(), how).isEqualTo(v.payload());
                }
                outcomes.add(decode(v.decoder(), p));
            });
            from = to;
        }
        assertThat(outcomes).as("%s (%s): the vector's frame and the ping after it", v.name(), how).hasSize(2);
        assertThat(d.inFrame()).isFalse();
        expectOutcome(v, outcomes.get(0), how, how.equals("whole"));
        Outcome next = outcomes.get(1);
        if (v.decoder().equals("beacon")) {
            assertThat(next.error()).as("ping is not a beacon").isNotNull();
        } else {
            assertThat(next.message()).as("%s (%s): the next frame still decodes", v.name(), how)
                    .isEqualTo(new Ping(null));
        }
    }

    /** @param reencode also check the encoder's output (once per vector is enough: it is a pure function) */
    private static void expectOutcome(Vector v, Outcome o, String how, boolean reencode) {
        String what = v.name() + " (" + how + ")";
        if (v.errorCode() != null) {
            assertThat(o.error()).as("%s: expected %s, got %s", what, v.expect(), o.message()).isNotNull();
            assertThat(o.error().code()).as("%s: %s", what, o.error().getMessage()).isEqualTo(v.errorCode());
            assertThat(o.error().fatal()).as(what).isFalse();
            assertThat(o.error().requestId()).as("%s: id of the error", what).isEqualTo(v.id());
            assertThat(o.error().getMessage()).as(what).isNotBlank();
            return;
        }
        assertThat(o.error()).as("%s: unexpected error %s", what, o.error() == null ? "" : o.error().getMessage())
                .isNull();
        Message m = o.message();
        assertThat(m.type()).as(what).isEqualTo(v.expect());
        assertThat(m.id()).as("%s: id", what).isEqualTo(v.id());
        if (reencode && v.canonical() != null) {
            byte[] expected = v.canonical().equals("same") ? v.payload() : v.canonical().getBytes(UTF_8);
            assertSameBytes(what + ": re-encoded", expected, MessageCodec.encode(m));
        }
    }

    /** Like isEqualTo, but a failure shows where the two differ instead of 16 KB of text. */
    private static void assertSameBytes(String what, byte[] expected, byte[] actual) {
        int at = Arrays.mismatch(expected, actual);
        if (at >= 0) {
            fail("%s: differs at byte %d of %d (got %d bytes)%n expected ...%s...%n      got ...%s...", what, at,
                    expected.length, actual.length, window(expected, at), window(actual, at));
        }
    }

    private static String window(byte[] b, int at) {
        int from = Math.max(0, at - 40);
        return new String(b, from, Math.min(b.length, at + 40) - from, UTF_8);
    }

    private static Outcome decode(String decoder, byte[] payload) {
        try {
            return new Outcome(switch (decoder) {
                case "client" -> MessageCodec.decodeClient(payload);
                case "server" -> MessageCodec.decodeServer(payload);
                case "beacon" -> MessageCodec.decodeBeacon(payload);
                default -> throw new IllegalArgumentException("unknown decoder " + decoder);
            }, null);
        } catch (ProtocolException e) {
            return new Outcome(null, e);
        }
    }

    private static Outcome decodeDatagram(byte[] datagram) {
        try {
            return decode("beacon", Frames.datagramPayload(datagram, datagram.length));
        } catch (ProtocolException e) {
            return new Outcome(null, e);
        }
    }

    private static void feedUnchecked(FrameDecoder d, byte[] chunk) {
        feedUnchecked(d, chunk, p -> fail("no frame expected"));
    }

    private static void feedUnchecked(FrameDecoder d, byte[] chunk, FrameDecoder.FrameSink sink) {
        feedUnchecked(d, chunk, 0, chunk.length, sink);
    }

    private static void feedUnchecked(FrameDecoder d, byte[] data, int off, int len, FrameDecoder.FrameSink sink) {
        try {
            d.feed(data, off, len, sink);
        } catch (FrameTooLargeException e) {
            throw new AssertionError("unexpected " + e.getMessage(), e);
        }
    }

    private static int[] everyOffset(int length) {
        int[] at = new int[Math.max(0, length - 1)];
        for (int i = 0; i < at.length; i++) {
            at[i] = i + 1;
        }
        return at;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static List<Vector> loadAll() throws IOException {
        Path dir;
        try {
            dir = Paths.get(Objects.requireNonNull(CodecVectorTest.class.getResource("/vectors")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Vector> vectors = files.filter(p -> p.getFileName().toString().endsWith(".hex")).sorted()
                    .map(CodecVectorTest::parse).toList();
            assertThat(vectors).isNotEmpty();
            return vectors;
        }
    }

    static Vector load(String name) throws IOException {
        return loadAll().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no vector " + name));
    }

    private static Vector parse(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.hex$", "");
        String decoder = null;
        String expect = null;
        Object id = null;
        String canonical = null;
        int maxFrame = Frames.DEFAULT_MAX_FRAME;
        StringBuilder hex = new StringBuilder();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String key = colon > 0 ? line.substring(0, colon) : "";
            String value = colon > 0 ? line.substring(colon + 1).strip() : "";
            switch (key) {
                case "decoder" -> decoder = value;
                case "expect" -> expect = value;
                case "id" -> id = idLiteral(value);
                case "canonical" -> canonical = value;
                case "max-frame" -> maxFrame = Integer.parseInt(value);
                default -> hex.append(line.replace(" ", ""));
            }
        }
        if (decoder == null || expect == null) {
            throw new IllegalStateException(file + ": 'decoder' and 'expect' are required");
        }
        return new Vector(name, decoder, expect, id, canonical, maxFrame, HexFormat.of().parseHex(hex));
    }

    private static Object idLiteral(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n.isTextual() ? n.textValue() : (Object) n.longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
