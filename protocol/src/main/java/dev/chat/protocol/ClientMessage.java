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
        ClientMessage.History, ClientMessage.ListPeers, ClientMessage.Quit, Ping, Pong {

    /** {@code hello{nick}}: registers the session; must come first. Answered by {@code welcome}. */
    record Hello(Object id, String nick) implements ClientMessage {
        public static final String TYPE = "hello";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("nick", nick);
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

    /** {@code part{room}}: leaves a room. Answered by {@code parted}. */
    record Part(Object id, String room) implements ClientMessage {
        public static final String TYPE = "part";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
        }
    }

    /** {@code say{room,text}}: posts to a joined room. Answered by {@code ok} when it has an id. */
    record Say(Object id, String room, String text) implements ClientMessage {
        public static final String TYPE = "say";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("room", room);
            g.writeStringField("text", text);
        }
    }

    /** {@code dm{to,text}}: a direct message to one nick. Answered by {@code ok} when it has an id. */
    record Dm(Object id, String to, String text) implements ClientMessage {
        public static final String TYPE = "dm";

        public String type() {
            return TYPE;
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("to", to);
            g.writeStringField("text", text);
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
}
