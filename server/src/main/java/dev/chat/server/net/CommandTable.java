package dev.chat.server.net;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps each client message type to its handler, and applies the rules that hold for all of
 * them before any handler runs: before {@code hello} only {@code ping} and {@code quit} are
 * served; {@code say} and {@code dm} pass the connection's rate limit. Messages arrive here
 * already decoded and validated by {@link dev.chat.protocol.MessageCodec}.
 */
final class CommandTable {

    /** Handles one message of one session. */
    @FunctionalInterface
    interface Command {
        void handle(Session session, ClientMessage message);
    }

    private final Map<String, Command> commands = new HashMap<>();
    private final Map<String, Boolean> beforeHello = new HashMap<>();
    private final Map<String, Boolean> rateLimited = new HashMap<>();
    /** Null: no rate limit. */
    private final RateLimiter rate;

    CommandTable(RateLimiter rate) {
        this.rate = rate;
    }

    /** Registers a handler; {@code beforeHello}: also served to unregistered sessions. */
    CommandTable on(String type, boolean allowedBeforeHello, boolean subjectToRateLimit, Command command) {
        if (commands.putIfAbsent(type, command) != null) {
            throw new IllegalStateException("two handlers for " + type);
        }
        beforeHello.put(type, allowedBeforeHello);
        rateLimited.put(type, subjectToRateLimit);
        return this;
    }

    void dispatch(Session s, ClientMessage m, long now) {
        String type = m.type();
        Command c = commands.get(type);
        if (c == null) {
            throw new IllegalStateException("no handler for " + type); // every decodable type has one
        }
        if (!s.helloSent && !beforeHello.get(type) && !type.equals(ClientMessage.Hello.TYPE)) {
            s.send(new ServerMessage.Error(m.id(), ErrorCode.NOT_REGISTERED, "send hello first"));
            return;
        }
        if (rate != null && rateLimited.get(type) && !rate.tryAcquire(s, now)) {
            s.send(new ServerMessage.Error(m.id(), ErrorCode.RATE_LIMITED, "too many messages; slow down"));
            return;
        }
        c.handle(s, m);
    }
}
