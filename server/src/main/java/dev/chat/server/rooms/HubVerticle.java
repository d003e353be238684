package dev.chat.server.rooms;

import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.Hub;
import dev.chat.server.core.HubEndpoint;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The single-node hub: the one context in which the chat's shared state changes, a {@link Hub}
 * over {@link LocalRooms}. Loops reach it at {@link Addresses#HUB}; it fans out to them at
 * {@link Addresses#loop(int)}.
 */
public final class HubVerticle extends VerticleBase {
    private final ServerConfig config;
    private final String nodeId;
    private final Lanes lanes;

    public HubVerticle(ServerConfig config, String nodeId, Lanes lanes) {
        this.config = config;
        this.nodeId = nodeId;
        this.lanes = lanes;
    }

    @Override
    public Future<?> start() {
        Outbox outbox = outbox(vertx, lanes);
        LocalRooms rooms = new LocalRooms(config, lanes, new InMemoryHistory(config.historyLimit()), outbox,
                System::currentTimeMillis);
        Hub hub = new Hub(config, nodeId, rooms, outbox, System::currentTimeMillis);
        return HubEndpoint.register(vertx, config, hub);
    }

    /** Sends each lane's deliveries to its loop's address, by reference. */
    public static Outbox outbox(io.vertx.core.Vertx vertx, Lanes lanes) {
        String[] addresses = new String[lanes.count()];
        for (int lane = 0; lane < addresses.length; lane++) {
            addresses[lane] = Addresses.loop(lanes.loopOf(lane));
        }
        return (lane, delivery) -> vertx.eventBus().send(addresses[lane], delivery, LocalCodec.LOCAL);
    }
}
