package dev.chat.client.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;

/**
 * The windows of the interactive client, numbered from 1 in the order they were opened (closing
 * one renumbers the ones after it, as irssi does), and which one is current. Room windows open
 * when a room is joined; a direct conversation's window opens with its first message, either
 * way. At most {@value #MAX_DIRECT} conversation windows stay open: the one unused longest
 * makes room for a new one. Not thread-safe: {@link ChatScreen} guards it.
 */
final class Windows {
    static final int MAX_DIRECT = 50;

    /** A window and its number, for the activity list. */
    record Numbered(int number, Window window) {
    }

    /** A line found by {@link #search}. */
    record Found(int number, Window window, AttributedString line) {
    }

    private final List<Window> list = new ArrayList<>();
    private final List<Window> directUse = new ArrayList<>(); // least recently used first
    private Window current;

    /** The current window, or null when none is open. */
    Window current() {
        return current;
    }

    List<Window> all() {
        return List.copyOf(list);
    }

    /** The window with {@code key}, or null. */
    Window find(String key) {
        for (Window w : list) {
            if (w.key().equals(key)) {
                return w;
            }
        }
        return null;
    }

    /** The room's window, opened (at the end) if needed; becomes current when none is. */
    Window room(String room) {
        return open(Window.room(room));
    }

    /** The window of the conversation with {@code nick}, opened if needed. */
    Window direct(String nick) {
        Window w = open(Window.direct(nick));
        w.rename(nick);
        directUse.remove(w);
        directUse.add(w);
        return w;
    }

    private Window open(Window fresh) {
        Window w = find(fresh.key());
        if (w != null) {
            return w;
        }
        if (fresh.kind() == Window.Kind.DIRECT && directUse.size() >= MAX_DIRECT) {
            Window oldest = directUse.stream().filter(d -> d != current).findFirst().orElse(null);
            if (oldest != null) {
                close(oldest);
            }
        }
        list.add(fresh);
        if (current == null) {
            current = fresh;
        }
        return fresh;
    }

    /** Closes a window; when it was current, the one before it (or the first) becomes current. */
    void close(Window w) {
        int i = list.indexOf(w);
        if (i < 0) {
            return;
        }
        list.remove(i);
        directUse.remove(w);
        if (w == current) {
            current = list.isEmpty() ? null : list.get(Math.max(0, i - 1));
            if (current != null) {
                current.markRead();
            }
        }
    }

    /** 1-based number of a window, or 0 when it is not open. */
    int number(Window w) {
        return list.indexOf(w) + 1;
    }

    /** The window with this number, or null. */
    Window byNumber(int n) {
        return n >= 1 && n <= list.size() ? list.get(n - 1) : null;
    }

    /** Makes {@code w} current and marks it read. */
    void select(Window w) {
        if (list.contains(w)) {
            current = w;
            w.markRead();
        }
    }

    /**
     * Adds a line to a window. A message ({@code activity}) in a window that is not current
     * counts as unread there; {@code mention}: it named us, or is a direct message to us.
     */
    void add(Window w, AttributedString line, boolean activity, boolean mention) {
        w.add(line);
        if (activity && w != current) {
            w.markUnread(mention);
        }
    }

    /** Windows with unread messages, by number. */
    List<Numbered> activity() {
        List<Numbered> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).unread() > 0) {
                out.add(new Numbered(i + 1, list.get(i)));
            }
        }
        return out;
    }

    /** Lines of every window containing {@code text} (ignoring case), oldest first per window. */
    List<Found> search(String text, int max) {
        String needle = text.toLowerCase(Locale.ROOT);
        List<Found> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Window w = list.get(i);
            for (AttributedString line : w.lines()) {
                if (line.toString().toLowerCase(Locale.ROOT).contains(needle)) {
                    out.add(new Found(i + 1, w, line));
                }
            }
        }
        return out.size() <= max ? out : out.subList(out.size() - max, out.size());
    }
}
