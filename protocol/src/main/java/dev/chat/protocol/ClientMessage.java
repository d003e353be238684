package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Messages a client sends to a server over TCP. Instances are valid by construction when they
 * come from {@link MessageCodec#decodeClient}: names are checked and rooms normalised.
 */
public sealed interface ClientMessage extends Message
        permits ClientMessage.Hello, ClientMessage.Join, ClientMessage.Part, ClientMessage.Say,
        ClientMessage.Dm, ClientMessage.Nick, ClientMessage.ListRooms, ClientMessage.Who,
        ClientMessage.History, ClientMessage.ListPeers, ClientMessage.Quit, ClientMessage.Topic,
        ClientMessage.Register, ClientMessage.Login, ClientMessage.Password, ClientMessage.Unregister,
        ClientMessage.Op, ClientMessage.Deop, ClientMessage.Voice, ClientMessage.Devoice, ClientMessage.Kick,
        ClientMessage.Ban, ClientMessage.Unban, ClientMessage.Mode, ClientMessage.Invite, Ping, Pong {

    /**
     * {@code hello{nick, password?}}: registers the session; must come first. Answered by
     * {@code welcome}. With {@code password} it also logs in to the account of that nick (as
     * {@link Login}).
     *
     * @param password the account's password, or null for a guest
     */
    record Hello(Object id, String nick, String password) implements ClientMessage {
        public static final String TYPE = "hello";

        /** A guest's hello. */
        public Hello(Object id, String nick) {
            this(id, nick, null);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
            if (password != null) {
                g.writeStringField("password", password);
            }
        }

        @Override
        public String toString() {
            return "Hello[id=" + id + ", nick=" + nick + (password == null ? "" : ", password=***") + "]";
        }
    }

    /** {@code join{room}}: enters a room, creating it if needed. Answered by {@code joined}. */
    record Join(Object id, String room) implements ClientMessage {
        public static final String TYPE = "join";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
        }
    }

    /**
     * {@code part{room, reason?}}: leaves a room. Answered by {@code parted}; the other members
     * get a {@code member} event with the reason.
     *
     * @param reason why, for the others to read, or null
     */
    record Part(Object id, String room, String reason) implements ClientMessage {
        public static final String TYPE = "part";

        /** A part without a reason. */
        public Part(Object id, String room) {
            this(id, room, null);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
        }
    }

    /**
     * {@code say{room, text, action?}}: posts to a joined room. Answered by {@code ok} when it
     * has an id.
     *
     * @param action an action ({@code /me waves}): the text describes what the sender does
     */
    record Say(Object id, String room, String text, boolean action) implements ClientMessage {
        public static final String TYPE = "say";

        /** A plain message, not an action. */
        public Say(Object id, String room, String text) {
            this(id, room, text, false);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("text", text);
            if (action) {
                g.writeBooleanField("action", true);
            }
        }
    }

    /**
     * {@code dm{to, text, action?}}: a direct message to one nick. Answered by {@code ok} when
     * it has an id.
     *
     * @param action an action ({@code /me waves}), as in {@link Say}
     */
    record Dm(Object id, String to, String text, boolean action) implements ClientMessage {
        public static final String TYPE = "dm";

        /** A plain direct message, not an action. */
        public Dm(Object id, String to, String text) {
            this(id, to, text, false);
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("to", to);
            g.writeStringField("text", text);
            if (action) {
                g.writeBooleanField("action", true);
            }
        }
    }

    /** {@code nick{nick}}: changes the session's nick. Answered by {@code ok} when it has an id. */
    record Nick(Object id, String nick) implements ClientMessage {
        public static final String TYPE = "nick";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
        }
    }

    /** {@code rooms}: lists rooms and their member counts. Answered by {@code rooms{rooms}}. */
    record ListRooms(Object id) implements ClientMessage {
        public static final String TYPE = "rooms";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) {
        }
    }

    /** {@code who{room}}: lists a room's members. Answered by {@code who{room,members}}. */
    record Who(Object id, String room) implements ClientMessage {
        public static final String TYPE = "who";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
        }
    }

    /**
     * {@code history{room, after_seq?, limit?}}: without {@code afterSeq} the latest {@code limit}
     * messages, with it the first {@code limit} after that seq; oldest first either way.
     */
    record History(Object id, String room, Long afterSeq, int limit) implements ClientMessage {
        public static final String TYPE = "history";
        public static final int DEFAULT_LIMIT = 50;
        public static final int MAX_LIMIT = 500;

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            if (afterSeq != null) {
                g.writeNumberField("after_seq", afterSeq);
            }
            g.writeNumberField("limit", limit);
        }
    }

    /** {@code peers}: the presence table. Answered by {@code peers{peers}}. */
    record ListPeers(Object id) implements ClientMessage {
        public static final String TYPE = "peers";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) {
        }
    }

    /** {@code quit{reason?}}: the server closes the connection. */
    record Quit(Object id, String reason) implements ClientMessage {
        public static final String TYPE = "quit";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
        }
    }

    /**
     * {@code topic{room, topic?}}: asks for a room's topic (without {@code topic}) or sets it
     * ({@code ""} clears it; at most {@link Names#MAX_TOPIC} code points). Answered by a
     * {@code topic} reply. Servers before room operators answer {@code unknown_type}.
     *
     * @param topic the new topic, or null to ask
     */
    record Topic(Object id, String room, String topic) implements ClientMessage {
        public static final String TYPE = "topic";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            if (topic != null) {
                g.writeStringField("topic", topic);
            }
        }
    }

    /**
     * {@code register{nick, password}}: creates the account of {@code nick} and logs the session in
     * to it. Before {@code hello} it registers the session under that nick (answered by
     * {@code welcome}); after it, {@code nick} must be the session's own nick (answered by {@code ok}).
     */
    record Register(Object id, String nick, String password) implements ClientMessage {
        public static final String TYPE = "register";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
            g.writeStringField("password", password);
        }

        @Override
        public String toString() {
            return "Register[id=" + id + ", nick=" + nick + ", password=***]";
        }
    }

    /**
     * {@code login{nick, password}}: logs in to the account of {@code nick}. Before {@code hello}
     * it is a {@code hello} with a password (answered by {@code welcome}); after it, the session
     * takes the account's nick (answered by {@code ok}).
     */
    record Login(Object id, String nick, String password) implements ClientMessage {
        public static final String TYPE = "login";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
            g.writeStringField("password", password);
        }

        @Override
        public String toString() {
            return "Login[id=" + id + ", nick=" + nick + ", password=***]";
        }
    }

    /** {@code password{old, new}}: changes the logged-in account's password. Answered by {@code ok}. */
    record Password(Object id, String oldPassword, String newPassword) implements ClientMessage {
        public static final String TYPE = "password";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("old", oldPassword);
            g.writeStringField("new", newPassword);
        }

        @Override
        public String toString() {
            return "Password[id=" + id + ", old=***, new=***]";
        }
    }

    /**
     * {@code unregister{password}}: deletes the logged-in account; the session keeps its nick as a
     * guest. Answered by {@code ok}.
     */
    record Unregister(Object id, String password) implements ClientMessage {
        public static final String TYPE = "unregister";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("password", password);
        }

        @Override
        public String toString() {
            return "Unregister[id=" + id + ", password=***]";
        }
    }

    /** {@code op{room, nick}}: makes a member (logged in to an account) an operator of the room. Answered by {@code ok}; operators only. */
    record Op(Object id, String room, String nick) implements ClientMessage {
        public static final String TYPE = "op";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
        }
    }

    /** {@code deop{room, nick}}: takes a member's operator status away. Answered by {@code ok}; operators only. */
    record Deop(Object id, String room, String nick) implements ClientMessage {
        public static final String TYPE = "deop";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
        }
    }

    /** {@code voice{room, nick}}: lets a member speak in a moderated room. Answered by {@code ok}; operators only. */
    record Voice(Object id, String room, String nick) implements ClientMessage {
        public static final String TYPE = "voice";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
        }
    }

    /** {@code devoice{room, nick}}: takes a member's voice away. Answered by {@code ok}; operators only. */
    record Devoice(Object id, String room, String nick) implements ClientMessage {
        public static final String TYPE = "devoice";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
        }
    }

    /**
     * {@code kick{room, nick, reason?}}: removes a member from the room; every member (the kicked
     * one too) gets a {@code member} event {@code kick}. Answered by {@code ok}; operators only.
     *
     * @param reason why, at most {@link Names#MAX_REASON} code points, or null
     */
    record Kick(Object id, String room, String nick, String reason) implements ClientMessage {
        public static final String TYPE = "kick";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
        }
    }

    /** {@code ban{room, mask}}: adds a ban mask ({@link Names#isValidMask}). Answered by {@code ok}; operators only. */
    record Ban(Object id, String room, String mask) implements ClientMessage {
        public static final String TYPE = "ban";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("mask", mask);
        }
    }

    /** {@code unban{room, mask}}: removes a ban mask. Answered by {@code ok}; operators only. */
    record Unban(Object id, String room, String mask) implements ClientMessage {
        public static final String TYPE = "unban";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("mask", mask);
        }
    }

    /**
     * {@code mode{room, invite_only?, moderated?, secret?}}: without flags asks for the room's modes
     * (answered by a {@code mode} reply); with flags changes them (operators only; answered by
     * {@code ok}).
     *
     * @param inviteOnly the new value, or null: unchanged (so {@code moderated}, {@code secret})
     */
    record Mode(Object id, String room, Boolean inviteOnly, Boolean moderated, Boolean secret) implements ClientMessage {
        public static final String TYPE = "mode";

        /** A {@code mode} that asks. */
        public Mode(Object id, String room) {
            this(id, room, null, null, null);
        }

        /** Whether it only asks (no flag given). */
        public boolean asks() {
            return inviteOnly == null && moderated == null && secret == null;
        }

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            if (inviteOnly != null) {
                g.writeBooleanField("invite_only", inviteOnly);
            }
            if (moderated != null) {
                g.writeBooleanField("moderated", moderated);
            }
            if (secret != null) {
                g.writeBooleanField("secret", secret);
            }
        }
    }

    /**
     * {@code invite{room, nick}}: lets {@code nick} join the (invite-only) room once; it gets an
     * {@code invited} event. Answered by {@code ok}; operators only (any member of a room that is
     * not invite-only and has no operator).
     */
    record Invite(Object id, String room, String nick) implements ClientMessage {
        public static final String TYPE = "invite";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("nick", nick);
        }
    }
}
