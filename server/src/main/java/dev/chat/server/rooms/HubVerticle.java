package dev.chat.server.rooms;

import dev.chat.server.accounts.Accounts;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Hub;
import dev.chat.server.core.HubEndpoint;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Recipient;
import dev.chat.server.net.RoomWire;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.store.MessageStore;
import dev.chat.server.store.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The single-node hub: the one context in which the chat's shared state changes, a {@link Hub}
 * over {@link LocalRooms}, which keeps the rooms' messages in the node's store. Loops reach it at
 * {@link Addresses#HUB}; it fans out to them at {@link Addresses#loop(int)}. It keeps the node's
 * accounts ({@link Accounts}, in the same store).
 */
public final class HubVerticle extends VerticleBase {
    /** How often a {@code say} whose commit outlasts its deadline is looked for. */
    static final long EXPIRE_EVERY_MS = 100;

    private final ServerConfig config;
    private final String nodeId;
    private final Lanes lanes;
    private final MessageStore store;
    private final ServerMetrics metrics;

    /**
     * @param store the node's store, open; the hub does not close it
     */
    public HubVerticle(ServerConfig config, String nodeId, Lanes lanes, MessageStore store, ServerMetrics metrics) {
        this.config = config;
        this.nodeId = nodeId;
        this.lanes = lanes;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        Outbox outbox = outbox(vertx, lanes);
        long cache = config.storeConfig().kind() == StoreConfig.Kind.MEMORY ? 0 : config.historyMemoryBytes();
        LocalRooms rooms = new LocalRooms(config, lanes, store, cache, outbox, System::currentTimeMillis);
        metrics.bytesGauge("chat_history_memory_bytes",
                "Bytes of room history held in memory (the cache in front of the store, or the memory store itself).",
                () -> rooms.cachedBytes() + store.heldBytes());
        metrics.bytesGauge("chat_history_memory_limit_bytes", "--history-memory: what the history in memory may take.",
                config::historyMemoryBytes);
        vertx.setPeriodic(EXPIRE_EVERY_MS, t -> rooms.expire(System.nanoTime()));
        // accounts are read before the hub serves anyone: a registered nick is never a guest's
        return Accounts.load(vertx, store.accounts()).compose(accounts -> {
            Hub hub = new Hub(config, nodeId, rooms, outbox, System::currentTimeMillis, accounts,
                    dev.chat.server.presence.BeaconKeys.of(vertx), dev.chat.server.core.Logins.of(vertx));
            return HubEndpoint.register(vertx, config, hub, metrics);
        });
    }

    /**
     * Sends each lane's deliveries to its loop's address, by reference; a room's fan-out is also
     * noted once in the node's {@link RoomWire} (the network page's "On the wire").
     */
    public static Outbox outbox(io.vertx.core.Vertx vertx, Lanes lanes) {
        String[] addresses = new String[lanes.count()];
        for (int lane = 0; lane < addresses.length; lane++) {
            addresses[lane] = Addresses.loop(lanes.loopOf(lane));
        }
        RoomWire wire = RoomWire.of(vertx);
        return new Outbox() {
            @Override
            public void send(int lane, Delivery delivery) {
                vertx.eventBus().send(addresses[lane], delivery, LocalCodec.LOCAL);
            }

            @Override
            public void fanOut(ServerMessage event, byte[] frame, Recipient[][] byLane, Recipient except, boolean chat) {
                wire.fannedOut(event, frame);
                Outbox.super.fanOut(event, frame, byLane, except, chat);
            }
        };
    }
}
