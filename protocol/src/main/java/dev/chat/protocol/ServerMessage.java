package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/** Messages a server sends to a client over TCP: replies (carrying the request's id) and events. */
public sealed interface ServerMessage extends Message
        permits ServerMessage.Welcome, ServerMessage.Joined, ServerMessage.Parted, ServerMessage.Ok,
        ServerMessage.RoomList, ServerMessage.WhoReply, ServerMessage.HistoryReply,
        ServerMessage.PeerList, ServerMessage.ChatMessage, ServerMessage.Member,
        ServerMessage.Presence, ServerMessage.Bye, ServerMessage.Error, ServerMessage.Topic,
        ServerMessage.Mode, ServerMessage.ModeChange, ServerMessage.Invited, Ping, Pong {

    /**
     * {@code welcome}: registration succeeded.
     *
     * @param udpPort the server's UDP port, where the client's presence beacons go; 0 when the
     *        server takes no beacons; null when the server does not say (then the client uses
     *        its own setting, 7421 by default)
     * @param tlsPort the server's TLS port (0: none); sent together with {@code tlsFingerprint}
     * @param tlsFingerprint the certificate the server presents there (null: none)
     * @param beaconKey this session's key for signing its beacons, 32 bytes in Base64
     *        ({@link BeaconSignature}); null: none
     */
    record Welcome(Object id, String nick, String server, String node, int protocol, long heartbeatMs,
                   int maxFrame, Integer udpPort, int tlsPort, String tlsFingerprint, String beaconKey)
            implements ServerMessage {
        public static final String TYPE = "welcome";

        /** A welcome without a beacon key. */
        public Welcome(Object id, String nick, String server, String node, int protocol, long heartbeatMs,
                       int maxFrame, Integer udpPort, int tlsPort, String tlsFingerprint) {
            this(id, nick, server, node, protocol, heartbeatMs, maxFrame, udpPort, tlsPort, tlsFingerprint, null);
        }

        /** The same welcome with the session's beacon key. */
        public Welcome withBeaconKey(String key) {
            return new Welcome(id, nick, server, node, protocol, heartbeatMs, maxFrame, udpPort, tlsPort, tlsFingerprint, key);
        }

        /** A welcome that names neither the UDP port nor a TLS port. */
        public Welcome(Object id, String nick, String server, String node, int protocol, long heartbeatMs,
                       int maxFrame) {
            this(id, nick, server, node, protocol, heartbeatMs, maxFrame, null, 0, null);
        }

        /** A welcome that names the UDP port but no TLS port. */
        public Welcome(Object id, String nick, String server, String node, int protocol, long heartbeatMs,
                       int maxFrame, Integer udpPort) {
            this(id, nick, server, node, protocol, heartbeatMs, maxFrame, udpPort, 0, null);
        }

        /** A welcome that names a TLS port but not the UDP port. */
        public Welcome(Object id, String nick, String server, String node, int protocol, long heartbeatMs,
                       int maxFrame, int tlsPort, String tlsFingerprint) {
            this(id, nick, server, node, protocol, heartbeatMs, maxFrame, null, tlsPort, tlsFingerprint);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
            g.writeStringField("server", server);
            g.writeStringField("node", node);
            g.writeNumberField("protocol", protocol);
            g.writeNumberField("heartbeat_ms", heartbeatMs);
            g.writeNumberField("max_frame", maxFrame);
            if (udpPort != null) {
                g.writeNumberField("udp_port", udpPort);
            }
            if (tlsPort > 0) {
                g.writeNumberField("tls_port", tlsPort);
            }
            if (tlsFingerprint != null) {
                g.writeStringField("tls_fingerprint", tlsFingerprint);
            }
            if (beaconKey != null) {
                g.writeStringField("beacon_key", beaconKey);
            }
        }
    }

    /**
     * {@code joined}: the session is in the room; {@code members} includes it.
     *
     * @param topic the room's topic, or null when it has none
     * @param operators the members who are operators of the room (nicks; on the wire only when not empty)
     * @param voiced the members who are voiced (nicks; on the wire only when not empty)
     */
    record Joined(Object id, String room, List<String> members, long lastSeq, String topic, List<String> operators,
                  List<String> voiced) implements ServerMessage {
        public static final String TYPE = "joined";

        public Joined {
            members = List.copyOf(members);
            operators = operators == null ? List.of() : List.copyOf(operators);
            voiced = voiced == null ? List.of() : List.copyOf(voiced);
        }

        /** A room without topic, operators or voiced members. */
        public Joined(Object id, String room, List<String> members, long lastSeq) {
            this(id, room, members, lastSeq, null, List.of(), List.of());
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            writeStrings(g, "members", members);
            g.writeNumberField("last_seq", lastSeq);
            if (topic != null) {
                g.writeStringField("topic", topic);
            }
            writeRoles(g, operators, voiced);
        }
    }

    /** {@code parted}: the session left the room. */
    record Parted(Object id, String room) implements ServerMessage {
        public static final String TYPE = "parted";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
        }
    }

    /** {@code ok}: the request with this id succeeded. Only sent to requests that had an id. */
    record Ok(Object id) implements ServerMessage {
        public static final String TYPE = "ok";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) {
        }
    }

    /** One row of {@link RoomList}. */
    record RoomInfo(String room, int members) {
    }

    /** {@code rooms{rooms:[{room,members}]}}: every room with its member count. */
    record RoomList(Object id, List<RoomInfo> rooms) implements ServerMessage {
        public static final String TYPE = "rooms";

        public RoomList {
            rooms = List.copyOf(rooms);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeArrayFieldStart("rooms");
            for (RoomInfo r : rooms) {
                g.writeStartObject();
                g.writeStringField("room", r.room());
                g.writeNumberField("members", r.members());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /**
     * {@code who{room, members, operators?, voiced?}}: the nicks in a room, and which of them are
     * operators and voiced (on the wire only when not empty).
     */
    record WhoReply(Object id, String room, List<String> members, List<String> operators, List<String> voiced)
            implements ServerMessage {
        public static final String TYPE = "who";

        public WhoReply {
            members = List.copyOf(members);
            operators = operators == null ? List.of() : List.copyOf(operators);
            voiced = voiced == null ? List.of() : List.copyOf(voiced);
        }

        /** A room without operators or voiced members. */
        public WhoReply(Object id, String room, List<String> members) {
            this(id, room, members, List.of(), List.of());
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            writeStrings(g, "members", members);
            writeRoles(g, operators, voiced);
        }
    }

    /** {@code history{room,messages}}: stored room messages, oldest first. */
    record HistoryReply(Object id, String room, List<ChatMessage> messages) implements ServerMessage {
        public static final String TYPE = "history";

        public HistoryReply {
            messages = List.copyOf(messages);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : messages) {
                g.writeStartObject();
                g.writeStringField("type", ChatMessage.TYPE);
                m.writeFields(g);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /**
     * One row of {@link PeerList}: a peer seen through its UDP beacons.
     *
     * @param lastSeenMs milliseconds since its last beacon
     * @param loss share (0..1) of seq numbers missing over the last 64 expected
     * @param jitterMs RFC 3550 interarrival jitter, milliseconds
     * @param verified its beacons are signed with the key of the session holding its nick
     */
    record PeerInfo(String nick, String address, String status, long lastSeenMs, double loss, double jitterMs,
                    boolean verified) {
        /** An unverified row. */
        public PeerInfo(String nick, String address, String status, long lastSeenMs, double loss, double jitterMs) {
            this(nick, address, status, lastSeenMs, loss, jitterMs, false);
        }
    }

    /** {@code peers{peers}}: the presence table. */
    record PeerList(Object id, List<PeerInfo> peers) implements ServerMessage {
        public static final String TYPE = "peers";

        public PeerList {
            peers = List.copyOf(peers);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeArrayFieldStart("peers");
            for (PeerInfo p : peers) {
                g.writeStartObject();
                g.writeStringField("nick", p.nick());
                g.writeStringField("address", p.address());
                g.writeStringField("status", p.status());
                g.writeNumberField("last_seen_ms", p.lastSeenMs());
                g.writeNumberField("loss", p.loss());
                g.writeNumberField("jitter_ms", p.jitterMs());
                g.writeBooleanField("verified", p.verified());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /**
     * {@code message}: a room message ({@code room} and {@code seq} set, {@code to} null) or a
     * direct message ({@code to} set, {@code room} and {@code seq} null).
     *
     * @param action an action ({@code /me waves}): the text says what {@code from} does
     */
    record ChatMessage(String room, String to, String from, String text, long ts, Long seq, boolean action)
            implements ServerMessage {
        public static final String TYPE = "message";

        /** A message that is not an action. */
        public ChatMessage(String room, String to, String from, String text, long ts, Long seq) {
            this(room, to, from, text, ts, seq, false);
        }

        public static ChatMessage inRoom(String room, String from, String text, long ts, long seq) {
            return new ChatMessage(room, null, from, text, ts, seq, false);
        }

        public static ChatMessage inRoom(String room, String from, String text, boolean action, long ts, long seq) {
            return new ChatMessage(room, null, from, text, ts, seq, action);
        }

        public static ChatMessage direct(String to, String from, String text, long ts) {
            return new ChatMessage(null, to, from, text, ts, null, false);
        }

        public static ChatMessage direct(String to, String from, String text, boolean action, long ts) {
            return new ChatMessage(null, to, from, text, ts, null, action);
        }

        public boolean isDirect() {
            return room == null;
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            if (room != null) {
                g.writeStringField("room", room);
            } else {
                g.writeStringField("to", to);
            }
            g.writeStringField("from", from);
            g.writeStringField("text", text);
            if (action) {
                g.writeBooleanField("action", true);
            }
            g.writeNumberField("ts", ts);
            if (seq != null) {
                g.writeNumberField("seq", seq);
            }
        }
    }

    /**
     * {@code member}: someone joined, parted, quit, or changed nick ({@code old} set) in a room; or
     * an operator changed a member ({@code op}, {@code deop}, {@code voice}, {@code devoice},
     * {@code kick}: {@code by} set). The kicked member gets its {@code kick} too, and is then out of
     * the room (as after {@code parted}).
     *
     * @param reason for {@code part}, {@code quit} and {@code kick}: the reason given, or null
     * @param by the operator who did it ({@code op}, {@code deop}, {@code voice}, {@code devoice},
     *     {@code kick}), or null
     */
    record Member(String room, String nick, String event, String old, String reason, String by)
            implements ServerMessage {
        public static final String TYPE = "member";
        public static final String JOIN = "join";
        public static final String PART = "part";
        public static final String QUIT = "quit";
        public static final String NICK = "nick";
        public static final String OP = "op";
        public static final String DEOP = "deop";
        public static final String VOICE = "voice";
        public static final String DEVOICE = "devoice";
        public static final String KICK = "kick";

        /** An event without a reason. */
        public Member(String room, String nick, String event, String old) {
            this(room, nick, event, old, null, null);
        }

        /** An event a member caused itself (no {@code by}). */
        public Member(String room, String nick, String event, String old, String reason) {
            this(room, nick, event, old, reason, null);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
            g.writeStringField("event", event);
            if (old != null) {
                g.writeStringField("old", old);
            }
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
            if (by != null) {
                g.writeStringField("by", by);
            }
        }
    }

    /**
     * {@code presence{nick,address,status,verified}}: a LAN peer appeared, changed status, or left
     * ({@code status:"offline"}, also sent when it expired). Sent to every registered session.
     *
     * @param verified the peer's beacons are signed by the session holding its nick (as in
     *     {@code peers}); false when a server does not say
     */
    record Presence(String nick, String address, String status, boolean verified) implements ServerMessage {
        public static final String TYPE = "presence";

        /** An unverified peer's event. */
        public Presence(String nick, String address, String status) {
            this(nick, address, status, false);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
            g.writeStringField("address", address);
            g.writeStringField("status", status);
            g.writeBooleanField("verified", verified);
        }
    }

    /** {@code bye{reason}}: the server is about to close the connection. */
    record Bye(String reason) implements ServerMessage {
        public static final String TYPE = "bye";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("reason", reason);
        }
    }

    /** {@code error{code,message}}: a request failed; {@code id} is the request's, if it had one. */
    record Error(Object id, String code, String message) implements ServerMessage {
        public static final String TYPE = "error";

        public static Error of(ProtocolException e) {
            return new Error(e.requestId(), e.code(), e.getMessage());
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("code", code);
            g.writeStringField("message", message);
        }
    }

    /**
     * {@code topic{room, topic, by?, ts?}}: a room's topic ({@code ""}: none), as the answer to a
     * {@code topic} request (with its id) and as an event to the room's members when it changes
     * (id null, {@code by} and {@code ts} set).
     *
     * @param by who set it, or null
     * @param ts when it was set (epoch ms), or null
     */
    record Topic(Object id, String room, String topic, String by, Long ts) implements ServerMessage {
        public static final String TYPE = "topic";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("topic", topic);
            if (by != null) {
                g.writeStringField("by", by);
            }
            if (ts != null) {
                g.writeNumberField("ts", ts);
            }
        }
    }

    /**
     * {@code mode} reply: a room's modes, the members who are operators and voiced (nicks), and
     * its ban masks in the order they were set.
     */
    record Mode(Object id, String room, boolean inviteOnly, boolean moderated, boolean secret, List<String> operators,
                List<String> voiced, List<String> bans) implements ServerMessage {
        public static final String TYPE = "mode";

        public Mode {
            operators = List.copyOf(operators);
            voiced = List.copyOf(voiced);
            bans = List.copyOf(bans);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeBooleanField("invite_only", inviteOnly);
            g.writeBooleanField("moderated", moderated);
            g.writeBooleanField("secret", secret);
            writeStrings(g, "operators", operators);
            writeStrings(g, "voiced", voiced);
            writeStrings(g, "bans", bans);
        }
    }

    /**
     * {@code mode{room, by, ...}} event: an operator changed one thing, the only field set of
     * {@code inviteOnly}, {@code moderated}, {@code secret} (the new value), {@code ban} and
     * {@code unban} (the mask). Told from the {@link Mode} reply on the wire by its {@code by}.
     */
    record ModeChange(String room, String by, Boolean inviteOnly, Boolean moderated, Boolean secret, String ban,
                      String unban) implements ServerMessage {
        public static final String TYPE = "mode";

        public static ModeChange inviteOnly(String room, String by, boolean value) {
            return new ModeChange(room, by, value, null, null, null, null);
        }

        public static ModeChange moderated(String room, String by, boolean value) {
            return new ModeChange(room, by, null, value, null, null, null);
        }

        public static ModeChange secret(String room, String by, boolean value) {
            return new ModeChange(room, by, null, null, value, null, null);
        }

        public static ModeChange ban(String room, String by, String mask) {
            return new ModeChange(room, by, null, null, null, mask, null);
        }

        public static ModeChange unban(String room, String by, String mask) {
            return new ModeChange(room, by, null, null, null, null, mask);
        }

        public Object id() {
            return null;
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("by", by);
            if (inviteOnly != null) {
                g.writeBooleanField("invite_only", inviteOnly);
            }
            if (moderated != null) {
                g.writeBooleanField("moderated", moderated);
            }
            if (secret != null) {
                g.writeBooleanField("secret", secret);
            }
            if (ban != null) {
                g.writeStringField("ban", ban);
            }
            if (unban != null) {
                g.writeStringField("unban", unban);
            }
        }
    }

    /** {@code invited{room, by}}: an operator of the room invited this session to join it. */
    record Invited(String room, String by) implements ServerMessage {
        public static final String TYPE = "invited";

        public Object id() {
            return null;
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("by", by);
        }
    }

    private static void writeRoles(JsonGenerator g, List<String> operators, List<String> voiced) throws IOException {
        if (!operators.isEmpty()) {
            writeStrings(g, "operators", operators);
        }
        if (!voiced.isEmpty()) {
            writeStrings(g, "voiced", voiced);
        }
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
