package dev.chat.client.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.LineReader;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;
import org.jline.utils.Status;

/**
 * Everything the interactive client draws: lines go into {@link Windows} and, when their window
 * is current, onto the screen above the input line ({@link LineReader#printAbove}); a status bar
 * at the bottom shows the current window and the activity list ({@code [2:#ops] [Act:
 * 1:#lobby(3) 3:bob(1!)]}); switching windows clears the screen and redraws the window's last
 * lines. A mention or a direct message to us rings the terminal bell (unless turned off).
 *
 * <p>Thread-safe: every method holds this object's monitor, then (for terminal output) JLine's
 * own lock. Code running inside JLine (widgets, completion) never calls in here, so the two
 * locks are always taken in that order.
 */
final class ChatScreen {
    private static final AttributedStyle BAR = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle HOT = AttributedStyle.DEFAULT.bold().foreground(AttributedStyle.MAGENTA);

    private final Terminal terminal;
    private final Windows windows = new Windows();
    private final boolean bell;
    private final Supplier<String> prompt;
    private final Status status;
    private LineReader reader;

    /**
     * @param bell ring on mentions and direct messages
     * @param prompt builds the prompt (ANSI text) from the session's lock-free state
     */
    ChatScreen(Terminal terminal, boolean bell, Supplier<String> prompt) {
        this.terminal = terminal;
        this.bell = bell;
        this.prompt = prompt;
        // On a dumb terminal the bar draws nothing: /window lists the windows and unread counts.
        this.status = Status.getStatus(terminal);
    }

    synchronized void attach(LineReader lineReader) {
        this.reader = lineReader;
        updateStatus();
    }

    /** The windows; call only while holding this object's monitor ({@link #with}). */
    Windows windows() {
        return windows;
    }

    /** Runs {@code action} on the windows under the screen's monitor, and updates the status bar. */
    synchronized <T> T with(java.util.function.Function<Windows, T> action) {
        T result = action.apply(windows);
        updateStatus();
        return result;
    }

    /** The current window, or null. */
    synchronized Window current() {
        return windows.current();
    }

    /**
     * Adds a line to a window, and shows it when that window is current. {@code activity}: a
     * message, counted as unread elsewhere; {@code mention}: it named us or was sent to us.
     */
    synchronized void show(Window w, AttributedString line, boolean activity, boolean mention) {
        windows.add(w, line, activity, mention);
        if (w == windows.current()) {
            printAbove(line);
        } else if (activity) {
            updateStatus();
        }
        if (mention && bell) {
            terminal.puts(InfoCmp.Capability.bell);
            terminal.flush();
        }
    }

    /** A line for the person, not for a room: goes to the current window (just shown when none). */
    synchronized void info(AttributedString line) {
        Window w = windows.current();
        if (w != null) {
            w.add(line);
        }
        printAbove(line);
    }

    /** Shows a line without keeping it in any window (search results). */
    synchronized void showOnly(AttributedString line) {
        printAbove(line);
    }

    /**
     * Makes {@code w} current (null: whichever is current now, after a window closed) and
     * redraws the screen with its last lines, the status bar and the input line.
     */
    synchronized void switchTo(Window w) {
        if (w != null) {
            windows.select(w);
        }
        if (reader != null && reader.isReading()) {
            try {
                reader.callWidget(REDRAW_WIDGET);
                return;
            } catch (IllegalStateException e) {
                // readLine just returned: redraw directly, the next one draws the input line
            }
        }
        redraw();
    }

    /** The name of the widget that redraws the current window (registered by the UI). */
    static final String REDRAW_WIDGET = "chat-redraw";

    /** The body of {@link #REDRAW_WIDGET}: only ever called from {@link #switchTo}. */
    boolean redrawWhileReading() {
        redraw();
        if (reader instanceof LineReaderImpl impl) {
            impl.setPrompt(prompt.get());
        }
        reader.callWidget(LineReader.REDRAW_LINE);   // the screen was cleared: draw it all again
        reader.callWidget(LineReader.REDISPLAY);
        return true;
    }

    private void redraw() {
        Window w = windows.current();
        terminal.puts(InfoCmp.Capability.clear_screen);
        if (status != null) {
            status.reset();        // clear_screen wiped it; this also homes the cursor
        }
        drawnStatus = null;
        updateStatus();
        terminal.puts(InfoCmp.Capability.cursor_home);
        for (AttributedString line : w == null ? List.<AttributedString>of() : tail(w.lines())) {
            terminal.writer().println(line.toAnsi(terminal));
        }
        terminal.flush();
    }

    /** The last lines that fit above the input line. */
    private List<AttributedString> tail(List<AttributedString> lines) {
        int width = Math.max(1, terminal.getWidth());
        int rows = Math.max(1, terminal.getHeight() - 1 - (status == null ? 0 : status.size()));
        List<AttributedString> out = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && rows > 0; i--) {
            int need = Math.max(1, lines.get(i).columnSplitLength(width).size());
            if (need > rows) {
                break;
            }
            rows -= need;
            out.add(0, lines.get(i));
        }
        return out;
    }

    /** Redraws the prompt (nick, window, connection state) if the reader is waiting for input. */
    synchronized void refreshPrompt() {
        if (!(reader instanceof LineReaderImpl impl) || !reader.isReading()) {
            return;
        }
        impl.setPrompt(prompt.get());
        try {
            // REDISPLAY alone: it compares with what is on the screen and erases what the new,
            // shorter prompt no longer covers (REDRAW_LINE would forget that and leave it there).
            reader.callWidget(LineReader.REDISPLAY);
        } catch (IllegalStateException e) {
            // readLine just returned: the next one draws the new prompt
        }
    }

    /** Rings the terminal bell (if allowed). */
    synchronized void ring() {
        if (bell) {
            terminal.puts(InfoCmp.Capability.bell);
            terminal.flush();
        }
    }

    private void printAbove(AttributedString line) {
        if (reader != null) {
            reader.printAbove(line);
        } else {
            terminal.writer().println(line.toAnsi(terminal));
            terminal.flush();
        }
    }

    /** The status bar: {@code [2:#ops] [Act: 1:#lobby(3) 3:bob(1!)]}. */
    AttributedString statusLine() {
        AttributedStringBuilder b = new AttributedStringBuilder();
        Window current = windows.current();
        b.styled(BAR, "[").append(current == null ? "no window" : windows.number(current) + ":" + current.label())
                .styled(BAR, "]");
        List<Windows.Numbered> active = windows.activity();
        if (!active.isEmpty()) {
            b.styled(BAR, " [").append("Act: ");
            for (int i = 0; i < active.size(); i++) {
                Windows.Numbered n = active.get(i);
                String text = n.number() + ":" + n.window().label() + "(" + n.window().unread()
                        + (n.window().mentioned() ? "!" : "") + ")";
                if (i > 0) {
                    b.append(' ');
                }
                b.styled(n.window().mentioned() ? HOT : AttributedStyle.DEFAULT, text);
            }
            b.styled(BAR, "]");
        }
        return b.toAttributedString();
    }

    /**
     * Redraws the status bar. While the reader is reading, through {@link #STATUS_WIDGET}, which
     * {@link LineReader#callWidget} runs on this thread inside JLine's lock, so the bar is never
     * drawn in the middle of JLine drawing the input line.
     */
    private void updateStatus() {
        if (status == null) {
            return;
        }
        pendingStatus = statusLine();
        if (pendingStatus.equals(drawnStatus)) {
            return;
        }
        if (reader != null && reader.isReading()) {
            try {
                reader.callWidget(STATUS_WIDGET);
                return;
            } catch (IllegalStateException e) {
                // readLine just returned: draw it directly
            }
        }
        drawStatus();
    }

    /** The name of the widget that draws the status bar (registered by the UI). */
    static final String STATUS_WIDGET = "chat-status";

    private AttributedString pendingStatus = AttributedString.EMPTY;
    private AttributedString drawnStatus;

    /** The body of {@link #STATUS_WIDGET}: only ever called from {@link #updateStatus}. */
    boolean drawStatus() {
        if (status != null) {
            status.update(List.of(pendingStatus));
            drawnStatus = pendingStatus;
        }
        return true;
    }
}
