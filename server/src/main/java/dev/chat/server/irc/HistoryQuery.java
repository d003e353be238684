package dev.chat.server.irc;

import dev.chat.protocol.ServerMessage.ChatMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One IRCv3 {@code CHATHISTORY} query (draft "chathistory": {@code LATEST}, {@code BEFORE},
 * {@code AFTER}, {@code AROUND}, {@code BETWEEN}) answered with the chat protocol's only history
 * request, {@code history{room, after_seq?, limit}}: "the latest n" or "the first n after seq s".
 *
 * <p>Every query becomes a range of seqs, both ends excluded, and whether its first or last
 * {@code limit} messages are wanted. A message reference {@code msgid=room:seq} is a seq
 * already. A {@code timestamp=} is turned into a seq by binary search over the room's history
 * with one-message probes ({@code after_seq = k-1, limit 1}): at most about log2(last seq) + 1
 * requests, and none when the time is after the newest message. "The last n before seq s" is
 * {@code after_seq = s-1-n}: exact because a room's seqs have no gaps (they start at 1 and grow
 * by one; only the oldest messages are dropped when the history is full). The search assumes
 * that {@code ts} grows with {@code seq}, which holds as long as the sequencing node's clock
 * does not jump back.
 */
final class HistoryQuery {

    /** The chat core's history, asked one page at a time; {@code done} gets {@code null} on failure. */
    interface Fetch {
        void history(Long afterSeq, int limit, Consumer<List<ChatMessage>> done);
    }

    /** A message reference: a seq, a time, or {@code *} (LATEST only). */
    sealed interface Ref permits Seq, Time, Star {
    }

    record Seq(long seq) implements Ref {
    }

    record Time(long millis) implements Ref {
    }

    record Star() implements Ref {
    }

    enum Sub { LATEST, BEFORE, AFTER, AROUND, BETWEEN }

    private static final long NONE = Long.MAX_VALUE;
    private static final int MAX_PROBES = 64;

    private final Sub sub;
    private final Ref a;
    private final Ref b;
    private final int limit;
    private final Fetch fetch;
    private int probes;
    private Consumer<List<ChatMessage>> result;
    private boolean finished;

    HistoryQuery(Sub sub, Ref a, Ref b, int limit, Fetch fetch) {
        this.sub = sub;
        this.a = a;
        this.b = b;
        this.limit = limit;
        this.fetch = fetch;
    }

    /**
     * Parses {@code *}, {@code msgid=<room>:<seq>} (or a bare seq) and
     * {@code timestamp=YYYY-MM-DDThh:mm:ss.sssZ}; {@code null} if it is none of these or names
     * another room.
     */
    static Ref parseRef(String raw, String room) {
        if (raw.equals("*")) {
            return new Star();
        }
        if (raw.startsWith("msgid=")) {
            String id = raw.substring(6);
            int colon = id.lastIndexOf(':');
            if (colon >= 0) {
                if (!id.substring(0, colon).toLowerCase(Locale.ROOT).equals(room)) {
                    return null;
                }
                id = id.substring(colon + 1);
            }
            return id.matches("\\d{1,18}") ? new Seq(Long.parseLong(id)) : null;
        }
        if (raw.startsWith("timestamp=")) {
            try {
                return new Time(Instant.parse(raw.substring(10)).toEpochMilli());
            } catch (DateTimeParseException | ArithmeticException e) {
                return null;
            }
        }
        return null;
    }

    /** Whether the references fit the subcommand ({@code *} only for LATEST, two for BETWEEN). */
    boolean valid() {
        boolean twoRefs = sub == Sub.BETWEEN;
        if (a == null || (twoRefs && (b == null || b instanceof Star))) {
            return false;
        }
        return sub == Sub.LATEST || !(a instanceof Star);
    }

    /** Runs the query: {@code done} gets the messages in seq order, or {@code null} if the core failed. */
    void run(Consumer<List<ChatMessage>> whenDone) {
        this.result = whenDone;
        Consumer<List<ChatMessage>> done = this::finish;
        switch (sub) {
            case LATEST -> lower(a, lo -> range(lo, NONE, true, done));
            case BEFORE -> upper(a, hi -> range(0, hi, true, done));
            case AFTER -> lower(a, lo -> range(lo, NONE, false, done));
            case AROUND -> center(a, c -> range(Math.max(0, c - 1 - limit / 2), NONE, false, done));
            case BETWEEN -> center(a, ca -> center(b, cb -> {
                if (ca == cb) {
                    done.accept(List.of());
                } else if (ca < cb) {
                    lower(a, lo -> upper(b, hi -> range(lo, hi, false, done)));
                } else {
                    lower(b, lo -> upper(a, hi -> range(lo, hi, true, done)));
                }
            }));
        }
    }

    private void finish(List<ChatMessage> messages) {
        if (!finished) {
            finished = true;
            result.accept(messages);
        }
    }

    /** The highest seq excluded from below: messages strictly after the reference. */
    private void lower(Ref ref, LongConsumer k) {
        if (ref instanceof Seq s) {
            k.accept(s.seq());
        } else if (ref instanceof Time t) {
            boundary(t.millis() + 1, first -> k.accept(first - 1));
        } else {
            k.accept(0);
        }
    }

    /** The lowest seq excluded from above: messages strictly before the reference. */
    private void upper(Ref ref, LongConsumer k) {
        if (ref instanceof Seq s) {
            k.accept(s.seq());
        } else if (ref instanceof Time t) {
            boundary(t.millis(), k);
        } else {
            k.accept(NONE);
        }
    }

    private void center(Ref ref, LongConsumer k) {
        if (ref instanceof Time t) {
            boundary(t.millis(), k);
        } else {
            k.accept(ref instanceof Seq s ? s.seq() : 0);
        }
    }

    /** The first or last {@code limit} messages with {@code lo < seq < hi}. */
    private void range(long lo, long hi, boolean last, Consumer<List<ChatMessage>> done) {
        Long after;
        if (!last) {
            after = lo;
        } else if (hi == NONE) {
            after = null; // the latest
        } else {
            after = Math.max(lo, hi - 1 - limit);
        }
        if (hi != NONE && hi - lo <= 1) {
            done.accept(List.of());
            return;
        }
        fetch.history(after, limit, page -> {
            if (page == null) {
                done.accept(null);
                return;
            }
            List<ChatMessage> out = new ArrayList<>(page.size());
            for (ChatMessage m : page) {
                if (m.seq() != null && m.seq() > lo && m.seq() < hi) {
                    out.add(m);
                }
            }
            done.accept(out);
        });
    }

    /**
     * The seq of the first message with {@code ts >= millis}, or the newest seq + 1 if there is
     * none (1 for an empty room).
     */
    private void boundary(long millis, LongConsumer k) {
        fetch.history(null, 1, latest -> {
            if (latest == null) {
                finish(null);
                return;
            }
            if (latest.isEmpty()) {
                k.accept(1);
                return;
            }
            ChatMessage newest = latest.get(0);
            if (newest.ts() < millis) {
                k.accept(newest.seq() + 1);
            } else {
                search(1, newest.seq(), millis, k);
            }
        });
    }

    /** Smallest seq in {@code [lo, hi]} whose (first retained) message has {@code ts >= millis}; {@code hi} has. */
    private void search(long lo, long hi, long millis, LongConsumer k) {
        if (lo >= hi || ++probes > MAX_PROBES) {
            k.accept(hi);
            return;
        }
        long mid = lo + (hi - lo) / 2;
        fetch.history(mid - 1, 1, page -> {
            if (page == null) {
                finish(null);
                return;
            }
            if (page.isEmpty()) {
                k.accept(hi);
                return;
            }
            ChatMessage m = page.get(0); // the first message with seq >= mid
            if (m.ts() >= millis) {
                search(lo, mid, millis, k);
            } else {
                search(Math.min(m.seq() + 1, hi), hi, millis, k);
            }
        });
    }
}
