package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.client.session.Session;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/**
 * The commands that look things up and show them in the current window: {@code /who},
 * {@code /rooms}, {@code /history}, {@code /peers} ask the server; {@code /search} looks through
 * the windows. Part of {@link SlashCommands}.
 */
final class Lookups {
    private static final int DEFAULT_HISTORY = 20;
    private static final int MAX_FOUND = 100;

    private final Session session;
    private final ChatScreen screen;
    private final ChatFormat format;

    Lookups(Session session, ChatScreen screen, ChatFormat format) {
        this.session = session;
        this.screen = screen;
        this.format = format;
    }

    void who(String arg) {
        String room = arg.isEmpty() ? currentRoom() : room(arg, "/who [room]");
        if (room == null) {
            if (arg.isEmpty()) {
                error("this window is not a room: /who <room>");
            }
            return;
        }
        session.request(id -> new ClientMessage.Who(id, room)).whenComplete((m, ex) -> {
            if (ex != null) {
                error("who #" + room + ": " + describe(ex));
                return;
            }
            ServerMessage.WhoReply who = (ServerMessage.WhoReply) m;
            List<String> members = who.members();
            info(format.info("#" + room + ": " + members.size() + " member" + (members.size() == 1 ? "" : "s")
                    + (members.isEmpty() ? "" : ": " + ChatFormat.withRoles(members, who.operators(), who.voiced()))));
        });
    }

    void rooms(String arg) {
        session.request(ClientMessage.ListRooms::new).whenComplete((m, ex) -> {
            if (ex != null) {
                error("rooms: " + describe(ex));
                return;
            }
            List<ServerMessage.RoomInfo> rooms = ((ServerMessage.RoomList) m).rooms();
            session.state().learnRooms(rooms.stream().map(ServerMessage.RoomInfo::room).toList());
            StringBuilder b = new StringBuilder(rooms.size() + " room" + (rooms.size() == 1 ? "" : "s"));
            for (ServerMessage.RoomInfo r : rooms) {
                b.append(String.format("%n  #%-30s %d", singleLine(r.room()), r.members()));
            }
            info(format.info(b.toString()));
        });
    }

    void history(String arg) {
        String room = currentRoom();
        int limit = DEFAULT_HISTORY;
        for (String word : arg.split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.chars().allMatch(Character::isDigit)) {
                limit = (int) Math.max(1, Math.min(ClientMessage.History.MAX_LIMIT, Long.parseLong(word.length() > 6
                        ? "999999" : word)));
            } else {
                room = room(word, "/history [room] [n]");
                if (room == null) {
                    return;
                }
            }
        }
        if (room == null) {
            error("this window is not a room: /history <room>");
            return;
        }
        String r = room;
        int n = limit;
        session.request(id -> new ClientMessage.History(id, r, null, n)).whenComplete((m, ex) -> {
            if (ex != null) {
                error("history #" + r + ": " + describe(ex));
                return;
            }
            List<ChatMessage> messages = ((ServerMessage.HistoryReply) m).messages();
            String shownIn = currentRoom();
            info(format.status("history of #" + r + ": " + messages.size() + " message"
                    + (messages.size() == 1 ? "" : "s")));
            String nick = session.state().nick();
            for (ChatMessage c : messages) {
                info(format.chat(c, c.from().equalsIgnoreCase(nick), shownIn, false));
            }
            info(format.status("end of history"));
        });
    }

    void search(String arg) {
        if (arg.isBlank()) {
            error("usage: /search <text>");
            return;
        }
        List<Windows.Found> found = screen.with(ws -> ws.search(arg, MAX_FOUND));
        screen.showOnly(format.status("search for '" + singleLine(arg) + "': " + found.size() + " line"
                + (found.size() == 1 ? "" : "s") + (found.size() == MAX_FOUND ? " (the last " + MAX_FOUND + ")" : "")));
        for (Windows.Found f : found) {
            screen.showOnly(new AttributedStringBuilder()
                    .append("  " + f.number() + ":" + f.window().label() + " ").append(f.line()).toAttributedString());
        }
    }

    /**
     * The peers list's mark: {@code yes} when the server checked the peer's beacons against the
     * key of the session holding its nick, {@code no} when anyone could have sent them.
     */
    static String verifiedMark(ServerMessage.PeerInfo p) {
        return p.verified() ? "yes" : "no";
    }

    void peers(String arg) {
        session.request(ClientMessage.ListPeers::new).whenComplete((m, ex) -> {
            if (ex != null) {
                error("peers: " + describe(ex));
                return;
            }
            List<ServerMessage.PeerInfo> peers = ((ServerMessage.PeerList) m).peers();
            StringBuilder b = new StringBuilder(String.format("%-20s %-22s %-8s %10s %6s %8s %s",
                    "NICK", "ADDRESS", "STATUS", "LAST SEEN", "LOSS", "JITTER", "VERIFIED"));
            for (ServerMessage.PeerInfo p : peers) {
                b.append(String.format("%n%-20s %-22s %-8s %8dms %5.1f%% %6.1fms %s", singleLine(p.nick()),
                        singleLine(p.address()), singleLine(p.status()), p.lastSeenMs(), p.loss() * 100, p.jitterMs(),
                        verifiedMark(p)));
            }
            if (peers.isEmpty()) {
                b.append("\n(no peers: nobody's beacons reach this server)");
            }
            info(format.info(b.toString()));
        });
    }

    private String currentRoom() {
        Window w = screen.current();
        return w != null && w.isRoom() ? w.name() : null;
    }

    private String room(String arg, String usage) {
        return SlashCommands.room(screen, format, arg, usage);
    }

    private void info(AttributedString line) {
        screen.info(line);
    }

    private void error(String text) {
        screen.info(format.error(text));
    }

    private static String describe(Throwable ex) {
        return SlashCommands.describe(ex);
    }
}
