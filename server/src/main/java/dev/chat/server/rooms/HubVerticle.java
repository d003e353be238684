package dev.chat.server.rooms;

import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;

/**
 * Owns the {@link ChatHub}: the one context in which the chat's shared state changes. Sessions
 * reach it with {@link HubCall} and {@link Disconnected} messages on {@link Addresses#HUB}; it
 * fans out to the TCP loops at {@link Addresses#loop(int)}.
 */
public final class HubVerticle extends VerticleBase {
    private final ServerConfig config;
    private final String nodeId;
    private ChatHub hub;

    public HubVerticle(ServerConfig config, String nodeId) {
        this.config = config;
        this.nodeId = nodeId;
    }

    @Override
    public Future<?> start() {
        String[] loopAddresses = new String[config.tcpInstances()];
        for (int i = 0; i < loopAddresses.length; i++) {
            loopAddresses[i] = Addresses.loop(i);
        }
        hub = new ChatHub(config, nodeId, new InMemoryHistory(config.historyLimit()),
                (loop, delivery) -> vertx.eventBus().send(loopAddresses[loop], delivery, LocalCodec.LOCAL),
                System::currentTimeMillis);
        return vertx.eventBus().localConsumer(Addresses.HUB, this::onMessage).completion();
    }

    private void onMessage(Message<Object> msg) {
        Object body = msg.body();
        if (body instanceof HubCall call) {
            ServerMessage reply = hub.handle(call.from(), call.message());
            msg.reply(reply, LocalCodec.LOCAL);
        } else if (body instanceof Disconnected d) {
            hub.disconnected(d.who());
        } else {
            throw new IllegalArgumentException("unexpected hub message " + body);
        }
    }
}
