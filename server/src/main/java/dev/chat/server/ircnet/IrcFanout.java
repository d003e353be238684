package dev.chat.server.ircnet;

import dev.chat.server.bus.Addresses;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Logins;
import dev.chat.server.core.Output;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Session;
import dev.chat.server.irc.RenderCache;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.net.VertxNetty;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One loop's output for its IRC connections, shaped as the framed port's
 * ({@code net.FrameScheduler}):
 *
 * <ul>
 *   <li><b>Render once.</b> A delivery (a room message, a member event, a direct message) is
 *       decoded once and rendered through one {@link RenderCache}: a room's members on this loop
 *       cost one render per distinct rendering (capability set), usually one, not one per member.
 *       A member other than the sender just appends the shared bytes to its pending output
 *       ({@link IrcConnection#write}); the sender (echo-message) and member events (shown once
 *       per user) go through the member's translator.</li>
 *   <li><b>Flush once per turn.</b> Each connection with something pending is noted once; one
 *       task per loop writes and flushes them all, so a member gets every line of the turn in one
 *       write. Flushes are at least {@link #FLUSH_SPACING_NANOS} apart: an idle loop writes right
 *       after the task that queued the line, a busy one writes each member a millisecond's lines
 *       at once.</li>
 * </ul>
 * Loop thread only.
 */
final class IrcFanout implements Output {
    /** As the framed port's flush spacing: flushes of one loop are at least this far apart. */
    static final long FLUSH_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ChatLoop loop;
    private final ServerMetrics metrics;
    /** Bytes on their way from a socket to a line reader (which copies what it keeps): one per loop. */
    private final byte[] scratch = new byte[16 * 1024];
    /** Connections with lines pending, each once, until the next flush. */
    private final ArrayDeque<IrcConnection> dirty = new ArrayDeque<>();
    private boolean flushScheduled;
    private long lastFlushAt = System.nanoTime() - FLUSH_SPACING_NANOS;
    private final Handler<Void> flushTask = v -> flushDirty();
    private final Runnable flushLater = () -> loop().loopContext().runOnContext(flushTask);
    private EventExecutor eventLoop;

    /** This loop's open IRC connections (for what reaches them outside a delivery: away-notify). */
    private final Set<IrcConnection> connections = Collections.newSetFromMap(new IdentityHashMap<>());
    private final IrcUsers users;
    private final Logins logins;

    /** Made on the loop's context ({@link ChatLoop#output}): the away consumer runs there. */
    IrcFanout(ChatLoop loop) {
        this.loop = loop;
        this.metrics = loop.metrics();
        this.users = IrcUsers.of(loop.vertx());
        loop.vertx().eventBus().<IrcUsers.AwayChange>localConsumer(Addresses.IRC_AWAY, m -> away(m.body()));
        this.logins = Logins.of(loop.vertx());
        loop.vertx().eventBus().<Logins.Change>localConsumer(Addresses.ACCOUNT_CHANGES, m -> account(m.body()));
    }

    IrcUsers users() {
        return users;
    }

    /** This node's logged-in sessions. */
    Logins logins() {
        return logins;
    }

    private void account(Logins.Change change) {
        for (IrcConnection c : connections) {
            c.onAccount(change);
        }
    }

    void opened(IrcConnection c) {
        connections.add(c);
    }

    void closed(IrcConnection c) {
        connections.remove(c);
    }

    private void away(IrcUsers.AwayChange change) {
        for (IrcConnection c : connections) {
            c.onAway(change);
        }
    }

    ChatLoop loop() {
        return loop;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    byte[] scratch() {
        return scratch;
    }

    @Override
    public void deliver(Delivery d) {
        RenderCache cache = null;
        int delivered = 0;
        for (Recipient r : d.to()) {
            Session s = (Session) r;
            if (s.closing() || !(s.connection() instanceof IrcConnection c)) {
                continue;
            }
            if (cache == null) {
                cache = new RenderCache(d.event(), System.currentTimeMillis()); // decoded once, on first need
            }
            c.onEvent(cache);
            delivered++;
        }
        if (d.chat() && delivered > 0) {
            metrics.messagesDelivered.add(delivered);
        }
    }

    /** {@code c} has lines pending: it is flushed with the others at the loop's next flush. */
    void markDirty(IrcConnection c) {
        dirty.add(c);
        if (!flushScheduled) {
            flushScheduled = true;
            long wait = lastFlushAt + FLUSH_SPACING_NANOS - System.nanoTime();
            if (wait <= 0) {
                // after the tasks already queued on this loop: lines queued meanwhile share a write
                loop.loopContext().runOnContext(flushTask);
            } else {
                if (eventLoop == null) {
                    eventLoop = VertxNetty.eventLoop(loop.loopContext());
                }
                eventLoop.schedule(flushLater, wait, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        lastFlushAt = System.nanoTime();
        IrcConnection c;
        while ((c = dirty.poll()) != null) {
            c.flush();
        }
    }

    /** The loop stops (its connections are closed): what is pending goes out. */
    @Override
    public void close() {
        flushDirty();
    }
}
