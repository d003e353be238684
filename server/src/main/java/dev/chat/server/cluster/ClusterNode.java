package dev.chat.server.cluster;

import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A Vert.x instance that has joined the cluster, and what the server needs from it: the node id
 * (the cluster manager's, so that READY, {@code welcome} and {@code /health} agree with what the
 * other nodes call this one) and the hub verticle that replaces the single-node hub.
 */
public final class ClusterNode {
    private final Vertx vertx;
    private final HazelcastClusterManager manager;

    ClusterNode(Vertx vertx, HazelcastClusterManager manager) {
        this.vertx = vertx;
        this.manager = manager;
    }

    public Vertx vertx() {
        return vertx;
    }

    public String nodeId() {
        return manager.getNodeId();
    }

    /** The hub for this node: owns local sessions, replicates rooms, sequences the rooms it owns. */
    public VerticleBase hubVerticle(ServerConfig config, ServerMetrics metrics, dev.chat.server.core.Lanes lanes) {
        return new ClusterHubVerticle(config, metrics, manager, lanes);
    }

    /** As {@link #hubVerticle(ServerConfig, ServerMetrics, dev.chat.server.core.Lanes)}, with the node's store for the accounts. */
    public VerticleBase hubVerticle(ServerConfig config, ServerMetrics metrics, dev.chat.server.core.Lanes lanes,
                                    dev.chat.server.store.MessageStore store) {
        return new ClusterHubVerticle(config, metrics, manager, lanes, store);
    }
}
