package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.ProtocolArbitraries.Sent;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.statistics.StatisticsReport.StatisticsReportMode;

/**
 * encode, frame, cut into arbitrary chunks, decode: every message comes back equal (with its
 * room normalised), whatever its field values.
 */
class MessageRoundTripTest {

    private static final List<String> CLIENT_TYPES = List.of("hello", "join", "part", "say", "dm", "nick", "rooms",
            "who", "history", "peers", "ping", "pong", "quit", "topic", "op", "deop", "voice", "devoice", "kick", "ban",
            "unban", "mode", "invite");
    private static final List<String> SERVER_TYPES = List.of("welcome", "joined", "parted", "ok", "rooms", "who",
            "history", "peers", "message", "member", "presence", "bye", "error", "ping", "pong", "topic", "mode",
            "invited");

    @Property(tries = 700)
    @StatisticsReport(StatisticsReportMode.OFF)
    void everyClientMessageRoundTrips(@ForAll("clientMessages") Sent<ClientMessage> sent,
                                      @ForAll("chunkSizes") List<Integer> chunks) throws Exception {
        byte[] payload = throughDecoder(MessageCodec.encodeFrame(sent.message()), chunks);
        assertThat(MessageCodec.decodeClient(payload)).isEqualTo(sent.decoded());
        Statistics.label("type").collect(sent.message().type());
        Statistics.label("type").coverage(c -> CLIENT_TYPES.forEach(t -> c.check(t).count(n -> n > 0)));
    }

    @Property(tries = 700)
    @StatisticsReport(StatisticsReportMode.OFF)
    void everyServerMessageRoundTrips(@ForAll("serverMessages") ServerMessage m,
                                      @ForAll("chunkSizes") List<Integer> chunks) throws Exception {
        byte[] payload = throughDecoder(MessageCodec.encodeFrame(m), chunks);
        assertThat(MessageCodec.decodeServer(payload)).isEqualTo(m);
        Statistics.label("type").collect(m.type());
        Statistics.label("type").coverage(c -> SERVER_TYPES.forEach(t -> c.check(t).count(n -> n > 0)));
    }

    @Property(tries = 300)
    @StatisticsReport(StatisticsReportMode.OFF)
    void everyBeaconRoundTripsInADatagramWhenItFits(@ForAll("beacons") Beacon b) throws Exception {
        byte[] datagram = MessageCodec.encodeFrame(b);
        if (datagram.length - Frames.HEADER_LENGTH <= Frames.MAX_DATAGRAM_PAYLOAD) {
            assertThat(MessageCodec.decodeBeacon(Frames.datagramPayload(datagram, datagram.length))).isEqualTo(b);
        } else {
            // only a server name of many astral characters gets here: too big for one datagram
            assertThatThrownBy(() -> Frames.datagramPayload(datagram, datagram.length))
                    .isInstanceOf(FrameTooLargeException.class);
        }
        assertThat(MessageCodec.decodeBeacon(MessageCodec.encode(b))).isEqualTo(b);
        Statistics.label("role").collect(b instanceof Beacon.ClientBeacon ? "client" : "server");
        Statistics.label("role").coverage(c -> {
            c.check("client").count(n -> n > 0);
            c.check("server").count(n -> n > 0);
        });
    }

    @Property(tries = 200)
    void theHeaderAlwaysCountsThePayloadBytes(@ForAll("anyMessage") Message m) {
        byte[] frame = MessageCodec.encodeFrame(m);
        byte[] payload = MessageCodec.encode(m);
        assertThat(Frames.readHeader(frame, 0)).isEqualTo(payload.length);
        assertThat(frame).endsWith(payload);
        assertThat(Utf8.isValid(payload)).isTrue();
    }

    /** Feeds the frame in chunks of the given sizes (used in turn) and returns the one payload. */
    static byte[] throughDecoder(byte[] frame, List<Integer> chunks) throws FrameTooLargeException {
        FrameDecoder d = new FrameDecoder(Integer.MAX_VALUE);
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        for (int i = 0; pos < frame.length; i++) {
            int n = Math.min(chunks.get(i % chunks.size()), frame.length - pos);
            d.feed(frame, pos, n, out::add);
            pos += n;
        }
        assertThat(out).hasSize(1);
        assertThat(d.inFrame()).isFalse();
        return out.get(0);
    }

    @Provide
    Arbitrary<Sent<ClientMessage>> clientMessages() {
        return ProtocolArbitraries.clientMessages();
    }

    @Provide
    Arbitrary<ServerMessage> serverMessages() {
        return ProtocolArbitraries.serverMessages();
    }

    @Provide
    Arbitrary<Beacon> beacons() {
        return ProtocolArbitraries.beacons();
    }

    @Provide
    Arbitrary<Message> anyMessage() {
        return ProtocolArbitraries.anyMessage();
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return ProtocolArbitraries.chunkSizes();
    }
}
