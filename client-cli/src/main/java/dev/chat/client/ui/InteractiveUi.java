package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.client.ClientConfig;
import dev.chat.client.ExitCode;
import dev.chat.client.net.FrameTracer;
import dev.chat.client.session.Session;
import dev.chat.client.session.SessionListener;
import dev.chat.client.session.SessionState;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.keymap.KeyMap;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.MaskingCallback;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The interactive client on a terminal (JLine 3), laid out like irssi: one window per room and
 * per direct conversation ({@link Windows}), a status bar with the activity list, the input
 * line at the bottom. The input line is up at once: the session connects in the background,
 * retrying with a countdown in the prompt, and lines typed meanwhile are sent once it is
 * connected. Ctrl-C clears the input line and never quits (the terminal's interrupt character
 * is turned off, so it is an ordinary key and nothing typed ahead is flushed); {@code /quit}
 * or Ctrl-D on an empty line quit. The typed line is erased when it is sent, so one's own
 * message shows once, as the server's echo.
 */
public final class InteractiveUi implements SessionListener, SlashCommands.Controls {
    private static final String CLEAR_LINE = "chat-clear-line";

    private final ClientConfig config;
    private final PrintStream err;
    private final ChatFormat format = new ChatFormat(ZoneId.systemDefault());
    private final AtomicInteger pendingWindow = new AtomicInteger();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat-countdown");
        t.setDaemon(true);
        return t;
    });
    private Terminal terminal;
    private LineReader reader;
    private ChatScreen screen;
    private ChatLog log;
    private Session session;
    private SlashCommands commands;
    private volatile boolean quit;
    private volatile boolean greeted;
    private volatile long retryAt;            // System.nanoTime() of the next attempt; 0: none pending
    private volatile String lastDirectFrom;
    private String stashed;                   // the input line put aside by Alt+n

    public InteractiveUi(ClientConfig config, PrintStream err) {
        this.config = config;
        this.err = err;
    }

    /** Runs until {@code /quit} or Ctrl-D; returns the exit code. */
    public int run() {
        try (Terminal t = TerminalBuilder.builder().system(true).name("chat").build()) {
            terminal = t;
            ignoreInterruptCharacter(t);
            screen = new ChatScreen(t, config.bell(), this::prompt);
            log = new ChatLog(config.logDir(), ZoneId.systemDefault(), why -> screen.info(format.error(why)));
            FrameTracer tracer = FrameTracer.OFF;
            if (config.trace()) {
                tracer = Terminals.stderrIsTerminal() ? new FrameTracer(line -> screen.info(format.trace(line)))
                        : new FrameTracer(err::println);
            }
            session = new Session(config, this, tracer);
            commands = new SlashCommands(session, screen, format, log, config, this);
            reader = buildReader(t);
            screen.with(ws -> {
                config.rooms().forEach(ws::room);
                return null;
            });
            screen.attach(reader);
            Thread hook = new Thread(this::shutdown, "chat-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            screen.info(format.status("connecting to " + config.servers().get(0)
                    + (config.servers().size() > 1 ? " (and " + (config.servers().size() - 1) + " more)" : "")));
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
            session.startInBackground();
            loop();
            shutdown();
            removeHook(hook);
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("chat client: cannot use the terminal: " + e.getMessage());
            return ExitCode.SERVER_ERROR;
        }
    }

    /**
     * Ctrl-C becomes an ordinary key (bound to clearing the line): no SIGINT, so it can neither
     * end the client nor make the terminal flush what was typed ahead.
     */
    private static void ignoreInterruptCharacter(Terminal t) {
        Attributes attrs = t.getAttributes();
        attrs.setControlChar(Attributes.ControlChar.VINTR, 0);
        t.setAttributes(attrs);
    }

    private LineReader buildReader(Terminal t) {
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(new char[0]);   // a chat line is text: backslashes and quotes are literal
        parser.setQuoteChars(new char[0]);
        LineReaderBuilder b = LineReaderBuilder.builder()
                .terminal(t)
                .appName("chat")
                .parser(parser)
                .completer(new ChatCompleter(commands.table(), () -> session.state().view()))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
                .variable(LineReader.HISTORY_SIZE, 1000)
                .variable(LineReader.HISTORY_FILE_SIZE, 1000)
                // a password never reaches the history (memory or file)
                .variable(LineReader.HISTORY_IGNORE, "/login *:/register *");
        Path history = prepareHistory(config.historyFile());
        if (history != null) {
            b.variable(LineReader.HISTORY_FILE, history);
        }
        LineReader r = b.build();
        r.getWidgets().put(CLEAR_LINE, () -> {
            r.getBuffer().clear();
            return true;
        });
        r.getWidgets().put(ChatScreen.STATUS_WIDGET, screen::drawStatus);
        r.getWidgets().put(ChatScreen.REDRAW_WIDGET, screen::redrawWhileReading);
        for (String map : List.of(LineReader.EMACS, LineReader.VIINS, LineReader.VICMD)) {
            KeyMap<org.jline.reader.Binding> keys = r.getKeyMaps().get(map);
            keys.bind(new Reference(CLEAR_LINE), KeyMap.ctrl('C'));
            for (int n = 1; n <= 10; n++) {
                String widget = "chat-window-" + n;
                int number = n;
                r.getWidgets().put(widget, () -> windowKey(r, number));
                keys.bind(new Reference(widget), KeyMap.alt((char) ('0' + n % 10)));
            }
        }
        return r;
    }

    /**
     * Alt+n: puts the half-typed line aside and ends this readLine; the loop then switches
     * windows (outside JLine's lock, see {@link ChatScreen}) and gives the line back.
     */
    private boolean windowKey(LineReader r, int number) {
        pendingWindow.set(number);
        stashed = r.getBuffer().toString();
        r.getBuffer().clear();
        r.callWidget(LineReader.ACCEPT_LINE);
        return true;
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

    private void loop() {
        String initial = null;
        while (!quit) {
            String line;
            try {
                line = reader.readLine(prompt(), null, (MaskingCallback) null, initial);
            } catch (UserInterruptException e) {
                initial = null;   // SIGINT from outside: like Ctrl-C, clears the line
                continue;
            } catch (EndOfFileException e) {
                quit(null);
                break;
            }
            initial = null;
            int window = pendingWindow.getAndSet(0);
            if (window > 0) {
                initial = stashed;
                commands.select(window);
                continue;
            }
            commands.handle(line);
        }
    }

    @Override
    public void quit(String reason) {
        quit = true;
        session.close(reason);
    }

    @Override
    public String lastDirectFrom() {
        return lastDirectFrom;
    }

    private void shutdown() {
        ticker.shutdownNow();
        if (session != null) {
            session.close(quit ? null : "terminated");
        }
        if (log != null) {
            log.close();
        }
    }

    private void greet() {
        ServerMessage.Welcome w = session.welcome();
        SessionState.View v = session.state().view();
        screen.info(format.status("connected to " + singleLine(w.server()) + " (node " + singleLine(w.node())
                + ") at " + session.serverAddress() + " as " + v.nick()));
        for (String room : v.rooms()) {
            SessionState st = session.state();
            List<String> members = st.members(room);
            Window window = screen.with(ws -> ws.room(room));
            screen.show(window, format.info("in #" + singleLine(room) + ": "
                    + members.size() + " member" + (members.size() == 1 ? "" : "s") + " ("
                    + ChatFormat.withRoles(members, st.operators(room), st.voiced(room)) + ")"), false, false);
            String topic = st.topic(room);
            if (!topic.isEmpty()) {
                screen.show(window, format.topic(new ServerMessage.Topic(null, room, topic, null, null)), false,
                        false);
            }
        }
        screen.info(format.info("type to talk in this window; /help lists the commands, Alt+1..9 switch windows"));
    }

    // ---- the prompt -------------------------------------------------------------------------

    /** {@code (offline, retry in 3s) alice@#lobby> }, {@code alice->bob> } in a conversation. */
    private String prompt() {
        SessionState.View v = session.state().view();
        Window w = screen.current();
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (!v.connected()) {
            long wait = retryAt == 0 ? 0 : retryAt - System.nanoTime();
            String state = wait > 0 ? "offline, retry in " + Math.max(1, (wait + 999_999_999L) / 1_000_000_000L) + "s"
                    : session.wasEverConnected() ? "offline" : "connecting";
            b.styled(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW), "(" + state + ") ");
        } else if (Beacon.AWAY.equals(session.presence())) {
            b.styled(AttributedStyle.DEFAULT.faint(), "(away) ");
        }
        b.styled(NickColors.style(v.nick()).bold(), v.nick());
        if (w != null) {
            b.append(w.isRoom() ? "@#" + w.name() : "->" + w.name());
        }
        b.append("> ");
        return b.toAnsi(terminal);
    }

    private void tick() {
        if (retryAt != 0) {
            screen.refreshPrompt();
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
        if (m.isDirect()) {
            if (own) {
                return; // shown when the server said ok
            }
            lastDirectFrom = m.from();
            Window w = screen.with(ws -> ws.direct(m.from()));
            screen.show(w, format.chat(m, false, null, false), true, true);
            logMessage(w, m);
            return;
        }
        Window w = screen.with(ws -> ws.room(m.room()));
        boolean mention = !own && ChatFormat.mentions(m.text(), session.state().view().nick());
        screen.show(w, format.chat(m, own, m.room(), mention), !own, mention);
        logMessage(w, m);
    }

    @Override
    public void onMember(ServerMessage.Member m) {
        Window w = screen.with(ws -> {
            if (ServerMessage.Member.NICK.equals(m.event()) && m.old() != null) {
                Window conversation = ws.find(Window.directKey(m.old()));
                if (conversation != null && ws.find(Window.directKey(m.nick())) == null) {
                    conversation.rename(m.nick());
                }
            }
            return ws.find(Window.roomKey(m.room()));
        });
        if (w != null) {
            var line = format.member(m);
            screen.show(w, line, false, false);
            log.event(w, System.currentTimeMillis(), line.toString());
        }
        if (ServerMessage.Member.NICK.equals(m.event())) {
            screen.refreshPrompt();
        }
        if (ServerMessage.Member.KICK.equals(m.event()) && session.state().isMe(m.nick())) {
            kickedFrom(w, m);
        }
    }

    /** We were kicked: the room's window closes (as after /part) and the current window says why. */
    private void kickedFrom(Window w, ServerMessage.Member m) {
        if (w != null) {
            boolean wasCurrent = screen.with(ws -> {
                boolean cur = ws.current() == w;
                ws.close(w);
                return cur;
            });
            if (wasCurrent) {
                screen.switchTo(null);
            }
        }
        screen.info(format.status("you were kicked from #" + m.room()
                + (m.by() == null ? "" : " by " + m.by())
                + (m.reason() == null || m.reason().isBlank() ? "" : ": " + m.reason())));
    }

    @Override
    public void onModeChange(ServerMessage.ModeChange c) {
        Window w = screen.with(ws -> ws.find(Window.roomKey(c.room())));
        if (w != null) {
            var line = format.modeChange(c);
            screen.show(w, line, false, false);
            log.event(w, System.currentTimeMillis(), line.toString());
        }
    }

    @Override
    public void onInvited(ServerMessage.Invited i) {
        screen.info(format.invited(i));
    }

    @Override
    public void onTopic(ServerMessage.Topic t) {
        Window w = screen.with(ws -> ws.find(Window.roomKey(t.room())));
        if (w != null) {
            var line = format.topic(t);
            screen.show(w, line, false, false);
            log.event(w, t.ts() == null ? System.currentTimeMillis() : t.ts(), line.toString());
        }
    }

    @Override
    public void onPresence(ServerMessage.Presence p) {
        screen.info(format.presence(p));
    }

    @Override
    public void onServerError(ServerMessage.Error e) {
        screen.info(format.error("server: " + e.code() + (e.message() == null ? "" : ": " + e.message())));
    }

    @Override
    public void onBye(ServerMessage.Bye bye) {
        screen.info(format.status("server says bye: " + bye.reason()));
    }

    @Override
    public void onStatus(String text) {
        screen.info(format.status(text));
    }

    @Override
    public void onConnectionChange(boolean connected) {
        if (connected) {
            retryAt = 0;
            if (!greeted) {
                greeted = true;
                greet();
            }
        }
        screen.refreshPrompt();
    }

    @Override
    public void onRetry(Duration delay) {
        retryAt = delay == null ? 0 : System.nanoTime() + Math.max(1, delay.toNanos());
        screen.refreshPrompt();
    }

    @Override
    public void onRoomRefused(String room, ServerMessage.Error error) {
        boolean wasCurrent = screen.with(ws -> {
            Window w = ws.find(Window.roomKey(room));
            boolean current = w != null && w == ws.current();
            if (w != null) {
                ws.close(w);
            }
            return current;
        });
        if (wasCurrent) {
            screen.switchTo(null);
        }
        screen.info(format.error("could not join #" + room + ": " + error.code()
                + (error.message() == null || error.message().isEmpty() ? "" : ": " + error.message())));
    }

    private void logMessage(Window w, ChatMessage m) {
        log.message(w, m, session.state().view().nick());
    }
}
