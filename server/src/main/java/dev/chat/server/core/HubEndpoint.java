package dev.chat.server.core;

import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the loops reach the hub: the consumer of {@link Addresses#HUB} for either backend's hub
 * verticle. It turns each {@link HubCall} into {@link Hub#handle} with the hub's share of the
 * request's deadline and always replies (an exception is answered {@code internal} and logged once
 * with its stack), each {@link Disconnected} into {@link Hub#disconnected}, and each
 * {@link UserLookup} into {@link Hub#lookup}.
 */
public final class HubEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(HubEndpoint.class);

    private HubEndpoint() {
    }

    /** How often the hub hands its room, member and session counts to {@code /metrics}. */
    public static final long COUNT_EVERY_MS = 500;

    /**
     * As {@link #register(Vertx, ServerConfig, Hub)}, and refreshes {@code chat_rooms},
     * {@code chat_room_members} and {@code chat_sessions} every {@link #COUNT_EVERY_MS} ms on the
     * hub's context (the gauges read the last counts: a scrape never touches the hub's state).
     */
    public static Future<Void> register(Vertx vertx, ServerConfig config, Hub hub, ServerMetrics metrics) {
        vertx.setPeriodic(COUNT_EVERY_MS, t -> hub.countInto(metrics));
        return register(vertx, config, hub);
    }

    /** Registers the consumer on the calling (hub's) context; completes once registered. */
    public static Future<Void> register(Vertx vertx, ServerConfig config, Hub hub) {
        Deadlines deadlines = new Deadlines(config.requestTimeout());
        return vertx.eventBus().<Object>localConsumer(Addresses.HUB, msg -> onMessage(msg, hub, deadlines)).completion();
    }

    private static void onMessage(Message<Object> msg, Hub hub, Deadlines deadlines) {
        Object body = msg.body();
        if (body instanceof HubCall call) {
            Future<ServerMessage> reply;
            try {
                reply = hub.handle(call.from(), call.message(), deadlines.forHub(call.deadline()));
            } catch (RuntimeException e) {
                LOG.error("{} of session #{} failed; answered internal", call.message().type(), call.from().sessionId(), e);
                reply = Future.succeededFuture(Refusal.INTERNAL.to(call.message()));
            }
            reply.onComplete(ar -> msg.reply(ar.succeeded() ? ar.result() : Refusal.INTERNAL.to(call.message()),
                    LocalCodec.LOCAL));
        } else if (body instanceof UserLookup q) {
            hub.lookup(q.nick()).onComplete(ar -> msg.reply(ar.succeeded() ? ar.result() : UserLookup.NOT_FOUND,
                    LocalCodec.LOCAL));
        } else if (body == NetworkView.QUERY) {
            msg.reply(hub.network(), LocalCodec.LOCAL);
        } else if (body instanceof Disconnected d) {
            hub.disconnected(d.who(), d.quitReason());
        } else {
            LOG.error("unexpected hub message {}", body);
        }
    }
}
