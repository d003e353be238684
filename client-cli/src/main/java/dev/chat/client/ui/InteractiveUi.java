package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.client.ClientConfig;
import dev.chat.client.ExitCode;
import dev.chat.client.net.FrameTracer;
import dev.chat.client.session.NotConnectedException;
import dev.chat.client.session.ServerError;
import dev.chat.client.session.Session;
import dev.chat.client.session.SessionListener;
import dev.chat.client.session.SessionState;
import dev.chat.client.text.TextSplitter;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The interactive client on a terminal (JLine 3). Whatever arrives is printed above the input
 * line with {@link LineReader#printAbove}, so a half-typed message stays as it was. The prompt
 * shows nick and current room, and {@code (offline)} while reconnecting. Text is sent to the
 * current room (split when longer than the protocol allows); slash commands do the rest, with
 * tab completion of commands, rooms and nicks; input history is kept across runs.
 */
public final class InteractiveUi implements SessionListener {
    private static final int DEFAULT_HISTORY = 20;

    private final ClientConfig config;
    private final PrintStream err;
    private final ChatFormat format = new ChatFormat(ZoneId.systemDefault());
    private final Map<String, ChatCommand> commands = new LinkedHashMap<>();
    private Terminal terminal;
    private LineReader reader;
    private Session session;
    private volatile boolean quit;

    public InteractiveUi(ClientConfig config, PrintStream err) {
        this.config = config;
        this.err = err;
        table();
    }

    /** Runs until {@code /quit}, Ctrl-D, or Ctrl-C on an empty line; returns the exit code. */
    public int run() {
        try (Terminal t = TerminalBuilder.builder().system(true).name("chat").build()) {
            terminal = t;
            reader = buildReader(t);
            FrameTracer tracer = FrameTracer.OFF;
            if (config.trace()) {
                tracer = Terminals.stderrIsTerminal() ? new FrameTracer(line -> print(format.trace(line)))
                        : new FrameTracer(err::println);
            }
            session = new Session(config, this, tracer);
            Thread hook = new Thread(() -> session.close("terminated"), "chat-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            print(format.status("connecting to " + config.servers().get(0)
                    + (config.servers().size() > 1 ? " (and " + (config.servers().size() - 1) + " more)" : "")));
            int code = session.start();
            if (code != ExitCode.OK) {
                session.close();
                return code;
            }
            greet();
            loop();
            session.close("bye");
            removeHook(hook);
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("chat client: cannot use the terminal: " + e.getMessage());
            return ExitCode.SERVER_ERROR;
        }
    }

    private LineReader buildReader(Terminal t) {
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(new char[0]);   // a chat line is text: backslashes and quotes are literal
        parser.setQuoteChars(new char[0]);
        LineReaderBuilder b = LineReaderBuilder.builder()
                .terminal(t)
                .appName("chat")
                .parser(parser)
                .completer(new ChatCompleter(commands, () -> session == null ? null : session.state().view()))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .variable(LineReader.HISTORY_SIZE, 1000)
                .variable(LineReader.HISTORY_FILE_SIZE, 1000);
        Path history = prepareHistory(config.historyFile());
        if (history != null) {
            b.variable(LineReader.HISTORY_FILE, history);
        }
        return b.build();
    }

    // Private messages end up in the history file: readable by us only.
    private static Path prepareHistory(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (!Files.exists(file)) {
                Files.createFile(file);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: keep the default
                }
            }
            return file;
        } catch (IOException e) {
            return null; // no history file then: the session still works
        }
    }

    private void greet() {
        ServerMessage.Welcome w = session.welcome();
        SessionState.View v = session.state().view();
        print(format.status("connected to " + w.server() + " (node " + w.node() + ") at " + session.serverAddress()
                + " as " + v.nick()));
        for (String room : v.rooms()) {
            List<String> members = session.state().members(room);
            print(format.info("in #" + singleLine(room) + ": " + members.size() + " member"
                    + (members.size() == 1 ? "" : "s") + " (" + singleLine(String.join(", ", members)) + ")"));
        }
        print(format.info("type to talk in the current room; /help lists the commands"));
    }

    private void loop() {
        while (!quit) {
            String line;
            try {
                line = reader.readLine(prompt());
            } catch (UserInterruptException e) {
                if (e.getPartialLine() == null || e.getPartialLine().isEmpty()) {
                    break;
                }
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            handle(line);
        }
    }

    /** Runs one input line: a command, or text for the current room. */
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
                print(format.error("unknown command " + name + "; /help lists them"));
            } else {
                c.action().accept(rest);
            }
            return;
        }
        sayText(line.startsWith("//") ? line.substring(1) : line);
    }

    // ---- the command table ------------------------------------------------------------------

    private void table() {
        add("/join", "/join <room>", "join a room (created if new) and make it current", List.of(ChatCommand.Arg.ROOM),
                this::join);
        add("/part", "/part [room]", "leave a room (default: the current one)", List.of(ChatCommand.Arg.JOINED_ROOM),
                this::part);
        add("/switch", "/switch [room]", "make a joined room current (no room: list them)",
                List.of(ChatCommand.Arg.JOINED_ROOM), this::switchRoom);
        add("/msg", "/msg <nick> <text>", "send a direct message", List.of(ChatCommand.Arg.NICK, ChatCommand.Arg.TEXT),
                this::msg);
        add("/nick", "/nick <nick>", "change your nick", List.of(), this::nick);
        add("/who", "/who [room]", "who is in a room (default: the current one)", List.of(ChatCommand.Arg.ROOM),
                this::who);
        add("/rooms", "/rooms", "list every room and its member count", List.of(), this::rooms);
        add("/history", "/history [room] [n]", "the last n messages of a room (default: 20, current room)",
                List.of(ChatCommand.Arg.ROOM, ChatCommand.Arg.NUMBER), this::history);
        add("/peers", "/peers", "the LAN presence table: status, last seen, loss, jitter", List.of(), this::peers);
        add("/away", "/away", "tell the LAN you are away (presence beacons)", List.of(), a -> presence(Beacon.AWAY));
        add("/back", "/back", "tell the LAN you are back", List.of(), a -> presence(Beacon.ONLINE));
        add("/quit", "/quit [reason]", "leave the chat", List.of(), this::quitCommand);
        add("/help", "/help", "this list", List.of(), a -> help());
    }

    private void add(String name, String usage, String help, List<ChatCommand.Arg> args, Consumer<String> action) {
        commands.put(name, new ChatCommand(name, usage, help, args, action));
    }

    private void join(String arg) {
        String room = room(arg, "/join <room>");
        if (room == null) {
            return;
        }
        session.join(room).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("cannot join #" + room + ": " + describe(ex)));
                return;
            }
            session.state().setCurrentRoom(room);
            List<String> members = ((ServerMessage.Joined) m).members();
            print(format.info("joined #" + room + ": " + members.size() + " member" + (members.size() == 1 ? "" : "s")
                    + " (" + singleLine(String.join(", ", members)) + ")"));
            refreshPrompt();
        });
    }

    private void part(String arg) {
        String room = arg.isEmpty() ? session.state().currentRoom() : room(arg, "/part [room]");
        if (room == null) {
            if (arg.isEmpty()) {
                print(format.error("you are in no room"));
            }
            return;
        }
        if (!session.state().isJoined(room)) {
            print(format.error("you are not in #" + room));
            return;
        }
        session.part(room).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("cannot leave #" + room + ": " + describe(ex)));
                return;
            }
            String now = session.state().currentRoom();
            print(format.info("left #" + room + (now == null ? "; you are in no room now (/join one)"
                    : "; current room: #" + now)));
            refreshPrompt();
        });
    }

    private void switchRoom(String arg) {
        SessionState state = session.state();
        if (arg.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (String r : state.rooms()) {
                lines.add((r.equals(state.currentRoom()) ? "* #" : "  #") + r);
            }
            print(format.info(lines.isEmpty() ? "you are in no room (/join one)" : String.join("\n", lines)));
            return;
        }
        String room = room(arg, "/switch <room>");
        if (room == null) {
            return;
        }
        if (!state.setCurrentRoom(room)) {
            print(format.error("you are not in #" + room + " (/join " + room + ")"));
            return;
        }
        refreshPrompt();
    }

    private void msg(String arg) {
        int space = arg.indexOf(' ');
        String to = space < 0 ? arg : arg.substring(0, space);
        String text = space < 0 ? "" : arg.substring(space + 1);
        if (!Names.isValidNick(to) || text.isBlank()) {
            print(format.error("usage: /msg <nick> <text>"));
            return;
        }
        for (String piece : TextSplitter.split(text, session.maxFrame())) {
            session.request(id -> new ClientMessage.Dm(id, to, piece)).whenComplete((m, ex) -> {
                if (ex != null) {
                    print(format.error("not delivered to " + to + ": " + describe(ex)));
                } else {
                    print(format.sentDirect(to, piece, System.currentTimeMillis()));
                }
            });
        }
    }

    private void nick(String arg) {
        if (!Names.isValidNick(arg)) {
            print(format.error("usage: /nick <nick> (1 to 32 of A-Z a-z 0-9 _ -)"));
            return;
        }
        session.changeNick(arg).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("cannot change nick: " + describe(ex)));
                return;
            }
            print(format.info("you are now " + arg));
            refreshPrompt();
        });
    }

    private void who(String arg) {
        String room = arg.isEmpty() ? session.state().currentRoom() : room(arg, "/who [room]");
        if (room == null) {
            if (arg.isEmpty()) {
                print(format.error("you are in no room: /who <room>"));
            }
            return;
        }
        session.request(id -> new ClientMessage.Who(id, room)).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("who #" + room + ": " + describe(ex)));
                return;
            }
            List<String> members = ((ServerMessage.WhoReply) m).members();
            print(format.info("#" + room + ": " + members.size() + " member" + (members.size() == 1 ? "" : "s")
                    + (members.isEmpty() ? "" : ": " + singleLine(String.join(", ", members)))));
        });
    }

    private void rooms(String arg) {
        session.request(ClientMessage.ListRooms::new).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("rooms: " + describe(ex)));
                return;
            }
            List<ServerMessage.RoomInfo> rooms = ((ServerMessage.RoomList) m).rooms();
            session.state().learnRooms(rooms.stream().map(ServerMessage.RoomInfo::room).toList());
            StringBuilder b = new StringBuilder(rooms.size() + " room" + (rooms.size() == 1 ? "" : "s"));
            for (ServerMessage.RoomInfo r : rooms) {
                b.append(String.format("%n  #%-30s %d", singleLine(r.room()), r.members()));
            }
            print(format.info(b.toString()));
        });
    }

    private void history(String arg) {
        String room = session.state().currentRoom();
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
            print(format.error("you are in no room: /history <room>"));
            return;
        }
        String r = room;
        int n = limit;
        session.request(id -> new ClientMessage.History(id, r, null, n)).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("history #" + r + ": " + describe(ex)));
                return;
            }
            List<ChatMessage> messages = ((ServerMessage.HistoryReply) m).messages();
            print(format.status("history of #" + r + ": " + messages.size() + " message"
                    + (messages.size() == 1 ? "" : "s")));
            String nick = session.state().nick();
            for (ChatMessage c : messages) {
                print(format.chat(c, c.from().equalsIgnoreCase(nick), r));
            }
            print(format.status("end of history"));
        });
    }

    private void peers(String arg) {
        session.request(ClientMessage.ListPeers::new).whenComplete((m, ex) -> {
            if (ex != null) {
                print(format.error("peers: " + describe(ex)));
                return;
            }
            List<ServerMessage.PeerInfo> peers = ((ServerMessage.PeerList) m).peers();
            StringBuilder b = new StringBuilder(String.format("%-20s %-22s %-8s %10s %6s %8s",
                    "NICK", "ADDRESS", "STATUS", "LAST SEEN", "LOSS", "JITTER"));
            for (ServerMessage.PeerInfo p : peers) {
                b.append(String.format("%n%-20s %-22s %-8s %8dms %5.1f%% %6.1fms", singleLine(p.nick()),
                        singleLine(p.address()), singleLine(p.status()), p.lastSeenMs(), p.loss() * 100, p.jitterMs()));
            }
            if (peers.isEmpty()) {
                b.append("\n(no peers: nobody's beacons reach this server)");
            }
            print(format.info(b.toString()));
        });
    }

    private void presence(String status) {
        if (config.beaconInterval().isZero()) {
            print(format.error("presence beacons are off (--beacon-interval 0s)"));
            return;
        }
        session.setPresence(status);
        print(format.info(Beacon.AWAY.equals(status) ? "you are away (your beacons say so until /back)"
                : "you are back"));
        refreshPrompt();
    }

    private void quitCommand(String reason) {
        quit = true;
        session.close(reason.isEmpty() ? "bye" : reason);
    }

    private void help() {
        StringBuilder b = new StringBuilder("commands (Tab completes commands, rooms and nicks):");
        for (ChatCommand c : commands.values()) {
            b.append(String.format("%n  %-22s %s", c.usage(), c.help()));
        }
        b.append(String.format("%n  %-22s %s", "//text", "send text that starts with a slash"));
        print(format.info(b.toString()));
    }

    private void sayText(String text) {
        String room = session.state().currentRoom();
        if (room == null) {
            print(format.error("you are in no room: /join one first"));
            return;
        }
        if (!session.isConnected()) {
            print(format.status("not connected: your message is sent once we are back"));
        }
        for (String piece : TextSplitter.split(text, session.maxFrame())) {
            session.say(room, piece).whenComplete((v, ex) -> {
                if (ex != null && !quit) {
                    print(format.error("not delivered to #" + room + ": " + describe(ex)));
                }
            });
        }
    }

    private String room(String arg, String usage) {
        String word = arg.strip();
        if (word.isEmpty() || word.contains(" ")) {
            print(format.error("usage: " + usage));
            return null;
        }
        String room = Names.normalizeRoom(word);
        if (room == null) {
            print(format.error("'" + singleLine(word) + "' is not a room name (1 to 64 of A-Z a-z 0-9 _ - .)"));
        }
        return room;
    }

    private static String describe(Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
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

    // ---- output -----------------------------------------------------------------------------

    private String prompt() {
        SessionState.View v = session.state().view();
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (!v.connected()) {
            b.styled(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW), "(offline) ");
        } else if (Beacon.AWAY.equals(session.presence())) {
            b.styled(AttributedStyle.DEFAULT.faint(), "(away) ");
        }
        b.styled(NickColors.style(v.nick()).bold(), v.nick());
        if (v.currentRoom() != null) {
            b.append("@#").append(v.currentRoom());
        }
        b.append("> ");
        return b.toAnsi(terminal);
    }

    private void refreshPrompt() {
        if (!(reader instanceof LineReaderImpl impl) || !reader.isReading()) {
            return;
        }
        impl.setPrompt(prompt());
        try {
            reader.callWidget(LineReader.REDRAW_LINE);
            reader.callWidget(LineReader.REDISPLAY);
        } catch (IllegalStateException e) {
            // readLine just returned: the next one draws the new prompt
        }
    }

    private void print(AttributedString line) {
        if (reader != null) {
            reader.printAbove(line);
        } else {
            terminal.writer().println(line.toAnsi(terminal));
            terminal.flush();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    // ---- SessionListener: called on the connection's threads --------------------------------

    @Override
    public void onChat(ChatMessage m, boolean own) {
        if (m.isDirect() && own) {
            return; // shown when the server said ok
        }
        print(format.chat(m, own, session.state().view().currentRoom()));
    }

    @Override
    public void onMember(ServerMessage.Member m) {
        print(format.member(m));
        if (ServerMessage.Member.NICK.equals(m.event())) {
            refreshPrompt();
        }
    }

    @Override
    public void onPresence(ServerMessage.Presence p) {
        print(format.presence(p));
    }

    @Override
    public void onServerError(ServerMessage.Error e) {
        print(format.error("server: " + e.code() + (e.message() == null ? "" : ": " + e.message())));
    }

    @Override
    public void onBye(ServerMessage.Bye bye) {
        print(format.status("server says bye: " + bye.reason()));
    }

    @Override
    public void onStatus(String text) {
        print(format.status(text));
    }

    @Override
    public void onConnectionChange(boolean connected) {
        refreshPrompt();
    }

}
