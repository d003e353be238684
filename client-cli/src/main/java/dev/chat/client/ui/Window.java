package dev.chat.client.ui;

import dev.chat.protocol.Names;
import java.util.ArrayDeque;
import java.util.List;
import org.jline.utils.AttributedString;

/**
 * One window of the interactive client: a room, or a direct conversation with one nick. It
 * keeps the last {@value #MAX_LINES} lines shown in it (to redraw it when it becomes current,
 * and for {@code /search}), and while it is not current, how many messages arrived unseen and
 * whether one of them mentioned us. Not thread-safe: {@link ChatScreen} guards it.
 */
final class Window {
    static final int MAX_LINES = 2000;

    /** What the window is for. */
    enum Kind { ROOM, DIRECT }

    private final Kind kind;
    private final String key;
    private String name;
    private final ArrayDeque<AttributedString> lines = new ArrayDeque<>();
    private int unread;
    private boolean mentioned;

    private Window(Kind kind, String key, String name) {
        this.kind = kind;
        this.key = key;
        this.name = name;
    }

    /** The window of a room ({@code room}: its canonical name). */
    static Window room(String room) {
        return new Window(Kind.ROOM, roomKey(room), room);
    }

    /** The window of a direct conversation with {@code nick}. */
    static Window direct(String nick) {
        return new Window(Kind.DIRECT, directKey(nick), nick);
    }

    static String roomKey(String room) {
        return "#" + room;
    }

    static String directKey(String nick) {
        return Names.nickKey(nick);
    }

    Kind kind() {
        return kind;
    }

    boolean isRoom() {
        return kind == Kind.ROOM;
    }

    /** Unique among windows: {@code #room}, or the nick in lower case. */
    String key() {
        return key;
    }

    /** The room, or the nick of the other side as last seen. */
    String name() {
        return name;
    }

    /** How the window is named for people: {@code #ops}, or {@code bob}. */
    String label() {
        return isRoom() ? "#" + name : name;
    }

    /** The other side of a direct conversation changed nick. */
    void rename(String nick) {
        if (kind == Kind.DIRECT) {
            name = nick;
        }
    }

    void add(AttributedString line) {
        if (lines.size() >= MAX_LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    /** The lines kept, oldest first. */
    List<AttributedString> lines() {
        return List.copyOf(lines);
    }

    int unread() {
        return unread;
    }

    boolean mentioned() {
        return mentioned;
    }

    void markUnread(boolean mention) {
        unread++;
        mentioned |= mention;
    }

    void markRead() {
        unread = 0;
        mentioned = false;
    }
}
