package dev.chat.server.cluster;

import com.hazelcast.core.LifecycleEvent;
import dev.chat.protocol.ClientMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.core.CloseSession;
import dev.chat.server.core.Hub;
import dev.chat.server.core.HubEndpoint;
import dev.chat.server.core.Lanes;
import dev.chat.server.core.Outbox;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Refusal;
import dev.chat.server.rooms.HubVerticle;
import dev.chat.server.rooms.InMemoryHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub of a cluster node, in place of {@link HubVerticle}: the one context that owns this
 * node's sessions, its copy of every room, and the rooms it sequences. Loops reach it at
 * {@link Addresses#HUB} exactly as they reach the single-node hub (the same {@link Hub} rules,
 * over {@link ClusterRooms} instead of the single node's state); other
 * nodes reach it at {@link Addresses#node(String)} with {@link Wire} messages; the cluster
 * manager tells it when nodes come and go.
 *
 * <p>Starting completes once this node has greeted every running node (each pinged it back, so
 * room events reach it) and copied the rooms they own: the node serves nothing before that.
 */
final class ClusterHubVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHubVerticle.class);
    private static final long HELLO_TIMEOUT_MS = 10_000;
    private static final long PING_TIMEOUT_MS = 5_000;
    private static final long RECONCILE_MS = 2_000;

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final HazelcastClusterManager manager;
    private final Lanes lanes;
    // read by the HTTP verticle at scrape time; refreshed by the hub
    private volatile int members;
    private volatile int peerCount;
    private volatile int roomCount;
    private volatile int roomsOwned;
    private Peers peers;
    private Directory directory;
    private Replicas replicas;
    private RoomSequencer sequencer;
    private ClusterRooms rooms;
    private Hub hub;
    private ClusterPresence presence;
    /** Nodes being greeted by {@link #greetMissing}. */
    private final java.util.Set<String> greeting = new java.util.HashSet<>();

    /**
     * The node's store, for the accounts (null: no accounts, {@code AccountService.NONE}) and the
     * rooms ({@link RoomStore}: not with {@code --store memory}).
     */
    private final dev.chat.server.store.MessageStore store;
    private dev.chat.server.core.AccountService accounts = dev.chat.server.core.AccountService.NONE;
    /** The rooms on this node's store; null: in memory only. */
    private RoomStore roomStore;

    ClusterHubVerticle(ServerConfig config, ServerMetrics metrics, HazelcastClusterManager manager, Lanes lanes) {
        this(config, metrics, manager, lanes, null);
    }

    ClusterHubVerticle(ServerConfig config, ServerMetrics metrics, HazelcastClusterManager manager, Lanes lanes,
                       dev.chat.server.store.MessageStore store) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.manager = manager;
        this.lanes = lanes;
    }

    @Override
    public Future<?> start() {
        String self = manager.getNodeId();
        Outbox outbox = HubVerticle.outbox(vertx, lanes);
        return openAccounts().compose(ready -> Directory.open(vertx)).compose(dir -> {
            directory = dir;
            peers = new Peers(vertx, self, manager.getNodes());
            replicas = new Replicas(self, lanes.count(), config.historyLimit(),
                    new InMemoryHistory(config.historyLimit()), outbox, session -> rooms.recipient(session));
            replicas.onKicked((session, room) -> rooms.kicked(session, room));
            replicas.onDropped((session, room) -> {
                Recipient r = rooms.droppedFrom(session, room);
                if (r != null) {
                    LOG.warn("the cluster dropped session #{} from {}: this node was counted dead; closing it", session, room);
                    close(r);
                }
            });
            int size = ClusterBootstrap.configuredSize(config, ClusterBootstrap.advertisedHost(config));
            LOG.info("cluster of {} configured node(s): a majority is {}", size, size / 2 + 1);
            sequencer = new RoomSequencer(vertx, config, replicas, peers, directory, System::currentTimeMillis,
                    size / 2 + 1);
            roomStore = RoomStore.of(store, config.storeConfig(), context);
            replicas.persistTo(roomStore);
            sequencer.durableRooms(roomStore != null);
            rooms = new ClusterRooms(vertx, config, peers, directory, replicas, sequencer, outbox);
            hub = new Hub(config, self, rooms, outbox, System::currentTimeMillis, accounts,
                    dev.chat.server.presence.BeaconKeys.of(vertx), dev.chat.server.core.Logins.of(vertx));
            presence = new ClusterPresence(vertx, peers, config.maxFrame());
            manager.nodeListener(new NodeListener() {
                @Override
                public void nodeAdded(String node) {
                    context.runOnContext(v -> onNodeAdded(self, node));
                }

                @Override
                public void nodeLeft(String node) {
                    context.runOnContext(v -> onNodeLeft(node));
                }
            });
            manager.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
                if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                    context.runOnContext(v -> onMerged());
                }
            });
            metrics.gauge("chat_cluster_members", "Nodes in the cluster, this one included.", () -> members);
            metrics.gauge("chat_cluster_peers", "Nodes this one sends room events to.", () -> peerCount);
            metrics.gauge("chat_cluster_rooms", "Rooms in this node's copy of the cluster.", () -> roomCount);
            metrics.counter("chat_cluster_batches_sent_total",
                    "Messages this node sent to other nodes; each carries every item queued for its node in one event-loop turn.",
                    peers::batchesSent);
            metrics.counter("chat_cluster_items_sent_total",
                    "Requests, events, acknowledgements and replies this node sent to other nodes, in those batches.",
                    peers::itemsSent);
            metrics.gauge("chat_cluster_rooms_owned", "Rooms this node sequences.", () -> roomsOwned);
            vertx.setPeriodic(RECONCILE_MS, t -> {
                greetMissing(self);
                sequencer.reconcile();
                refreshGauges();
            });
            vertx.eventBus().<byte[]>localConsumer(Addresses.PRESENCE_EVENTS, m -> presence.onLocalEvent(m.body()));
            vertx.eventBus().<ClientMessage.ListPeers>localConsumer(Addresses.CLUSTER_PEERS, m ->
                    presence.peersOf(m.body()).onComplete(ar -> m.reply(ar.succeeded() ? ar.result()
                            : Refusal.PRESENCE_UNAVAILABLE.to(m.body()),
                            LocalCodec.LOCAL)));
            return restoreRooms().compose(restored -> Future.all(
                    HubEndpoint.register(vertx, config, hub, metrics),
                    vertx.eventBus().<JsonObject>consumer(Addresses.node(self), this::onNode).completion()));
        }).compose(v -> joinCluster(self));
    }

    /** Brings this node's rooms back from its store, before it hears from anyone. */
    private Future<Void> restoreRooms() {
        if (roomStore == null) {
            return Future.succeededFuture();
        }
        return roomStore.restore(replicas, config.maxRooms(), config.historyLimit()).map(n -> {
            LOG.info("brought {} room(s) back from the store {}", n, store.describe());
            return null;
        });
    }

    /** Writes the rooms whose state changed since the last write (the store closes after this). */
    @Override
    public Future<?> stop() {
        if (roomStore != null) {
            roomStore.stop();
        }
        return Future.succeededFuture();
    }

    /** The cluster's accounts ({@link ClusterAccounts}), read before the hub serves anyone. */
    private Future<Void> openAccounts() {
        if (store == null) {
            return Future.succeededFuture();
        }
        return ClusterAccounts.open(vertx, manager.getHazelcastInstance(), store.accounts())
                .compose(cluster -> dev.chat.server.accounts.Accounts.load(vertx, cluster).map(loaded -> {
                    cluster.follow(context, loaded);
                    accounts = loaded;
                    return null;
                }));
    }

    private void refreshGauges() {
        members = manager.getNodes().size();
        peerCount = peers.peers().size();
        roomCount = replicas.size();
        int owned = 0;
        for (RoomReplica r : replicas.all()) {
            if (r.own != null) {
                owned++;
            }
        }
        roomsOwned = owned;
    }

    /** Greets every other node, then copies the rooms each of them owns. */
    private Future<Void> joinCluster(String self) {
        List<Future<Void>> greeted = new ArrayList<>();
        for (String node : manager.getNodes()) {
            if (!node.equals(self)) {
                greeted.add(greet(self, node, 3));
            }
        }
        return Future.join(greeted).transform(ar -> {
            List<Future<Void>> copied = new ArrayList<>();
            for (String peer : new ArrayList<>(peers.peers())) {
                copied.add(sequencer.copyRoomsOf(peer).recover(e -> {
                    LOG.warn("could not copy the rooms of {}: {}", peer, e.toString());
                    return Future.succeededFuture();
                }));
            }
            return Future.join(copied).transform(x -> {
                LOG.info("joined the cluster as {}: {} peer(s), {} room(s)", self, peers.peers().size(), replicas.size());
                refreshGauges();
                return Future.<Void>succeededFuture();
            });
        });
    }

    /**
     * Greets every member of the cluster that is not a peer (yet): a greeting lost while a node
     * merged back after a partition, or while it was still starting, is not lost for good.
     */
    private void greetMissing(String self) {
        for (String node : manager.getNodes()) {
            if (!node.equals(self) && !peers.peers().contains(node) && greeting.add(node)) {
                peers.memberAdded(node);
                greet(self, node, 1).onComplete(ar -> {
                    greeting.remove(node);
                    if (peers.peers().contains(node)) {
                        LOG.info("node {} is a peer again", node);
                        sequencer.verifyOwnership();
                    }
                });
            }
        }
    }

    private Future<Void> greet(String self, String node, int attempts) {
        return peers.request(node, Wire.op(Wire.HELLO).put(Wire.NODE, self), HELLO_TIMEOUT_MS).transform(ar -> {
            if (ar.succeeded()) {
                peers.addPeer(node);
                return Future.succeededFuture();
            }
            if (noHandlers(ar.cause()) || attempts <= 1) {
                // not started yet (it greets us when it is) or gone
                LOG.debug("no greeting from {}: {}", node, ar.cause().toString());
                return Future.succeededFuture();
            }
            return greet(self, node, attempts - 1);
        });
    }

    private static boolean noHandlers(Throwable e) {
        return e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
    }

    private void onNode(Message<JsonObject> msg) {
        JsonObject body = msg.body();
        if (Peers.BATCH.equals(body.getString(Wire.OP))) {
            peers.onBatch(body, this::onNode);
        } else {
            onNode(Peers.inbound(msg));
        }
    }

    private void onNode(Peers.Inbound msg) {
        JsonObject body = msg.body();
        switch (body.getString(Wire.OP, "")) {
            case Wire.EVENT -> onEvent(msg, body);
            case Wire.OWN -> sequencer.onRequest(body).onComplete(ar -> {
                if (ar.failed()) {
                    LOG.error("room {}: a {} request failed; answered internal", body.getString(Wire.ROOM),
                            body.getString(Wire.K), ar.cause());
                }
                msg.reply(ar.succeeded() ? ar.result() : Wire.error(Refusal.INTERNAL, null));
            });
            case Wire.DM -> msg.reply(rooms.onDirect(body));
            case Wire.INVITED -> rooms.onInvited(body);
            case Wire.HELLO -> onHello(msg, body.getString(Wire.NODE));
            case Wire.PING -> msg.reply(new JsonObject());
            case Wire.SYNC -> msg.reply(sequencer.onSync(body));
            case Wire.SNAP -> msg.reply(sequencer.onSnap(body));
            case Wire.INSTALL -> {
                replicas.install(body.getJsonObject(Wire.SNAP), false);
                msg.reply(null);
            }
            case Wire.OWNED -> msg.reply(sequencer.onOwned());
            case Wire.COMMIT -> replicas.onCommit(body);
            case Wire.PRESENCE -> presence.onRemoteEvent(body);
            case Wire.HOLDS -> msg.reply(new JsonObject().put(Wire.HELD,
                    rooms.holds(body.getLong(Wire.SESSION), body.getString(Wire.NICKNAME))));
            case Wire.PEERS -> presence.localTable().onComplete(ar -> msg.reply(ar.succeeded() ? ar.result()
                    : new JsonObject()));
            default -> msg.fail(400, "unknown op " + body.getString(Wire.OP));
        }
    }

    /** A room event: stored (acknowledged), or refused if its sender is not the room's owner any more. */
    private void onEvent(Peers.Inbound msg, JsonObject ev) {
        RoomReplica room = replicas.get(ev.getString(Wire.ROOM));
        if (room != null && room.own != null) {
            // another node sequences a room this node owns: refuse, and let the directory decide
            sequencer.contest(room, ev.getLong(Wire.EPOCH));
            msg.fail(RoomSequencer.STALE_OWNER, Directory.owner(peers.self(), room.epoch));
            return;
        }
        switch (replicas.onEvent(ev)) {
            case Replicas.HELD -> msg.reply(null);
            case Replicas.BEHIND -> msg.fail(503, "catching up with the room's new owner");
            default -> {
                RoomReplica r = replicas.get(ev.getString(Wire.ROOM));
                msg.fail(RoomSequencer.STALE_OWNER, Directory.owner(r.owner, r.epoch));
            }
        }
    }

    /** A node finished starting: make sure we reach it (ping it back) before it counts as a peer. */
    private void onHello(Peers.Inbound msg, String node) {
        peers.memberAdded(node); // it talks to us, so it is a member even if the listener has not said so yet
        ping(node, 20).onComplete(ar -> {
            if (ar.succeeded()) {
                peers.addPeer(node);
                LOG.info("node {} joined", node);
                msg.reply(new JsonObject());
            } else {
                msg.fail(503, "cannot reach " + node + ": " + ar.cause().getMessage());
            }
        });
    }

    private Future<Void> ping(String node, int attempts) {
        return peers.request(node, Wire.op(Wire.PING), PING_TIMEOUT_MS).transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture();
            }
            if (attempts <= 1 || !noHandlers(ar.cause())) {
                return Future.failedFuture(ar.cause());
            }
            Promise<Void> later = Promise.promise();
            vertx.setTimer(100, t -> ping(node, attempts - 1).onComplete(later));
            return later.future();
        });
    }

    /**
     * A node joined, or came back after it was counted dead (a partition healed, a hung process
     * resumed). A starting node greets us itself; greeting it too restores a lost peer, and rooms
     * this node sequenced meanwhile go back to the owner the directory names.
     */
    private void onNodeAdded(String self, String node) {
        if (node.equals(self)) {
            return; // after a merge the cluster manager reports this node too
        }
        peers.memberAdded(node);
        if (!peers.peers().contains(node)) {
            greet(self, node, 1).onComplete(ar -> sequencer.verifyOwnership());
        }
    }

    /**
     * This node was on the smaller side of a split (or hung for longer than the heartbeat
     * timeout) and has just merged back: the others counted it dead, dropped its sessions and
     * freed their nicks. Its clients must reconnect and register again.
     */
    private void onMerged() {
        List<Recipient> sessions = rooms.localSessions();
        LOG.warn("merged back into the cluster after being cut off: closing {} session(s)", sessions.size());
        List<Future<Void>> closed = new ArrayList<>();
        for (Recipient r : sessions) {
            closed.add(close(r));
        }
        sequencer.verifyOwnership();
        // the merge may have brought back nick entries of sessions this node had already closed
        String self = peers.self();
        long cutoff = rooms.highestSession();
        Future.join(closed).onComplete(x -> directory.sweepNicks(holder -> Directory.nodeOf(holder).equals(self)
                && Directory.numberOf(holder) <= cutoff && rooms.recipient(Directory.numberOf(holder)) == null));
    }

    /** Drops a session the cluster gave up and, once its nick is free, tells its client to reconnect. */
    private Future<Void> close(Recipient r) {
        return hub.evict(r).onComplete(ar -> vertx.eventBus().send(Addresses.loop(lanes.loopOf(r.lane())),
                new CloseSession(r, "this server lost contact with the cluster; reconnect"), LocalCodec.LOCAL));
    }

    private void onNodeLeft(String node) {
        boolean wasPeer = peers.peers().contains(node);
        peers.memberLeft(node);
        // one line an operator can act on: who left, and where the rooms it sequenced go
        java.util.Map<String, java.util.List<String>> moves = new java.util.TreeMap<>();
        for (RoomReplica r : replicas.all()) {
            if (node.equals(r.owner) && r.own == null) {
                String heir = Rendezvous.pick(r.name, peers.candidates());
                moves.computeIfAbsent(heir == null ? "nobody" : heir, k -> new ArrayList<>()).add(r.name);
            }
        }
        StringBuilder where = new StringBuilder();
        moves.forEach((heir, names) -> where.append(where.length() == 0 ? "" : "; ")
                .append(names.size()).append(" room(s) to ").append(heir.equals(peers.self()) ? "this node" : heir)
                .append(names.size() <= 3 ? " " + names : ""));
        LOG.info("node {} left the cluster{}{}", node, wasPeer ? "" : " (it was not a peer yet)",
                moves.isEmpty() ? "" : ": the rooms it sequenced move, " + where
                        + (sequencer.hasMajority() ? "" : " (once a majority is reachable)"));
        sequencer.reconcile();
        if (peers.isLeader()) {
            directory.sweepNicks(rooms::isDead).onComplete(ar -> {
                if (ar.succeeded() && ar.result() > 0) {
                    LOG.info("freed {} nick(s) of node(s) that left", ar.result());
                } else if (ar.failed()) {
                    LOG.warn("could not sweep nicks: {}", ar.cause().toString());
                }
            });
        }
    }
}
