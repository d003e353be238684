package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.client.ClientConfig;
import dev.chat.client.session.NotConnectedException;
import dev.chat.client.session.ServerError;
import dev.chat.client.session.Session;
import dev.chat.client.text.TextSplitter;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The slash commands of the interactive client, and plain text: what each does, how it is
 * used, what its arguments are (for completion). Runs on the input thread; replies come back
 * on the connection's thread and go to the {@link ChatScreen}.
 */
final class SlashCommands {

    /** What the commands need from the interface around them. */
    interface Controls {
        /** Ends the client after this line: {@code reason} for the quit (null: none). */
        void quit(String reason);

        /** The nick that sent us the last direct message, or null. */
        String lastDirectFrom();
    }

    private final Session session;
    private final ChatScreen screen;
    private final ChatFormat format;
    private final ChatLog log;
    private final ClientConfig config;
    private final Controls controls;
    private final Map<String, ChatCommand> commands = new LinkedHashMap<>();
    private final Lookups lookups;

    SlashCommands(Session session, ChatScreen screen, ChatFormat format, ChatLog log, ClientConfig config,
                  Controls controls) {
        this.session = session;
        this.screen = screen;
        this.format = format;
        this.log = log;
        this.config = config;
        this.controls = controls;
        this.lookups = new Lookups(session, screen, format);
        fill();
    }

    /** The table, for completion and {@code /help}. */
    Map<String, ChatCommand> table() {
        return commands;
    }

    /** Runs one input line: a command, or text for the current window. */
    void handle(String line) {
        if (line.isBlank()) {
            return;
        }
        if (line.startsWith("/") && !line.startsWith("//")) {
            String trimmed = line.strip();
            int space = trimmed.indexOf(' ');
            String name = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
            String rest = space < 0 ? "" : trimmed.substring(space + 1).strip();
            ChatCommand c = commands.get(name);
            if (c == null) {
                error("unknown command " + name + "; /help lists them");
            } else {
                c.action().accept(rest);
            }
            return;
        }
        text(line.startsWith("//") ? line.substring(1) : line, false);
    }

    // ---- the table --------------------------------------------------------------------------

    private void fill() {
        add("/join", "/join <room>", "join a room (created if new) and show its window", List.of(ChatCommand.Arg.ROOM),
                this::join);
        add("/part", "/part [room] [reason]", "leave a room (default: this window's), telling why",
                List.of(ChatCommand.Arg.JOINED_ROOM, ChatCommand.Arg.TEXT), this::part);
        add("/window", "/window [n]", "show window n (Alt+n does too); no n: list the windows",
                List.of(ChatCommand.Arg.NUMBER), this::window);
        add("/switch", "/switch [room]", "show a joined room's window (no room: list the windows)",
                List.of(ChatCommand.Arg.JOINED_ROOM), this::switchRoom);
        add("/msg", "/msg <nick> <text>", "send a direct message", List.of(ChatCommand.Arg.NICK, ChatCommand.Arg.TEXT),
                this::msg);
        add("/r", "/r <text>", "answer the last direct message", List.of(ChatCommand.Arg.TEXT), this::reply);
        add("/me", "/me <text>", "an action: '* alice waves'", List.of(ChatCommand.Arg.TEXT), a -> text(a, true));
        add("/topic", "/topic [text]", "show or set the topic of this window's room", List.of(ChatCommand.Arg.TEXT),
                this::topic);
        new ModerationCommands(session, screen, format).fill(this::add);
        add("/nick", "/nick <nick>", "change your nick", List.of(), this::nick);
        add("/register", "/register <password>", "make your nick an account of yours (over TLS, or on this machine)",
                List.of(), this::register);
        add("/login", "/login <nick> <password>", "log in to your account: you take its nick", List.of(), this::login);
        add("/who", "/who [room]", "who is in a room (default: this window's)", List.of(ChatCommand.Arg.ROOM),
                lookups::who);
        add("/rooms", "/rooms", "list every room and its member count", List.of(), lookups::rooms);
        add("/history", "/history [room] [n]", "the last n messages of a room (default: 20, this window's)",
                List.of(ChatCommand.Arg.ROOM, ChatCommand.Arg.NUMBER), lookups::history);
        add("/search", "/search <text>", "find text in what the windows hold (also what /history loaded)",
                List.of(ChatCommand.Arg.TEXT), lookups::search);
        add("/peers", "/peers", "the LAN presence table: status, last seen, loss, jitter", List.of(), lookups::peers);
        add("/away", "/away", "tell the LAN you are away (presence beacons)", List.of(), a -> presence(Beacon.AWAY));
        add("/back", "/back", "tell the LAN you are back", List.of(), a -> presence(Beacon.ONLINE));
        add("/quit", "/quit [reason]", "leave the chat (Ctrl-D too)", List.of(), r -> controls.quit(r.isEmpty() ? null : r));
        add("/help", "/help", "this list", List.of(), a -> help());
    }

    private void add(String name, String usage, String help, List<ChatCommand.Arg> args, Consumer<String> action) {
        commands.put(name, new ChatCommand(name, usage, help, args, action));
    }

    // ---- talking ----------------------------------------------------------------------------

    /** Plain text (or an action) for the current window: its room, or its conversation. */
    private void text(String text, boolean action) {
        if (action && text.isBlank()) {
            error("usage: /me <text>");
            return;
        }
        Window w = screen.current();
        if (w == null) {
            error("you are in no room: /join one first");
            return;
        }
        if (!w.isRoom()) {
            direct(w.name(), text, action);
            return;
        }
        String room = w.name();
        if (!session.isConnected()) {
            info(format.status(session.wasEverConnected() ? "not connected: your message is sent once we are back"
                    : "not connected yet: your message goes out once we are connected"));
        }
        for (String piece : TextSplitter.split(text, session.maxFrame())) {
            session.say(room, piece, action).whenComplete((v, ex) -> {
                if (ex != null && session.isOpen()) {
                    error("not delivered to #" + room + ": " + describe(ex));
                }
            });
        }
    }

    private void msg(String arg) {
        int space = arg.indexOf(' ');
        String to = space < 0 ? arg : arg.substring(0, space);
        String text = space < 0 ? "" : arg.substring(space + 1);
        if (!Names.isValidNick(to) || text.isBlank()) {
            error("usage: /msg <nick> <text>");
            return;
        }
        direct(to, text, false);
    }

    private void reply(String text) {
        String to = controls.lastDirectFrom();
        if (to == null) {
            error("nobody has sent you a direct message yet");
            return;
        }
        if (text.isBlank()) {
            error("usage: /r <text> (answers " + to + ")");
            return;
        }
        direct(to, text, false);
    }

    private void direct(String to, String text, boolean action) {
        for (String piece : TextSplitter.split(text, session.maxFrame())) {
            session.request(id -> new ClientMessage.Dm(id, to, piece, action)).whenComplete((m, ex) -> {
                if (ex != null) {
                    error("not delivered to " + to + ": " + describe(ex));
                    return;
                }
                long now = System.currentTimeMillis();
                String me = session.state().view().nick();
                var line = format.sentDirect(to, me, piece, action, now);
                Window w = screen.with(ws -> ws.direct(to));
                screen.show(w, line, false, false);
                if (screen.current() != w) {
                    screen.showOnly(line);
                }
                log.message(w, ChatMessage.direct(to, me, piece, action, now), me);
            });
        }
    }

    private void topic(String arg) {
        Window w = screen.current();
        if (w == null || !w.isRoom()) {
            error("topics belong to rooms: use /topic in a room's window");
            return;
        }
        String room = w.name();
        String text = arg.isEmpty() ? null : arg;
        session.request(id -> new ClientMessage.Topic(id, room, text)).whenComplete((m, ex) -> {
            Throwable t = unwrap(ex);
            if (t instanceof ServerError se && ErrorCode.UNKNOWN_TYPE.equals(se.code())) {
                error("this server has no topics");
            } else if (ex != null) {
                error("topic of #" + room + ": " + describe(ex));
            } else if (m instanceof ServerMessage.Topic topic && text == null) { // a change shows as its event
                screen.show(screen.with(ws -> ws.room(topic.room())), format.topic(topic), false, false);
            }
        });
    }

    // ---- rooms and windows ------------------------------------------------------------------

    private void join(String arg) {
        String room = room(arg, "/join <room>");
        if (room == null) {
            return;
        }
        session.join(room).whenComplete((m, ex) -> {
            if (ex != null) {
                error("cannot join #" + room + ": " + describe(ex));
                return;
            }
            Window w = screen.with(ws -> ws.room(room));
            ServerMessage.Joined joined = (ServerMessage.Joined) m;
            List<String> members = joined.members();
            screen.switchTo(w);
            screen.show(w, format.info("joined #" + room + ": " + members.size() + " member"
                    + (members.size() == 1 ? "" : "s") + " ("
                    + ChatFormat.withRoles(members, joined.operators(), joined.voiced()) + ")"),
                    false, false);
            if (joined.topic() != null && !joined.topic().isEmpty()) {
                screen.show(w, format.topic(new ServerMessage.Topic(null, room, joined.topic(), null, null)), false,
                        false);
            }
            session.state().setCurrentRoom(room);
        });
    }

    private void part(String arg) {
        Window current = screen.current();
        String first = arg.isEmpty() ? "" : arg.split("\\s+", 2)[0];
        String firstRoom = Names.normalizeRoom(first);
        String room;
        String reason;
        // "/part #ops lunch" and "/part ops lunch" name the room; "/part lunch" is a reason.
        if (firstRoom != null && (first.startsWith("#") || session.state().isJoined(firstRoom))) {
            room = firstRoom;
            reason = arg.substring(first.length()).strip();
        } else if (current != null && !current.isRoom()) {
            screen.with(ws -> {
                ws.close(current);
                return null;
            });
            screen.switchTo(null);
            return;
        } else {
            room = current == null ? null : current.name();
            reason = arg;
        }
        if (room == null) {
            error("you are in no room");
            return;
        }
        if (!session.state().isJoined(room)) {
            error("you are not in #" + room);
            return;
        }
        String why = reason.isEmpty() ? null : reason;
        session.part(room, why).whenComplete((m, ex) -> {
            if (ex != null) {
                error("cannot leave #" + room + ": " + describe(ex));
                return;
            }
            Window w = screen.with(ws -> ws.find(Window.roomKey(room)));
            boolean wasCurrent = screen.with(ws -> {
                boolean cur = ws.current() == w;
                if (w != null) {
                    ws.close(w);
                }
                return cur;
            });
            if (wasCurrent) {
                screen.switchTo(null);
            }
            Window now = screen.current();
            info(format.info("left #" + room + (now == null ? "; you are in no room now (/join one)"
                    : "; this window: " + now.label())));
            if (now != null && now.isRoom()) {
                session.state().setCurrentRoom(now.name());
            }
        });
    }

    private void window(String arg) {
        if (arg.isEmpty()) {
            listWindows();
            return;
        }
        int n;
        try {
            n = Integer.parseInt(arg.strip());
        } catch (NumberFormatException e) {
            error("usage: /window [n]");
            return;
        }
        select(n);
    }

    /** Shows window {@code n} (Alt+n). */
    void select(int n) {
        Window w = screen.with(ws -> ws.byNumber(n));
        if (w == null) {
            error("no window " + n + " (/window lists them)");
            return;
        }
        screen.switchTo(w);
        if (w.isRoom()) {
            session.state().setCurrentRoom(w.name());
        }
    }

    private void switchRoom(String arg) {
        if (arg.isEmpty()) {
            listWindows();
            return;
        }
        String room = room(arg, "/switch <room>");
        if (room == null) {
            return;
        }
        Window w = screen.with(ws -> ws.find(Window.roomKey(room)));
        if (w == null) {
            error("you are not in #" + room + " (/join " + room + ")");
            return;
        }
        select(screen.with(ws -> ws.number(w)));
    }

    private void listWindows() {
        String text = screen.with(ws -> {
            List<String> lines = new ArrayList<>();
            for (Window w : ws.all()) {
                lines.add(String.format("%s %2d: %s%s", w == ws.current() ? "*" : " ", ws.number(w), w.label(),
                        w.unread() == 0 ? "" : "  (" + w.unread() + " unread" + (w.mentioned() ? ", mentions you" : "")
                                + ")"));
            }
            return lines.isEmpty() ? "no windows: /join a room" : "windows (Alt+n or /window n):\n"
                    + String.join("\n", lines);
        });
        info(format.info(text));
    }

    // ---- requests ---------------------------------------------------------------------------

    private void nick(String arg) {
        if (!Names.isValidNick(arg)) {
            error("usage: /nick <nick> (1 to 32 of A-Z a-z 0-9 _ -)");
            return;
        }
        session.changeNick(arg).whenComplete((m, ex) -> {
            if (ex != null) {
                error("cannot change nick: " + describe(ex));
                return;
            }
            info(format.info("you are now " + arg));
            screen.refreshPrompt();
        });
    }

    private void register(String arg) {
        if (arg == null || arg.isBlank() || !Names.isValidPassword(arg.strip())) {
            error("usage: /register <password> (1 to " + Names.MAX_PASSWORD_BYTES + " bytes)");
            return;
        }
        session.register(arg.strip()).whenComplete((m, ex) -> {
            if (ex != null) {
                error("cannot register: " + describe(ex));
                return;
            }
            info(format.info("your nick is now an account of yours: /login with it next time, or --password"));
        });
    }

    private void login(String arg) {
        String[] parts = arg == null ? new String[0] : arg.strip().split("\\s+", 2);
        if (parts.length != 2 || !Names.isValidNick(parts[0]) || !Names.isValidPassword(parts[1])) {
            error("usage: /login <nick> <password>");
            return;
        }
        session.login(parts[0], parts[1]).whenComplete((m, ex) -> {
            if (ex != null) {
                error("cannot log in: " + describe(ex));
                return;
            }
            info(format.info("logged in: you are " + parts[0]));
            screen.refreshPrompt();
        });
    }

    private void presence(String status) {
        if (config.beaconInterval().isZero()) {
            error("presence beacons are off (--beacon-interval 0s)");
            return;
        }
        session.setPresence(status);
        info(format.info(Beacon.AWAY.equals(status) ? "you are away (your beacons say so until /back)"
                : "you are back"));
        screen.refreshPrompt();
    }

    private void help() {
        StringBuilder b = new StringBuilder("commands (Tab completes commands, rooms and nicks):");
        for (ChatCommand c : commands.values()) {
            b.append(String.format("%n  %-22s %s", c.usage(), c.help()));
        }
        b.append(String.format("%n  %-22s %s", "//text", "send text that starts with a slash"));
        b.append(String.format("%n  %-22s %s", "Alt+1 .. Alt+0", "show window 1 to 10"));
        b.append(String.format("%n  %-22s %s", "Ctrl-C / Ctrl-D", "clear the input line / quit (on an empty line)"));
        info(format.info(b.toString()));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private String room(String arg, String usage) {
        return room(screen, format, arg, usage);
    }

    /** The room named by {@code arg}, or null after saying what is wrong with it. */
    static String room(ChatScreen screen, ChatFormat format, String arg, String usage) {
        String word = arg.strip();
        if (word.isEmpty() || word.contains(" ")) {
            screen.info(format.error("usage: " + usage));
            return null;
        }
        String room = Names.normalizeRoom(word);
        if (room == null) {
            screen.info(format.error("'" + singleLine(word) + "' is not a room name (1 to 64 of A-Z a-z 0-9 _ - .)"));
        }
        return room;
    }

    private void info(org.jline.utils.AttributedString line) {
        screen.info(line);
    }

    private void error(String text) {
        screen.info(format.error(text));
    }

    static Throwable unwrap(Throwable ex) {
        return ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    }

    static String describe(Throwable ex) {
        Throwable t = unwrap(ex);
        if (t instanceof ServerError se) {
            return se.getMessage();
        }
        if (t instanceof NotConnectedException) {
            return "not connected (reconnecting)";
        }
        if (t instanceof TimeoutException) {
            return "no answer from the server";
        }
        return String.valueOf(t.getMessage());
    }
}
