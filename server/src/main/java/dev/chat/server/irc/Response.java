package dev.chat.server.irc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer to one client command, which may take several core round trips. Without a label
 * its lines go out as they come. With a {@code label} (IRCv3 "Labeled Responses") they are held
 * until the command is done, then sent as the spec asks: nothing becomes {@code ACK}, one line
 * carries the label, a response that is one batch carries it on the batch's start, anything
 * else is wrapped in a {@code labeled-response} batch.
 *
 * <p>A command holds its response while work is outstanding ({@link #hold}, {@link #release});
 * the last release finishes it.
 */
final class Response {
    private final IrcSession session;
    private final String label;
    private final List<IrcLine> lines;
    private int holds;
    private boolean finished;

    Response(IrcSession session, String label) {
        this.session = session;
        this.label = label;
        this.lines = label == null ? null : new ArrayList<>(4);
    }

    boolean labeled() {
        return label != null;
    }

    void add(IrcLine line) {
        if (finished) {
            session.write(line); // a late line (after a forced finish): still delivered, unlabeled
        } else if (label == null) {
            session.write(line);
        } else {
            lines.add(line);
        }
    }

    void addAll(List<IrcLine> more) {
        for (IrcLine l : more) {
            add(l);
        }
    }

    void hold() {
        holds++;
    }

    void release() {
        if (--holds == 0 && !finished) {
            finish();
        }
    }

    /** Sends what there is now, even though work is outstanding (used when giving up on it). */
    void finishNow() {
        if (!finished) {
            finish();
        }
    }

    private void finish() {
        finished = true;
        if (label == null) {
            return;
        }
        Map<String, String> tag = Map.of("label", label);
        if (lines.isEmpty()) {
            session.write(new IrcLine(tag, session.replies().server(), "ACK", List.of(), false));
        } else if (lines.size() == 1) {
            session.write(lines.get(0).withTagsFirst(tag));
        } else if (isOneBatch(lines)) {
            session.write(lines.get(0).withTagsFirst(tag));
            for (int i = 1; i < lines.size(); i++) {
                session.write(lines.get(i));
            }
        } else {
            String ref = session.nextBatchRef();
            session.write(new IrcLine(tag, session.replies().server(), "BATCH", List.of("+" + ref, "labeled-response"),
                    false));
            for (IrcLine l : lines) {
                session.write(l.tag("batch") == null ? l.withTagsFirst(Map.of("batch", ref)) : l);
            }
            session.write(IrcLine.of(session.replies().server(), "BATCH", "-" + ref));
        }
        lines.clear();
    }

    /** The lines are {@code BATCH +r ...}, lines inside r, {@code BATCH -r}: one logical message. */
    static boolean isOneBatch(List<IrcLine> lines) {
        IrcLine first = lines.get(0);
        IrcLine last = lines.get(lines.size() - 1);
        if (!first.command().equals("BATCH") || !last.command().equals("BATCH") || first.tag("batch") != null) {
            return false;
        }
        String start = first.param(0);
        if (start == null || !start.startsWith("+") || !("-" + start.substring(1)).equals(last.param(0))) {
            return false;
        }
        Set<String> inside = new HashSet<>();
        inside.add(start.substring(1));
        for (int i = 1; i < lines.size() - 1; i++) {
            IrcLine l = lines.get(i);
            if (!inside.contains(l.tag("batch"))) {
                return false;
            }
            String p = l.param(0);
            if (l.command().equals("BATCH") && p != null && p.startsWith("+")) {
                inside.add(p.substring(1)); // a nested batch
            }
        }
        return last.tag("batch") == null;
    }
}
