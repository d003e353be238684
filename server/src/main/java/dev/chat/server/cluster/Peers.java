package dev.chat.server.cluster;

import dev.chat.server.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes are alive and which of them this node talks to, and requests to them that fail as
 * soon as their node leaves rather than at their timeout. Two sets: {@code members} is the cluster
 * manager's view (alive), {@code peers} the members that finished joining and answered a ping
 * (room events go to them). Touched only from the cluster hub's context.
 */
final class Peers {
    /** A request's node left the cluster before it answered. */
    static final class NodeLeftException extends RuntimeException {
        NodeLeftException(String node) {
            super("node " + node + " left the cluster", null, false, false);
        }
    }

    private final Vertx vertx;
    private final String self;
    private final Set<String> members = new HashSet<>();
    private final TreeSet<String> peers = new TreeSet<>();
    private final Map<String, Set<Promise<JsonObject>>> inflight = new HashMap<>();

    Peers(Vertx vertx, String self, Collection<String> members) {
        this.vertx = vertx;
        this.self = self;
        this.members.addAll(members);
        this.members.add(self);
    }

    String self() {
        return self;
    }

    /** Whether the cluster manager counts the node as a member (this node always is). */
    boolean isLive(String node) {
        return members.contains(node);
    }

    /** Nodes that receive room events: joined and reachable, this one excluded. */
    Set<String> peers() {
        return peers;
    }

    /** Nodes that may take over a room: every peer and this node, sorted. */
    List<String> candidates() {
        List<String> out = new ArrayList<>(peers.size() + 1);
        out.addAll(peers);
        out.add(self);
        return out;
    }

    /** The lowest live node id: the one that cleans up after dead nodes in shared maps. */
    boolean isLeader() {
        return new TreeSet<>(members).first().equals(self);
    }

    void memberAdded(String node) {
        members.add(node);
    }

    void addPeer(String node) {
        if (members.contains(node) && !node.equals(self)) {
            peers.add(node);
        }
    }

    /** The node left: it is no peer any more, and requests to it fail now. */
    void memberLeft(String node) {
        members.remove(node);
        peers.remove(node);
        Set<Promise<JsonObject>> pending = inflight.remove(node);
        if (pending != null) {
            NodeLeftException gone = new NodeLeftException(node);
            for (Promise<JsonObject> p : new ArrayList<>(pending)) {
                p.tryFail(gone);
            }
        }
    }

    /** Sends a request to a node's address; fails on timeout, no handler, or the node leaving. */
    Future<JsonObject> request(String node, JsonObject body, long timeoutMs) {
        if (!members.contains(node)) {
            return Future.failedFuture(new NodeLeftException(node));
        }
        Promise<JsonObject> p = Promise.promise();
        // insertion order: when the node leaves, requests fail (and are retried) in the order sent
        Set<Promise<JsonObject>> set = inflight.computeIfAbsent(node, n -> new LinkedHashSet<>());
        set.add(p);
        vertx.eventBus().<JsonObject>request(Addresses.node(node), body, new DeliveryOptions().setSendTimeout(timeoutMs))
                .onComplete(ar -> {
                    Set<Promise<JsonObject>> s = inflight.get(node);
                    if (s != null) {
                        s.remove(p);
                        if (s.isEmpty()) {
                            inflight.remove(node);
                        }
                    }
                    if (ar.succeeded()) {
                        p.tryComplete(ar.result().body());
                    } else {
                        p.tryFail(ar.cause());
                    }
                });
        return p.future();
    }

    /** Sends without waiting for an answer. */
    void send(String node, JsonObject body) {
        vertx.eventBus().send(Addresses.node(node), body);
    }
}
