package dev.chat.client.session;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Room messages on their way to the server, each sent as {@code say} with an {@code id} and
 * done only when the server answered {@code ok} (or an error). This is what lets a script exit
 * exactly when everything it sent has arrived, and what makes outages lossless for senders too.
 *
 * <p>At most {@code window} messages are unanswered at a time. When the connection drops, a
 * message whose own echo ({@code message} from us) was already seen has arrived; the others
 * are "in doubt": the server may have stored one and lost only its {@code ok}. After the
 * reconnect the missed messages are fetched with {@code history after_seq}; an in-doubt message
 * found there (our nick, same room and text, oldest first) is done, the rest are sent again.
 * So nothing is lost and nothing shown twice. {@code rate_limited} refusals are not failures:
 * sending pauses (doubling up to 5 s) and the message goes again, in its place: messages are
 * sent in submission order, resends included. After the first refusal only one message is in
 * flight at a time, so a refused one cannot be overtaken by the next (the server's rate is the
 * bottleneck then, not the round trip). Only the burst in flight when the first refusal comes
 * can be reordered, and only if the server's bucket refills in the middle of it.
 * {@code unavailable} refusals (the server did not apply the message: a cluster failing over,
 * a store that cannot write) are handled the same way, one message at a time until the next
 * {@code ok}, for up to {@link #UNAVAILABLE_RETRY_MS}; then the refusal is reported.
 *
 * <p>Thread-safe. {@code transport} must not block (a {@code Connection} queues).
 */
public final class Outbox {

    /** Sends one message; returns false when it could not be queued. */
    @FunctionalInterface
    public interface Transport {
        boolean send(ClientMessage message);
    }

    private static final long MAX_PAUSE_MS = 5000;
    /**
     * How long a message refused with {@code unavailable} is offered again before the refusal is
     * reported. The server answers {@code unavailable} only for what it did not apply (a cluster
     * failing over, a store that cannot write), so sending it again cannot store it twice.
     */
    static final long UNAVAILABLE_RETRY_MS = 60_000;

    private static final class Item {
        final long order;         // submission order: resends keep their place
        final String room;
        final String text;
        final boolean action;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean echoSeen;
        long unavailableSince = -1; // System.nanoTime() of its first unavailable, or -1

        Item(long order, String room, String text, boolean action) {
            this.order = order;
            this.room = room;
            this.text = text;
            this.action = action;
        }
    }

    private final int window;
    private final LongSupplier ids;
    private final ScheduledExecutorService timer;
    private final PriorityQueue<Item> waiting = new PriorityQueue<>(Comparator.comparingLong((Item i) -> i.order));
    private final Map<Long, Item> inFlight = new LinkedHashMap<>();
    private final List<Item> inDoubt = new ArrayList<>();
    private Transport transport;
    private long pausedUntil;     // System.nanoTime() before which nothing is sent
    private int rateLimits;       // consecutive refusals, for the pause length
    private boolean pumpScheduled;
    private boolean careful;      // rate limited once: one message at a time from now on
    private boolean recovering;   // refused as unavailable: one message at a time until an ok
    private int unavailables;     // consecutive unavailable refusals, for the pause length
    private long submitted;

    /**
     * @param window most messages sent and not yet answered
     * @param ids request ids, unique across the session
     * @param timer runs the resume after a rate-limit pause
     */
    public Outbox(int window, LongSupplier ids, ScheduledExecutorService timer) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.window = window;
        this.ids = ids;
        this.timer = timer;
    }

    /** Queues a message; the future completes on {@code ok}, or with a {@link ServerError}. */
    public CompletableFuture<Void> submit(String room, String text) {
        return submit(room, text, false);
    }

    /**
     * Queues a message, an action ({@code /me}) when {@code action} is true. Its echo is matched
     * by room and text only: a server that does not know actions echoes it as a plain message.
     */
    public synchronized CompletableFuture<Void> submit(String room, String text, boolean action) {
        Item item = new Item(submitted++, room, text, action);
        waiting.add(item);
        pump();
        return item.done;
    }

    /** Messages not yet answered: waiting, in flight and in doubt. */
    public synchronized int size() {
        return waiting.size() + inFlight.size() + inDoubt.size();
    }

    /** Waits until fewer than {@code n} messages are unanswered, or the time is up. */
    public synchronized boolean awaitBelow(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (size() >= n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** An {@code ok}; returns whether it answered one of ours. */
    public synchronized boolean onOk(Object id) {
        Item item = id instanceof Long l ? inFlight.remove(l) : null;
        if (item == null) {
            return false;
        }
        rateLimits = 0;
        unavailables = 0;
        recovering = false;
        finish(item, null);
        pump();
        return true;
    }

    /** An {@code error} with an id; returns whether it answered one of ours. */
    public synchronized boolean onError(Object id, ServerMessage.Error error) {
        Item item = id instanceof Long l ? inFlight.remove(l) : null;
        if (item == null) {
            return false;
        }
        if (ErrorCode.RATE_LIMITED.equals(error.code())) {
            item.echoSeen = false;
            waiting.add(item);
            careful = true;
            rateLimits++;
            long pause = Math.min(MAX_PAUSE_MS, 250L << Math.min(rateLimits - 1, 10));
            pausedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause);
            schedulePump(pause);
        } else if (ErrorCode.UNAVAILABLE.equals(error.code()) && retryUnavailable(item)) {
            item.echoSeen = false;
            waiting.add(item);
            recovering = true;
            unavailables++;
            long pause = Math.min(MAX_PAUSE_MS, 250L << Math.min(unavailables - 1, 10));
            pausedUntil = Math.max(pausedUntil, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause));
            schedulePump(pause);
        } else {
            finish(item, new ServerError(error));
            pump();
        }
        return true;
    }

    /**
     * A room message from us was shown (live, or fetched after a reconnect). Settles the oldest
     * in-doubt message with the same room and text; failing that, remembers the echo on the
     * oldest such message in flight.
     */
    public synchronized void onOwnMessage(String room, String text) {
        Predicate<Item> same = i -> i.room.equals(room) && i.text.equals(text);
        for (Iterator<Item> it = inDoubt.iterator(); it.hasNext(); ) {
            Item i = it.next();
            if (same.test(i)) {
                it.remove();
                finish(i, null);
                return;
            }
        }
        for (Item i : inFlight.values()) {
            if (!i.echoSeen && same.test(i)) {
                i.echoSeen = true;
                return;
            }
        }
    }

    /** The connection is gone: what was in flight is now settled (echo seen) or in doubt. */
    public synchronized void onDisconnected() {
        transport = null;
        for (Item i : inFlight.values()) {
            if (i.echoSeen) {
                finish(i, null);
            } else {
                inDoubt.add(i);
            }
        }
        inFlight.clear();
    }

    /**
     * Connected again and caught up: in-doubt messages that did not show up in the fetched
     * history were lost with the connection and go again, ahead of everything newer.
     */
    public synchronized void onResumed(Transport t) {
        waiting.addAll(inDoubt);
        inDoubt.clear();
        transport = t;
        pump();
    }

    /** Fails everything unanswered (the session is closing). */
    public synchronized void abandon(Throwable cause) {
        List<Item> all = new ArrayList<>(waiting);
        all.addAll(inFlight.values());
        all.addAll(inDoubt);
        waiting.clear();
        inFlight.clear();
        inDoubt.clear();
        transport = null;
        for (Item i : all) {
            i.done.completeExceptionally(cause);
        }
        notifyAll();
    }

    /** Whether an {@code unavailable} refusal of this message is still within its retry time. */
    private boolean retryUnavailable(Item item) {
        long now = System.nanoTime();
        if (item.unavailableSince < 0) {
            item.unavailableSince = now;
        }
        return now - item.unavailableSince < TimeUnit.MILLISECONDS.toNanos(UNAVAILABLE_RETRY_MS);
    }

    private void finish(Item item, Throwable error) {
        if (error == null) {
            item.done.complete(null);
        } else {
            item.done.completeExceptionally(error);
        }
        notifyAll();
    }

    private void pump() {
        if (transport == null) {
            return;
        }
        long now = System.nanoTime();
        if (now < pausedUntil) {
            schedulePump(TimeUnit.NANOSECONDS.toMillis(pausedUntil - now) + 1);
            return;
        }
        int limit = careful || recovering ? 1 : window;
        while (!waiting.isEmpty() && inFlight.size() < limit) {
            Item item = waiting.poll();
            long id = ids.getAsLong();
            inFlight.put(id, item);
            if (!transport.send(new ClientMessage.Say(id, item.room, item.text, item.action))) {
                return; // the connection is closing; onDisconnected puts the item in doubt
            }
        }
    }

    private void schedulePump(long delayMs) {
        if (pumpScheduled) {
            return;
        }
        pumpScheduled = true;
        timer.schedule(() -> {
            synchronized (this) {
                pumpScheduled = false;
                pump();
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }
}
