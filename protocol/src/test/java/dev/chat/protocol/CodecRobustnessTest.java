package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.statistics.StatisticsReport.StatisticsReportMode;

/**
 * Whatever a peer sends, the codec answers with a {@link ProtocolException} carrying a contract
 * code, or a message; never another exception. Inputs are random bytes, mutated valid payloads
 * and random JSON objects built from the protocol's own type and field names, so that the
 * generator reaches every field parser, not only the UTF-8 check.
 */
class CodecRobustnessTest {

    private static final Set<String> PAYLOAD_CODES = Set.of(ErrorCode.BAD_JSON, ErrorCode.UNKNOWN_TYPE,
            ErrorCode.INVALID);
    private static final List<String> TYPES = List.of("hello", "join", "part", "say", "dm", "nick", "rooms", "who",
            "history", "peers", "ping", "pong", "quit", "welcome", "joined", "parted", "ok", "message", "member",
            "presence", "bye", "error", "beacon", "dance", "");
    private static final List<String> FIELDS = List.of("id", "nick", "room", "text", "to", "after_seq", "limit",
            "reason", "role", "status", "seq", "ts", "interval_ms", "name", "node", "tcp_port", "members", "rooms",
            "messages", "peers", "code", "message", "from", "event", "old", "address", "last_seen_ms", "loss",
            "jitter_ms", "server", "protocol", "heartbeat_ms", "max_frame", "last_seq", "type");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void randomStreamsInRandomChunksOnlyEverRaiseProtocolExceptions(
            @ForAll("streams") byte[] stream, @ForAll("chunkSizes") List<Integer> chunks,
            @ForAll("limits") int maxFrame) {
        FrameDecoder d = new FrameDecoder(maxFrame);
        int pos = 0;
        for (int i = 0; pos < stream.length; i++) {
            int n = Math.min(chunks.get(i % chunks.size()), stream.length - pos);
            try {
                d.feed(stream, pos, n, CodecRobustnessTest::decodeEveryWay);
            } catch (FrameTooLargeException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
                assertThat(e.fatal()).isTrue();
                assertThat(e.declaredLength() == 0 || e.declaredLength() > maxFrame).isTrue();
                // the connection is closed: the decoder takes nothing more
                assertThatThrownBy(() -> d.feed(stream, 0, 0, p -> { })).isInstanceOf(IllegalStateException.class);
                return;
            }
            pos += n;
        }
    }

    @Property(tries = 1200)
    @StatisticsReport(StatisticsReportMode.OFF)
    void randomPayloadsOnlyEverRaiseProtocolExceptions(@ForAll("payloads") byte[] payload) {
        String outcome = decodeEveryWay(payload);
        // the generator must reach every stage of decoding, not stop at the UTF-8 check
        Statistics.label("client outcome").collect(outcome);
        Statistics.label("client outcome").coverage(c -> {
            for (String o : List.of("decoded", ErrorCode.BAD_JSON, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID)) {
                c.check(o).percentage(pct -> pct > 2);
            }
        });
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void randomDatagramsOnlyEverRaiseProtocolExceptions(@ForAll("streams") byte[] datagram) {
        try {
            decodeEveryWay(Frames.datagramPayload(datagram, datagram.length));
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /**
     * Decodes as a server, a client and a UDP listener would. A decoded message must encode
     * and decode to itself again, so whatever the codec accepts it can also forward.
     */
    private static String decodeEveryWay(byte[] payload) {
        String outcome = "decoded";
        try {
            ClientMessage m = MessageCodec.decodeClient(payload);
            assertThat(MessageCodec.decodeClient(MessageCodec.encode(m))).isEqualTo(m);
        } catch (ProtocolException e) {
            checkError(e);
            outcome = e.code();
        }
        try {
            ServerMessage m = MessageCodec.decodeServer(payload);
            assertThat(MessageCodec.decodeServer(MessageCodec.encode(m))).isEqualTo(m);
        } catch (ProtocolException e) {
            checkError(e);
        }
        try {
            Beacon m = MessageCodec.decodeBeacon(payload);
            assertThat(MessageCodec.decodeBeacon(MessageCodec.encode(m))).isEqualTo(m);
        } catch (ProtocolException e) {
            checkError(e);
        }
        return outcome;
    }

    private static void checkError(ProtocolException e) {
        assertThat(e.code()).isIn(PAYLOAD_CODES);
        assertThat(e.fatal()).isFalse();
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.requestId()).satisfiesAnyOf(
                id -> assertThat(id).isNull(),
                id -> assertThat(id).isInstanceOf(Long.class),
                id -> assertThat(id).isInstanceOfSatisfying(String.class,
                        s -> assertThat(s.codePointCount(0, s.length())).isLessThanOrEqualTo(64)));
        // the error frame a server would send back must itself be encodable and valid UTF-8
        assertThat(Utf8.isValid(MessageCodec.encode(ServerMessage.Error.of(e)))).isTrue();
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(2, validPayloads()),
                Tuple.of(4, mutated(validPayloads())),
                Tuple.of(5, jsonObjects()),
                Tuple.of(2, mutated(jsonObjects())));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> segment = Arbitraries.frequencyOf(
                Tuple.of(4, ProtocolArbitraries.anyMessage().map(MessageCodec::encodeFrame)),
                Tuple.of(4, payloads().map(Frames::frame)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(12)),
                Tuple.of(1, Arbitraries.integers().between(0, 70_000).map(n -> {
                    byte[] h = new byte[4];
                    Frames.writeHeader(h, 0, n);
                    return h;
                })));
        return segment.list().ofMinSize(1).ofMaxSize(6).map(parts -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return ProtocolArbitraries.chunkSizes();
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.of(1, 16, 100, 1200, Frames.DEFAULT_MAX_FRAME);
    }

    private static Arbitrary<byte[]> validPayloads() {
        return ProtocolArbitraries.anyMessage().map(MessageCodec::encode);
    }

    /** Flips, deletes, inserts, truncates or duplicates bytes, or plants JSON punctuation. */
    private static Arbitrary<byte[]> mutated(Arbitrary<byte[]> base) {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        Arbitrary<Byte> value = Arbitraries.oneOf(List.of(Arbitraries.bytes(),
                Arbitraries.of((byte) '"', (byte) '\\', (byte) '{', (byte) '}', (byte) '[', (byte) ',', (byte) ':',
                        (byte) 0xC0, (byte) 0xED, (byte) 0xF4, (byte) 0x80, (byte) 0)));
        return Combinators.combine(base, Arbitraries.integers().between(0, 5), position, value,
                Arbitraries.integers().between(1, 3)).as((p, kind, at, v, times) -> {
            byte[] b = p;
            for (int t = 0; t < times && b.length > 0; t++) {
                b = mutate(b, kind, Math.floorMod(at * 31 + t * 7, b.length), v);
            }
            return b;
        });
    }

    private static byte[] mutate(byte[] b, int kind, int at, byte v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (kind) {
            case 0 -> { // overwrite
                byte[] c = b.clone();
                c[at] = v;
                return c;
            }
            case 1 -> { // delete
                out.write(b, 0, at);
                out.write(b, at + 1, b.length - at - 1);
            }
            case 2 -> { // insert
                out.write(b, 0, at);
                out.write(v);
                out.write(b, at, b.length - at);
            }
            case 3 -> out.write(b, 0, at); // truncate
            case 4 -> { // duplicate the tail
                out.writeBytes(b);
                out.write(b, at, b.length - at);
            }
            default -> { // flip one bit
                byte[] c = b.clone();
                c[at] ^= (byte) (1 << (v & 7));
                return c;
            }
        }
        return out.toByteArray();
    }

    /** JSON objects with a protocol type and protocol field names holding values of any JSON type. */
    private static Arbitrary<byte[]> jsonObjects() {
        Arbitrary<JsonNode> type = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(TYPES).map(t -> (JsonNode) JsonNodeFactory.instance.textNode(t))),
                Tuple.of(1, values(1)));
        Arbitrary<List<Tuple.Tuple2<String, JsonNode>>> fields =
                Combinators.combine(Arbitraries.of(FIELDS), values(3)).as(Tuple::of).list().ofMaxSize(8);
        Arbitrary<String> role = Arbitraries.of("client", "server", "relay");
        return Combinators.combine(type, fields, role, Arbitraries.of(true, false)).as((t, fs, r, withRole) -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.set("type", t);
            if (withRole) {
                o.put("role", r);
            }
            fs.forEach(f -> o.set(f.get1(), f.get2()));
            try {
                return JSON.writeValueAsBytes(o);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** JSON values, nested up to {@code depth}, biased towards what the fields expect. */
    private static Arbitrary<JsonNode> values(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(List.of(
                ProtocolArbitraries.nicks().map(f::textNode),
                ProtocolArbitraries.unicode(0, 70).map(f::textNode),
                Arbitraries.of("online", "away", "offline", "client", "server", "#Ops", "", "join", "nick")
                        .map(f::textNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.integers().between(-2, 70_000).map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, 1e300, -0.0, 0.5).map(f::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(63), BigInteger.TWO.pow(80)).map(f::numberNode),
                Arbitraries.of("1e400", "-1E+999", "1.0", "-0", "0e0", "123456789012345678901234567890", "2.5e-400")
                        .map(raw -> f.rawValueNode(new RawValue(raw))),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.just(f.nullNode())));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = values(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode a = f.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(Arbitraries.of(FIELDS), values(depth - 1)).as(Tuple::of)
                .list().ofMaxSize(7).map(items -> {
                    ObjectNode o = f.objectNode();
                    o.put("type", "message");
                    items.forEach(t -> o.set(t.get1(), t.get2()));
                    return o;
                });
        return Arbitraries.frequencyOf(Tuple.of(6, scalar), Tuple.of(2, array), Tuple.of(2, object));
    }
}
