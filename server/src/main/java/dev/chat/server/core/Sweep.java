package dev.chat.server.core;

import dev.chat.protocol.Ping;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One loop's periodic sweep over its sessions, whatever their transport (one timer per loop, not
 * per connection, keeps an idle connection cheap):
 * <ul>
 *   <li>no {@code hello} within {@code --hello-timeout}: {@code bye}, closed;
 *   <li>a message started and not finished within {@code --frame-timeout}: {@code bye}, closed;
 *   <li>nothing heard for {@code --heartbeat}: {@code ping}; for twice that: {@code bye}, closed.
 * </ul>
 * Heard means a whole request (a frame, a line), or the hub's last answer to the session, whichever
 * is later; a session whose reading is paused is never silent (it is waiting for us).
 */
final class Sweep {
    private final ChatLoop loop;
    private final long heartbeat;
    private final long helloTimeout;
    private final long frameTimeout;

    Sweep(ChatLoop loop, ServerConfig config) {
        this.loop = loop;
        this.heartbeat = config.heartbeat().toNanos();
        this.helloTimeout = config.helloTimeout().toNanos();
        this.frameTimeout = config.frameTimeout().toNanos();
    }

    /** A quarter of the shortest timeout, between 20 ms and 1 s. */
    long periodMillis() {
        long shortest = TimeUnit.NANOSECONDS.toMillis(Math.min(heartbeat, Math.min(helloTimeout, frameTimeout)));
        return Math.max(20, Math.min(1000, shortest / 4));
    }

    void run(long now) {
        SessionTable sessions = loop.sessions();
        List<Session> expired = null;
        List<String> reasons = null;
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            if (s.closing()) {
                continue;
            }
            if (s.readsPaused()) {
                s.heard(now); // we stopped reading it: not the client's silence
            }
            long idle = now - s.lastHeard();
            long started = s.connection().incompleteSince();
            String reason = null;
            if (!s.registered() && !s.helloSent() && now - s.openedAt() > helloTimeout) {
                reason = "no hello within " + millis(helloTimeout) + " ms";
            } else if (started != Long.MIN_VALUE && now - started > frameTimeout) {
                reason = "a frame was not completed within " + millis(frameTimeout) + " ms";
            } else if (idle > 2 * heartbeat) {
                reason = "silent for " + millis(idle) + " ms";
            } else if (idle > heartbeat && !s.pingSent()) {
                s.pingSent(true);
                s.send(new Ping(null));
            }
            if (reason != null) {
                if (expired == null) {
                    expired = new ArrayList<>();
                    reasons = new ArrayList<>();
                }
                expired.add(s);
                reasons.add(reason);
            }
        }
        if (expired != null) {
            for (int i = 0; i < expired.size(); i++) {
                String reason = reasons.get(i);
                loop.close(expired.get(i), reason, new ServerMessage.Bye(reason));
            }
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
