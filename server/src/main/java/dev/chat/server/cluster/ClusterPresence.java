package dev.chat.server.cluster;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Presence across the cluster. Each node keeps its own presence table (the beacons it received);
 * this forwards every local {@code presence} event to the other nodes, which publish it to their
 * sessions, and answers {@code peers} with the union of every node's table. Beacon keys never
 * leave their node, so only the node holding a nick can verify its beacons; in the union, a nick
 * verified on one node hides the unverified rows of the same nick from the others (someone else
 * beaconing that nick elsewhere). Runs on the cluster hub's context.
 */
final class ClusterPresence {
    private static final long PEERS_TIMEOUT_MS = 3_000;

    private final Vertx vertx;
    private final Peers peers;
    private final int maxFrame;
    /** Events this node republished from others: seen again on the local address, not forwarded. */
    private final Set<byte[]> republished = Collections.newSetFromMap(new IdentityHashMap<>());

    ClusterPresence(Vertx vertx, Peers peers, int maxFrame) {
        this.vertx = vertx;
        this.peers = peers;
        this.maxFrame = maxFrame;
    }

    /** A presence event published on this node: forward it, unless it came from another node. */
    void onLocalEvent(byte[] frame) {
        if (republished.remove(frame)) {
            return;
        }
        JsonObject body = Wire.op(Wire.PRESENCE).put(Wire.FRAME, frame);
        for (String peer : peers.peers()) {
            peers.send(peer, body);
        }
    }

    /** A presence event from another node: to this node's sessions. */
    void onRemoteEvent(JsonObject body) {
        byte[] frame = body.getBinary(Wire.FRAME);
        republished.add(frame);
        vertx.eventBus().publish(Addresses.PRESENCE_EVENTS, frame, LocalCodec.LOCAL);
    }

    /** This node's own table, for another node's {@code peers}. */
    Future<JsonObject> localTable() {
        return localPeers(new ClientMessage.ListPeers(null)).map(list -> {
            JsonArray rows = new JsonArray();
            for (PeerInfo p : list) {
                rows.add(new JsonObject().put("nick", p.nick()).put("address", p.address()).put("status", p.status())
                        .put("last_seen_ms", p.lastSeenMs()).put("loss", p.loss()).put("jitter_ms", p.jitterMs())
                        .put("verified", p.verified()));
            }
            return new JsonObject().put(Wire.PEERS, rows);
        });
    }

    /** {@code peers} from a session of this node: every node's table, merged. */
    Future<ServerMessage> peersOf(ClientMessage.ListPeers request) {
        List<Future<List<PeerInfo>>> tables = new ArrayList<>();
        tables.add(localPeers(request));
        for (String peer : peers.peers()) {
            tables.add(peers.request(peer, Wire.op(Wire.PEERS), PEERS_TIMEOUT_MS)
                    .map(ClusterPresence::rows)
                    .otherwise(e -> List.of())); // a node that does not answer in time is left out
        }
        return Future.join(tables).transform(ar -> {
            // the same peer heard by several nodes: keep the freshest row
            Map<String, PeerInfo> merged = new HashMap<>();
            for (Future<List<PeerInfo>> t : tables) {
                if (t.succeeded()) {
                    for (PeerInfo p : t.result()) {
                        merged.merge(p.nick() + "\u0000" + p.address(), p,
                                (a, b) -> a.lastSeenMs() <= b.lastSeenMs() ? a : b);
                    }
                }
            }
            // a nick verified on its holder's node: rows of it unverified elsewhere are someone else's
            Set<String> verified = new java.util.HashSet<>();
            for (PeerInfo p : merged.values()) {
                if (p.verified()) {
                    verified.add(dev.chat.protocol.Names.nickKey(p.nick()));
                }
            }
            merged.values().removeIf(p -> !p.verified() && verified.contains(dev.chat.protocol.Names.nickKey(p.nick())));
            return Future.succeededFuture(new ServerMessage.PeerList(request.id(), fit(request.id(), merged.values())));
        });
    }

    private Future<List<PeerInfo>> localPeers(ClientMessage.ListPeers request) {
        return vertx.eventBus().<ServerMessage>request(Addresses.PRESENCE_PEERS, request, LocalCodec.LOCAL)
                .map(m -> ((ServerMessage.PeerList) m.body()).peers());
    }

    private static List<PeerInfo> rows(JsonObject body) {
        List<PeerInfo> out = new ArrayList<>();
        for (Object o : body.getJsonArray(Wire.PEERS, new JsonArray())) {
            JsonObject r = (JsonObject) o;
            out.add(new PeerInfo(r.getString("nick"), r.getString("address"), r.getString("status"),
                    r.getLong("last_seen_ms"), r.getDouble("loss"), r.getDouble("jitter_ms"),
                    r.getBoolean("verified", false)));
        }
        return out;
    }

    /** Sorted by nick; if the reply would not fit in one frame, the most recently heard that do. */
    private List<PeerInfo> fit(Object id, Collection<PeerInfo> all) {
        List<PeerInfo> byRecency = new ArrayList<>(all);
        byRecency.sort(Comparator.comparingLong(PeerInfo::lastSeenMs));
        int lo = 0;
        int hi = byRecency.size();
        while (lo < hi) { // the largest prefix (most recent first) whose reply fits
            int mid = (lo + hi + 1) >>> 1;
            if (MessageCodec.encode(new ServerMessage.PeerList(id, byRecency.subList(0, mid))).length <= maxFrame) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        List<PeerInfo> kept = new ArrayList<>(byRecency.subList(0, lo));
        kept.sort(Comparator.comparing(p -> p.nick().toLowerCase(Locale.ROOT)));
        return kept;
    }
}
