package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.ListPeers;
import dev.chat.protocol.ClientMessage.ListRooms;
import dev.chat.protocol.ClientMessage.Nick;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Quit;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.ServerMessage.Bye;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.HistoryReply;
import dev.chat.protocol.ServerMessage.Joined;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.protocol.ServerMessage.Ok;
import dev.chat.protocol.ServerMessage.Parted;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.protocol.ServerMessage.PeerList;
import dev.chat.protocol.ServerMessage.Presence;
import dev.chat.protocol.ServerMessage.RoomInfo;
import dev.chat.protocol.ServerMessage.RoomList;
import dev.chat.protocol.ServerMessage.Welcome;
import dev.chat.protocol.ServerMessage.WhoReply;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns payload bytes into typed messages and back. This is the one place where bytes meet
 * messages: decoding checks, in order, UTF-8 ({@code bad_json}), JSON syntax and a single object
 * with nothing after it ({@code bad_json}), a known string {@code type} ({@code unknown_type}),
 * then the fields of that type ({@code invalid}, naming the field). Unknown fields are ignored.
 *
 * <p>Which types are known depends on the direction: {@code rooms}, {@code who},
 * {@code history} and {@code peers} are requests from a client and replies from a server, so
 * servers call {@link #decodeClient}, clients {@link #decodeServer}, and UDP listeners
 * {@link #decodeBeacon}. All methods are thread-safe.
 */
public final class MessageCodec {

    @FunctionalInterface
    private interface Parser<T> {
        T parse(JsonFields f) throws InvalidMessageException;
    }

    // Astral characters go out as 4 UTF-8 bytes, not as a 12-byte pair of escaped surrogates.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int MAX_ID_LENGTH = 64;

    private static final Map<String, Parser<ClientMessage>> CLIENT = Map.ofEntries(
            Map.entry(Hello.TYPE, f -> new Hello(f.id(), f.nick("nick"), f.optionalPassword("password"))),
            Map.entry(ClientMessage.Register.TYPE, f -> new ClientMessage.Register(f.id(), f.nick("nick"),
                    f.password("password"))),
            Map.entry(ClientMessage.Login.TYPE, f -> new ClientMessage.Login(f.id(), f.nick("nick"),
                    f.password("password"))),
            Map.entry(ClientMessage.Password.TYPE, f -> new ClientMessage.Password(f.id(), f.password("old"),
                    f.password("new"))),
            Map.entry(ClientMessage.Unregister.TYPE, f -> new ClientMessage.Unregister(f.id(), f.password("password"))),
            Map.entry(Join.TYPE, f -> new Join(f.id(), f.room("room"))),
            Map.entry(Part.TYPE, f -> new Part(f.id(), f.room("room"), f.optionalReason("reason"))),
            Map.entry(Say.TYPE, f -> new Say(f.id(), f.room("room"), f.text("text"), f.optionalFlag("action"))),
            Map.entry(Dm.TYPE, f -> new Dm(f.id(), f.nick("to"), f.text("text"), f.optionalFlag("action"))),
            Map.entry(Nick.TYPE, f -> new Nick(f.id(), f.nick("nick"))),
            Map.entry(ListRooms.TYPE, f -> new ListRooms(f.id())),
            Map.entry(Who.TYPE, f -> new Who(f.id(), f.room("room"))),
            Map.entry(History.TYPE, f -> {
                String room = f.room("room");
                Long after = f.optionalInteger("after_seq", 0, Long.MAX_VALUE);
                Long limit = f.optionalInteger("limit", 1, History.MAX_LIMIT);
                return new History(f.id(), room, after, limit == null ? History.DEFAULT_LIMIT : limit.intValue());
            }),
            Map.entry(ListPeers.TYPE, f -> new ListPeers(f.id())),
            Map.entry(Ping.TYPE, f -> new Ping(f.id())),
            Map.entry(Pong.TYPE, f -> new Pong(f.id())),
            Map.entry(Quit.TYPE, f -> new Quit(f.id(), f.optionalString("reason"))),
            Map.entry(ClientMessage.Topic.TYPE, f -> new ClientMessage.Topic(f.id(), f.room("room"),
                    f.optionalTopic("topic"))),
            Map.entry(ClientMessage.Op.TYPE, f -> new ClientMessage.Op(f.id(), f.room("room"), f.nick("nick"))),
            Map.entry(ClientMessage.Deop.TYPE, f -> new ClientMessage.Deop(f.id(), f.room("room"), f.nick("nick"))),
            Map.entry(ClientMessage.Voice.TYPE, f -> new ClientMessage.Voice(f.id(), f.room("room"), f.nick("nick"))),
            Map.entry(ClientMessage.Devoice.TYPE, f -> new ClientMessage.Devoice(f.id(), f.room("room"),
                    f.nick("nick"))),
            Map.entry(ClientMessage.Kick.TYPE, f -> new ClientMessage.Kick(f.id(), f.room("room"), f.nick("nick"),
                    f.optionalReason("reason"))),
            Map.entry(ClientMessage.Ban.TYPE, f -> new ClientMessage.Ban(f.id(), f.room("room"), f.mask("mask"))),
            Map.entry(ClientMessage.Unban.TYPE, f -> new ClientMessage.Unban(f.id(), f.room("room"), f.mask("mask"))),
            Map.entry(ClientMessage.Mode.TYPE, f -> new ClientMessage.Mode(f.id(), f.room("room"),
                    f.optionalBoolean("invite_only"), f.optionalBoolean("moderated"), f.optionalBoolean("secret"))),
            Map.entry(ClientMessage.Invite.TYPE, f -> new ClientMessage.Invite(f.id(), f.room("room"),
                    f.nick("nick"))));

    private static final Map<String, Parser<ServerMessage>> SERVER = Map.ofEntries(
            Map.entry(Welcome.TYPE, f -> new Welcome(f.id(), f.string("nick"), f.string("server"),
                    f.string("node"), (int) f.integer("protocol", 0, Integer.MAX_VALUE),
                    f.integer("heartbeat_ms", 0, Long.MAX_VALUE),
                    (int) f.integer("max_frame", 1, Integer.MAX_VALUE),
                    optionalInt(f.optionalInteger("udp_port", 0, 65535)), tlsPort(f), tlsFingerprint(f),
                    base64Field(f, "beacon_key"))),
            Map.entry(Joined.TYPE, f -> new Joined(f.id(), f.string("room"), f.strings("members"),
                    f.integer("last_seq", 0, Long.MAX_VALUE), f.optionalString("topic"),
                    f.optionalStrings("operators"), f.optionalStrings("voiced"))),
            Map.entry(Parted.TYPE, f -> new Parted(f.id(), f.string("room"))),
            Map.entry(Ok.TYPE, f -> new Ok(f.id())),
            Map.entry(RoomList.TYPE, f -> new RoomList(f.id(), f.list("rooms", e -> nested(f, e, "rooms",
                    r -> new RoomInfo(r.string("room"), (int) r.integer("members", 0, Integer.MAX_VALUE))),
                    "{room, members} objects"))),
            Map.entry(WhoReply.TYPE, f -> new WhoReply(f.id(), f.string("room"), f.strings("members"),
                    f.optionalStrings("operators"), f.optionalStrings("voiced"))),
            Map.entry(HistoryReply.TYPE, f -> new HistoryReply(f.id(), f.string("room"),
                    f.list("messages", e -> nested(f, e, "message", MessageCodec::chatMessage),
                            "message objects"))),
            Map.entry(PeerList.TYPE, f -> new PeerList(f.id(), f.list("peers", e -> nested(f, e, "peers",
                    p -> new PeerInfo(p.string("nick"), p.string("address"), p.string("status"),
                            p.integer("last_seen_ms", 0, Long.MAX_VALUE), p.number("loss"), p.number("jitter_ms"),
                            p.optionalFlag("verified"))),
                    "peer objects"))),
            Map.entry(ChatMessage.TYPE, MessageCodec::chatMessage),
            Map.entry(Member.TYPE, f -> new Member(f.string("room"), f.string("nick"), f.string("event"),
                    f.optionalString("old"), f.optionalString("reason"), f.optionalString("by"))),
            Map.entry(ServerMessage.Mode.TYPE, MessageCodec::mode),
            Map.entry(ServerMessage.Invited.TYPE, f -> new ServerMessage.Invited(f.string("room"), f.string("by"))),
            Map.entry(ServerMessage.Topic.TYPE, f -> new ServerMessage.Topic(f.id(), f.string("room"),
                    f.string("topic"), f.optionalString("by"), f.optionalInteger("ts", 0, Long.MAX_VALUE))),
            Map.entry(Presence.TYPE, f -> new Presence(f.string("nick"), f.string("address"), f.string("status"),
                    f.optionalFlag("verified"))),
            Map.entry(Bye.TYPE, f -> new Bye(f.string("reason"))),
            Map.entry(ServerMessage.Error.TYPE, f -> new ServerMessage.Error(f.id(), f.string("code"),
                    f.optionalString("message"))),
            Map.entry(Ping.TYPE, f -> new Ping(f.id())),
            Map.entry(Pong.TYPE, f -> new Pong(f.id())));

    private static final Map<String, Parser<Beacon>> BEACON = Map.of(Beacon.TYPE, f -> {
        String role = f.oneOf("role", "client", "server");
        long seq = f.integer("seq", 0, Long.MAX_VALUE);
        long ts = f.integer("ts", 0, Long.MAX_VALUE);
        long interval = f.integer("interval_ms", 1, 3_600_000);
        if (role.equals("client")) {
            return new Beacon.ClientBeacon(f.nick("nick"),
                    f.oneOf("status", Beacon.ONLINE, Beacon.AWAY, Beacon.OFFLINE), seq, ts, interval,
                    base64Field(f, "sig"));
        }
        String status = f.optionalString("status");
        if (status != null && !status.equals(Beacon.ONLINE) && !status.equals(Beacon.OFFLINE)) {
            throw f.invalid("'status' must be one of online, offline");
        }
        String name = f.string("name");
        if (name.isEmpty() || codePoints(name) > 255) {
            throw f.invalid("'name' must be 1 to 255 characters");
        }
        return new Beacon.ServerBeacon(name, f.string("node"), (int) f.integer("tcp_port", 1, 65535),
                status == null ? Beacon.ONLINE : status, seq, ts, interval, tlsPort(f), tlsFingerprint(f), ircPort(f));
    });

    // Optional 32 bytes in Base64: a client beacon's sig, welcome's beacon_key (BeaconSignature).
    private static String base64Field(JsonFields f, String field) throws InvalidMessageException {
        String v = f.optionalString(field);
        if (v != null && !BeaconSignature.isValidBase64(v)) {
            throw f.invalid("'" + field + "' must be 32 bytes in Base64 (44 characters)");
        }
        return v;
    }

    // Optional IRC port of server announcements: absent means no IRC listener.
    private static int ircPort(JsonFields f) throws InvalidMessageException {
        Long port = f.optionalInteger("irc_port", 1, 65535);
        return port == null ? 0 : port.intValue();
    }

    // Optional TLS fields of welcome and server announcements: absent means no TLS port.
    private static int tlsPort(JsonFields f) throws InvalidMessageException {
        Long port = f.optionalInteger("tls_port", 1, 65535);
        return port == null ? 0 : port.intValue();
    }

    private static String tlsFingerprint(JsonFields f) throws InvalidMessageException {
        String fp = f.optionalString("tls_fingerprint");
        if (fp != null && !CertificateFingerprint.isValid(fp)) {
            throw f.invalid("'tls_fingerprint' must be SHA256: and 43 Base64 characters");
        }
        return fp;
    }

    private MessageCodec() {
    }

    /** Decodes a payload received by a server over TCP. */
    public static ClientMessage decodeClient(byte[] payload) throws ProtocolException {
        return decode(payload, CLIENT, "client");
    }

    /** Decodes a payload received by a client over TCP. */
    public static ServerMessage decodeServer(byte[] payload) throws ProtocolException {
        return decode(payload, SERVER, "server");
    }

    /** Decodes the payload of a UDP datagram: only {@code beacon} is known there. */
    public static Beacon decodeBeacon(byte[] payload) throws ProtocolException {
        return decode(payload, BEACON, "UDP");
    }

    /** The JSON payload of a message, without the length header. */
    public static byte[] encode(Message m) {
        FrameOutput out = new FrameOutput(128, 0);
        write(m, out);
        return out.toByteArray();
    }

    /** The whole frame of a message: 4-byte length header, then the JSON payload. */
    public static byte[] encodeFrame(Message m) {
        FrameOutput out = new FrameOutput(128, Frames.HEADER_LENGTH);
        write(m, out);
        byte[] frame = out.toByteArray();
        Frames.writeHeader(frame, 0, frame.length - Frames.HEADER_LENGTH);
        return frame;
    }

    private static void write(Message m, OutputStream out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", m.type());
            Object id = m.id();
            if (id instanceof String s) {
                g.writeStringField("id", s);
            } else if (id instanceof Number n) {
                g.writeNumberField("id", n.longValue());
            }
            m.writeFields(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory output: cannot happen
        }
    }

    private static <T> T decode(byte[] payload, Map<String, Parser<T>> table, String side)
            throws ProtocolException {
        if (!Utf8.isValid(payload)) {
            throw new BadJsonException("payload is not valid UTF-8");
        }
        if (startsLikeAnotherEncoding(payload)) {
            throw new BadJsonException("payload must start with a JSON value (no byte order mark, no NUL)");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new BadJsonException("payload is not a single JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadJsonException("payload could not be read: " + e.getMessage());
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new BadJsonException(tree == null || tree.isMissingNode()
                    ? "payload is empty" : "payload must be a JSON object, not " + kind(tree));
        }
        JsonNode idNode = obj.get("id");
        Object id = null;
        String idProblem = null;
        if (idNode != null && !idNode.isNull()) {
            if (idNode.isTextual() && codePoints(idNode.textValue()) <= MAX_ID_LENGTH) {
                id = idNode.textValue();
            } else if (idNode.isIntegralNumber() && idNode.canConvertToLong()) {
                id = idNode.longValue();
            } else {
                idProblem = "'id' must be a string of at most 64 characters or an integer";
            }
        }
        JsonNode typeNode = obj.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new UnknownTypeException("message has no string 'type'", id);
        }
        String type = typeNode.textValue();
        Parser<T> parser = table.get(type);
        if (parser == null) {
            throw new UnknownTypeException("unknown " + side + " message type '" + truncate(type) + "'", id);
        }
        if (idProblem != null) {
            throw new InvalidMessageException(type + ": " + idProblem, null);
        }
        return parser.parse(new JsonFields(obj, type, id));
    }

    private static ChatMessage chatMessage(JsonFields f) throws InvalidMessageException {
        String room = f.optionalString("room");
        String to = f.optionalString("to");
        if ((room == null) == (to == null)) {
            throw f.invalid("exactly one of 'room' (room message) and 'to' (direct message) is required");
        }
        String from = f.string("from");
        String text = f.string("text");
        boolean action = f.optionalFlag("action");
        long ts = f.integer("ts", 0, Long.MAX_VALUE);
        if (room != null) {
            return ChatMessage.inRoom(room, from, text, action, ts, f.integer("seq", 1, Long.MAX_VALUE));
        }
        return ChatMessage.direct(to, from, text, action, ts);
    }

    /** A {@code mode} from a server: an event when it has {@code by}, else the reply to a {@code mode} request. */
    private static ServerMessage mode(JsonFields f) throws InvalidMessageException {
        String room = f.string("room");
        String by = f.optionalString("by");
        if (by != null) {
            ServerMessage.ModeChange c = new ServerMessage.ModeChange(room, by, f.optionalBoolean("invite_only"),
                    f.optionalBoolean("moderated"), f.optionalBoolean("secret"), f.optionalString("ban"),
                    f.optionalString("unban"));
            int set = (c.inviteOnly() == null ? 0 : 1) + (c.moderated() == null ? 0 : 1) + (c.secret() == null ? 0 : 1)
                    + (c.ban() == null ? 0 : 1) + (c.unban() == null ? 0 : 1);
            if (set != 1) {
                throw f.invalid("a mode event has exactly one of 'invite_only', 'moderated', 'secret', 'ban', 'unban'");
            }
            return c;
        }
        return new ServerMessage.Mode(f.id(), room, f.optionalFlag("invite_only"), f.optionalFlag("moderated"),
                f.optionalFlag("secret"), f.strings("operators"), f.strings("voiced"), f.strings("bans"));
    }

    private static Integer optionalInt(Long v) {
        return v == null ? null : v.intValue();
    }

    /**
     * Jackson guesses the encoding from the first bytes: a UTF-8 byte order mark is skipped and
     * zero bytes make it read UTF-16 or UTF-32. Neither a BOM nor a NUL is JSON, and the wire is
     * UTF-8 only, so such a payload is refused before Jackson can guess.
     */
    private static boolean startsLikeAnotherEncoding(byte[] p) {
        if (p.length >= 3 && (p[0] & 0xFF) == 0xEF && (p[1] & 0xFF) == 0xBB && (p[2] & 0xFF) == 0xBF) {
            return true;
        }
        for (int i = 0; i < Math.min(4, p.length); i++) {
            if (p[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    private static <T> T nested(JsonFields parent, JsonNode e, String what, Parser<T> parser) {
        JsonFields f = parent.object(e, what);
        if (f == null) {
            return null;
        }
        try {
            return parser.parse(f);
        } catch (InvalidMessageException ex) {
            return null;
        }
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String truncate(String s) {
        return codePoints(s) <= 40 ? s : s.substring(0, s.offsetByCodePoints(0, 40)) + "...";
    }

    /** A growable byte array that can reserve room for the frame header in front. */
    private static final class FrameOutput extends OutputStream {
        private byte[] buf;
        private int count;

        FrameOutput(int capacity, int reserved) {
            buf = new byte[Math.max(capacity, reserved)];
            count = reserved;
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int n) {
            if (count + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
            }
        }

        byte[] toByteArray() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }
}
