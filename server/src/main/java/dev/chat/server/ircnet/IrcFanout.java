package dev.chat.server.ircnet;

import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Output;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Session;
import dev.chat.server.irc.RenderCache;
import dev.chat.server.metrics.ServerMetrics;

/**
 * One loop's output for its IRC connections. A delivery (a room message, a member event, a
 * direct message) is decoded once and rendered through one {@link RenderCache}, so a room's
 * members on this loop cost one render per distinct capability set, not one per member; each
 * connection then writes the shared bytes ({@link IrcConnection#onEvent}). Writes are flushed
 * once per connection at the end of the loop's turn. Loop thread only.
 */
final class IrcFanout implements Output {
    private final ChatLoop loop;
    private final ServerMetrics metrics;
    /** Bytes on their way from a socket to a line reader (which copies what it keeps): one per loop. */
    private final byte[] scratch = new byte[16 * 1024];

    IrcFanout(ChatLoop loop) {
        this.loop = loop;
        this.metrics = loop.metrics();
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

    @Override
    public void close() {
        // nothing is held per loop: each connection's output is its own
    }
}
