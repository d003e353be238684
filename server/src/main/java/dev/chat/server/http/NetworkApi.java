package dev.chat.server.http;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Frames;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.NetworkView;
import dev.chat.server.metrics.ServerMetrics;
import dev.chat.server.net.RoomWire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * {@code GET /api/info}, {@code GET /api/network} and {@code GET /api/rooms/{room}/frames}, in the
 * shapes docs/WEB.md defines. {@code /api/network} asks the presence table (the cluster's merged
 * one with {@code --cluster}) and the hub over the event bus, as a session's {@code peers} and
 * {@code rooms} do; the frames come from the node's {@link RoomWire}. Loop thread only.
 */
final class NetworkApi {
    /** Most peers and rooms one answer lists. */
    static final int MAX_LISTED = 500;
    /** How long {@code /api/network} waits for the presence table and the hub. */
    static final long ASK_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private final IntSupplier tcpPort;
    private final RoomWire wire;
    private final DeliveryOptions ask = new DeliveryOptions(LocalCodec.LOCAL).setSendTimeout(ASK_TIMEOUT_MS);

    NetworkApi(ChatLoop loop, ServerConfig config, String nodeId, IntSupplier tcpPort) {
        this.vertx = loop.vertx();
        this.config = config;
        this.metrics = loop.metrics();
        this.nodeId = nodeId;
        this.tcpPort = tcpPort;
        this.wire = RoomWire.of(vertx);
    }

    void routes(Router r) {
        r.get("/api/info").handler(ctx -> json(ctx, 200, new JsonObject()
                .put("server", config.name())
                .put("node", nodeId)
                .put("protocol", Frames.PROTOCOL_VERSION)
                .put("accounts", true)));
        r.get("/api/network").handler(this::network);
        r.get("/api/rooms/:room/frames").handler(this::frames);
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", WebRoutes.JSON)
                .putHeader("Cache-Control", "no-store").end(body.encode());
    }

    // ---- /api/network ----

    private void network(RoutingContext ctx) {
        String presence = config.cluster() ? Addresses.CLUSTER_PEERS : Addresses.PRESENCE_PEERS;
        Future<ServerMessage.PeerList> peers = vertx.eventBus().<ServerMessage.PeerList>request(presence,
                new ClientMessage.ListPeers(null), ask).map(m -> m.body());
        Future<NetworkView> hub = vertx.eventBus().<NetworkView>request(Addresses.HUB, NetworkView.QUERY, ask)
                .map(m -> m.body());
        Future.all(peers, hub).onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 503, new JsonObject().put("error", "unavailable")
                        .put("message", "the presence table or the hub did not answer: " + ar.cause().getMessage()));
                return;
            }
            json(ctx, 200, network(peers.result().peers(), hub.result(), ctx.request().authority() == null ? null
                    : ctx.request().authority().host()));
        });
    }

    private JsonObject network(List<ServerMessage.PeerInfo> peerList, NetworkView view, String requestHost) {
        List<ServerMessage.PeerInfo> recent = new ArrayList<>(peerList);
        recent.sort(Comparator.comparingLong(ServerMessage.PeerInfo::lastSeenMs));
        JsonArray peers = new JsonArray();
        for (ServerMessage.PeerInfo p : recent.subList(0, Math.min(MAX_LISTED, recent.size()))) {
            peers.add(new JsonObject().put("nick", p.nick()).put("address", p.address()).put("status", p.status())
                    .put("last_seen_ms", p.lastSeenMs()).put("loss", p.loss()).put("jitter_ms", p.jitterMs())
                    .put("verified", p.verified()));
        }
        JsonArray nodes = new JsonArray();
        for (String id : view.nodes()) {
            JsonObject n = new JsonObject().put("node", id).put("self", id.equals(nodeId));
            if (id.equals(nodeId)) {
                n.put("name", config.name()).put("address", chatAddress(requestHost));
            }
            nodes.add(n);
        }
        List<NetworkView.Room> byMembers = new ArrayList<>(view.rooms());
        byMembers.sort(Comparator.comparingInt(NetworkView.Room::members).reversed().thenComparing(NetworkView.Room::room));
        JsonArray rooms = new JsonArray();
        for (NetworkView.Room r : byMembers.subList(0, Math.min(MAX_LISTED, byMembers.size()))) {
            rooms.add(new JsonObject().put("room", r.room()).put("members", r.members()).put("last_seq", r.lastSeq())
                    .put("owner", r.owner()));
        }
        return new JsonObject()
                .put("ts", System.currentTimeMillis())
                .put("node", nodeId)
                .put("server", config.name())
                .put("peers", peers)
                .put("peers_total", peerList.size())
                .put("nodes", nodes)
                .put("rooms", rooms)
                .put("rooms_total", view.rooms().size())
                .put("counters", new JsonObject()
                        .put("messages_total", metrics.messagesAccepted.sum())
                        .put("deliveries_total", metrics.messagesDelivered.sum())
                        .put("frames_in_total", metrics.framesIn.sum())
                        .put("frames_out_total", metrics.framesOut.sum())
                        .put("bytes_in_total", metrics.bytesIn.sum())
                        .put("bytes_out_total", metrics.bytesOut.sum())
                        .put("connections", metrics.connections.get()));
    }

    /** This node's chat listener as text: {@code --host} and the TCP port, or the host the browser reached when bound to every interface. */
    private String chatAddress(String requestHost) {
        String host = config.host();
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress() && requestHost != null) {
                host = requestHost;
            }
        } catch (java.net.UnknownHostException e) {
            // a name: shown as it is
        }
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + tcpPort.getAsInt();
    }

    // ---- /api/rooms/{room}/frames ----

    private void frames(RoutingContext ctx) {
        String room = Names.normalizeRoom(ctx.pathParam("room"));
        long after;
        try {
            after = Long.parseLong(ctx.request().getParam("after", "0"));
        } catch (NumberFormatException e) {
            after = -1;
        }
        if (room == null || after < 0) {
            json(ctx, 400, new JsonObject().put("error", "invalid").put("message",
                    room == null ? "not a room name: 1 to 64 of A-Z a-z 0-9 _ - . after an optional #"
                            : "after must be an integer of at least 0"));
            return;
        }
        RoomWire.Page page = wire.after(room, after);
        JsonArray frames = new JsonArray();
        for (RoomWire.Frame f : page.frames()) {
            frames.add(new JsonObject().put("n", f.n()).put("ts", f.ts()).put("dir", f.in() ? "in" : "out")
                    .put("transport", f.transport()).put("length", f.payload().length).put("payload", f.text()));
        }
        json(ctx, 200, new JsonObject().put("room", room).put("next", page.next()).put("frames", frames));
    }
}
