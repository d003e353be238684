package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.protocol.ServerMessage.ChatMessage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code --log-dir}: a plain-text log per room ({@code #ops.log}) and per direct conversation
 * ({@code bob.log}, the nick in lower case), appended to across runs, one line per message or
 * event with date and time: {@code 2026-01-01 14:02:03 <bob> deploy done}. Control characters
 * are shown in caret notation, so every message is one line (and {@code grep} works). Files are
 * created readable by us only (they hold private messages). At most {@value #MAX_OPEN} files are
 * open at a time. A write that fails is reported once, and logging stops.
 */
final class ChatLog implements AutoCloseable {
    static final int MAX_OPEN = 16;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path dir;
    private final ZoneId zone;
    private final Consumer<String> problem;
    private final Map<String, Writer> open = new LinkedHashMap<>(MAX_OPEN, 0.75f, true);
    private boolean failed;

    /** @param dir where the files go; null: log nothing
     * @param problem told (once) why logging stopped */
    ChatLog(Path dir, ZoneId zone, Consumer<String> problem) {
        this.dir = dir;
        this.zone = zone;
        this.problem = problem;
    }

    /** The file a window's lines go to. */
    Path file(Window w) {
        return dir.resolve(w.key() + ".log");
    }

    /** A message shown in window {@code w}; {@code me} is our nick when we sent it. */
    synchronized void message(Window w, ChatMessage m, String me) {
        String from = singleLine(m.from().isEmpty() ? me : m.from());
        String text = singleLine(m.text());
        line(w, m.ts(), m.action() ? "* " + from + " " + text : "<" + from + "> " + text);
    }

    /** Any other line of a window: a member event, a topic. */
    synchronized void event(Window w, long ts, String text) {
        line(w, ts, singleLine(text));
    }

    private void line(Window w, long ts, String text) {
        if (failed || dir == null) {
            return;
        }
        try {
            Writer out = writer(w);
            out.write(STAMP.format(Instant.ofEpochMilli(ts).atZone(zone)) + " " + text + "\n");
            out.flush();
        } catch (IOException | RuntimeException e) {
            failed = true;
            close();
            problem.accept("logging to " + dir + " stopped: " + e.getMessage());
        }
    }

    private Writer writer(Window w) throws IOException {
        Writer out = open.get(w.key());
        if (out != null) {
            return out;
        }
        if (open.size() >= MAX_OPEN) {
            Iterator<Writer> eldest = open.values().iterator();
            eldest.next().close();
            eldest.remove();
        }
        Files.createDirectories(dir);
        Path file = file(w);
        try {
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default
            }
        } catch (FileAlreadyExistsException e) {
            // appended to
        }
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        open.put(w.key(), out);
        return out;
    }

    @Override
    public synchronized void close() {
        for (Writer w : open.values()) {
            try {
                w.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        open.clear();
    }
}
