package dev.chat.server.irc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer to one client command, which may take several core round trips.
 *
 * <p>Order: lines come out in the order the command asked for them, not the order the core
 * answered. Each piece of outstanding work (a request to the core, a hook callback) gets a
 * {@link Slot} in line; lines added while that work's continuation runs go into its slot, lines
 * added directly go after every slot opened so far, and a slot's lines go out once every slot
 * before it is done. So {@code PART #a,#bad!} answers {@code #a} first even though {@code #bad!}
 * is refused at once.
 *
 * <p>Label: without one, lines go out as soon as their turn comes. With a {@code label} (IRCv3
 * "Labeled Responses") they are held until the command is done, then sent as the spec asks:
 * nothing becomes {@code ACK}, one line carries the label, a response that is one batch carries
 * it on the batch's start, anything else is wrapped in a {@code labeled-response} batch.
 */
final class Response {

    /** A place in line for the lines of one piece of outstanding work. */
    static final class Slot {
        private final List<IrcLine> lines = new ArrayList<>(2);
        private boolean done;
    }

    private final IrcSession session;
    private final String label;
    private final List<IrcLine> labeled;
    private final List<Slot> slots = new ArrayList<>(2);
    private Slot current;
    private int holds;
    private boolean finished;

    Response(IrcSession session, String label) {
        this.session = session;
        this.label = label;
        this.labeled = label == null ? null : new ArrayList<>(4);
    }

    void add(IrcLine line) {
        if (finished) {
            session.write(line); // late (after a forced finish): still delivered, unlabeled
        } else if (current != null) {
            current.lines.add(line);
        } else if (slots.isEmpty()) {
            emit(line);
        } else {
            Slot tail = slots.get(slots.size() - 1);
            if (!tail.done) {
                tail = new Slot();
                tail.done = true;
                slots.add(tail);
            }
            tail.lines.add(line);
        }
    }

    void addAll(List<IrcLine> more) {
        for (IrcLine l : more) {
            add(l);
        }
    }

    /** Opens a slot for work that will answer later; the response is held until {@link #close}. */
    Slot open() {
        hold();
        Slot slot = new Slot();
        int at = current == null ? -1 : slots.indexOf(current);
        if (at >= 0) {
            slots.add(at + 1, slot); // work started by a continuation answers right after it
        } else {
            slots.add(slot);
        }
        return slot;
    }

    /** Runs {@code work}, whose added lines go into {@code slot}. */
    void into(Slot slot, Runnable work) {
        Slot outer = current;
        current = slot;
        try {
            work.run();
        } finally {
            current = outer;
        }
    }

    /** The slot's work is done: its lines may go once the slots before it are done too. */
    void close(Slot slot) {
        if (slot.done) {
            return;
        }
        slot.done = true;
        while (!slots.isEmpty() && slots.get(0).done) {
            for (IrcLine l : slots.remove(0).lines) {
                emit(l);
            }
        }
        release();
    }

    /** {@link #into} then {@link #close}: for a callback that completes its work. */
    void complete(Slot slot, Runnable work) {
        try {
            into(slot, work);
        } finally {
            close(slot);
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

    private void emit(IrcLine line) {
        if (label == null || finished) {
            session.write(line);
        } else {
            labeled.add(line);
        }
    }

    private void finish() {
        finished = true;
        if (label == null) {
            return;
        }
        Map<String, String> tag = Map.of("label", label);
        String server = session.replies().server();
        if (labeled.isEmpty()) {
            session.write(new IrcLine(tag, server, "ACK", List.of(), false));
        } else if (labeled.size() == 1 || isOneBatch(labeled)) {
            session.write(labeled.get(0).withTagsFirst(tag));
            for (int i = 1; i < labeled.size(); i++) {
                session.write(labeled.get(i));
            }
        } else {
            String ref = session.nextBatchRef();
            session.write(new IrcLine(tag, server, "BATCH", List.of("+" + ref, "labeled-response"), false));
            for (IrcLine l : labeled) {
                session.write(l.tag("batch") == null ? l.withTagsFirst(Map.of("batch", ref)) : l);
            }
            session.write(IrcLine.of(server, "BATCH", "-" + ref));
        }
        labeled.clear();
    }

    /** The lines are {@code BATCH +r ...}, lines inside r (or nested in it), {@code BATCH -r}. */
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
