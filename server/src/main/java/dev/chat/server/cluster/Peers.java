package dev.chat.server.cluster;

import dev.chat.server.bus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Which nodes are alive and which of them this node talks to, and the link to them: requests
 * that fail as soon as their node leaves rather than at their timeout, sends, and replies.
 * Two sets: {@code members} is the cluster manager's view (alive), {@code peers} the members
 * that finished joining and answered a ping (room events go to them).
 *
 * <p><b>Batching.</b> Everything this node sends to one node during one turn of the hub's event
 * loop (requests, one-way sends, replies to that node's requests) travels as <em>one</em>
 * clustered event-bus message, {@code {op: batch, from, items: [...]}}, sent when the turn's
 * work is done. Under load one message then carries the events, acknowledgements and answers of
 * many {@code say}s, so the per-message costs of the clustered event bus (a write and flush, a
 * wake-up, a dispatch on the receiver) are paid once per batch, not per item. Order is kept:
 * items to one node leave in the order they were queued, and the event bus keeps messages from
 * one sender to one address in order. Items are {@code {i, b}} (a request with id {@code i}),
 * {@code {b}} (a send), {@code {a, b}} (the reply to request {@code a}) and {@code {a, c, m}}
 * (its failure: code and message). Only {@code hello} and {@code ping}, used while nodes find
 * each other, go as plain event-bus requests: they need the bus's "nobody listens there yet".
 *
 * <p>Touched only from the cluster hub's context (where it must be created).
 */
final class Peers {
    /** A request's node left the cluster before it answered. */
    static final class NodeLeftException extends RuntimeException {
        NodeLeftException(String node) {
            super("node " + node + " left the cluster", null, false, false);
        }
    }

    /** A request from another node (or a one-way send), to be answered at most once. */
    interface Inbound {
        JsonObject body();

        void reply(JsonObject answer);

        void fail(int code, String message);
    }

    static final String BATCH = "batch";
    /** Items per batch message at most; a node's batch that fills up is sent at once. */
    static final int MAX_BATCH = 512;
    private static final long SWEEP_MS = 100;

    private record Call(String node, Promise<JsonObject> promise, long deadline, long timeoutMs) {
    }

    private final Vertx vertx;
    private final Context context;
    private final String self;
    private final Set<String> members = new HashSet<>();
    private final TreeSet<String> peers = new TreeSet<>();
    /** Requests not answered yet, in the order sent (a node that leaves fails them in that order). */
    private final LinkedHashMap<Long, Call> calls = new LinkedHashMap<>();
    /** Plain event-bus requests (hello, ping) not answered yet, per node. */
    private final Map<String, Set<Promise<JsonObject>>> direct = new HashMap<>();
    /** Items queued this turn, per node. */
    private final Map<String, JsonArray> outgoing = new LinkedHashMap<>();
    private boolean flushQueued;
    private long nextId;
    // read by the HTTP verticle at scrape time
    private volatile long batchesSent;
    private volatile long itemsSent;

    Peers(Vertx vertx, String self, Collection<String> members) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.self = self;
        this.members.addAll(members);
        this.members.add(self);
        vertx.setPeriodic(SWEEP_MS, t -> expire(System.nanoTime()));
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
        outgoing.remove(node);
        NodeLeftException gone = new NodeLeftException(node);
        List<Promise<JsonObject>> failed = new ArrayList<>();
        for (Iterator<Call> it = calls.values().iterator(); it.hasNext(); ) {
            Call c = it.next();
            if (c.node.equals(node)) {
                it.remove();
                failed.add(c.promise);
            }
        }
        Set<Promise<JsonObject>> pending = direct.remove(node);
        if (pending != null) {
            failed.addAll(pending);
        }
        for (Promise<JsonObject> p : failed) {
            p.tryFail(gone);
        }
    }

    /** Batches and items sent so far (for metrics). */
    long batchesSent() {
        return batchesSent;
    }

    long itemsSent() {
        return itemsSent;
    }

    /**
     * Sends a request to a node; fails on timeout, on a failure reply ({@link ReplyException}
     * with its code), or as soon as the node leaves ({@link NodeLeftException}).
     */
    Future<JsonObject> request(String node, JsonObject body, long timeoutMs) {
        if (!members.contains(node)) {
            return Future.failedFuture(new NodeLeftException(node));
        }
        String op = body.getString(Wire.OP);
        if (Wire.HELLO.equals(op) || Wire.PING.equals(op)) {
            return directRequest(node, body, timeoutMs);
        }
        long id = ++nextId;
        Promise<JsonObject> p = Promise.promise();
        calls.put(id, new Call(node, p, System.nanoTime() + timeoutMs * 1_000_000, timeoutMs));
        queue(node, new JsonObject().put("i", id).put("b", body));
        return p.future();
    }

    /** Sends without waiting for an answer. */
    void send(String node, JsonObject body) {
        queue(node, new JsonObject().put("b", body));
    }

    /** A plain event-bus request: fails at once with NO_HANDLERS when the node listens on nothing yet. */
    private Future<JsonObject> directRequest(String node, JsonObject body, long timeoutMs) {
        Promise<JsonObject> p = Promise.promise();
        Set<Promise<JsonObject>> set = direct.computeIfAbsent(node, n -> new HashSet<>());
        set.add(p);
        vertx.eventBus().<JsonObject>request(Addresses.node(node), body, new DeliveryOptions().setSendTimeout(timeoutMs))
                .onComplete(ar -> {
                    Set<Promise<JsonObject>> s = direct.get(node);
                    if (s != null) {
                        s.remove(p);
                        if (s.isEmpty()) {
                            direct.remove(node);
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

    private void queue(String node, JsonObject item) {
        JsonArray items = outgoing.get(node);
        if (items == null) {
            items = new JsonArray();
            outgoing.put(node, items);
        }
        items.add(item);
        if (items.size() >= MAX_BATCH) {
            outgoing.remove(node);
            ship(node, items);
        } else if (!flushQueued) {
            flushQueued = true;
            context.runOnContext(v -> flush());
        }
    }

    /** End of the turn: one message per node with everything queued for it. */
    private void flush() {
        flushQueued = false;
        if (outgoing.isEmpty()) {
            return;
        }
        List<Map.Entry<String, JsonArray>> ready = new ArrayList<>(outgoing.entrySet());
        outgoing.clear();
        for (Map.Entry<String, JsonArray> e : ready) {
            ship(e.getKey(), e.getValue());
        }
    }

    private void ship(String node, JsonArray items) {
        batchesSent = batchesSent + 1;
        itemsSent = itemsSent + items.size();
        vertx.eventBus().send(Addresses.node(node),
                new JsonObject().put(Wire.OP, BATCH).put(Wire.FROM, self).put("items", items));
    }

    /**
     * A batch from another node: replies complete this node's requests, requests and sends go to
     * {@code handler} in the order they were sent.
     */
    void onBatch(JsonObject batch, Consumer<Inbound> handler) {
        String from = batch.getString(Wire.FROM);
        JsonArray items = batch.getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.getJsonObject(i);
            Long answered = item.getLong("a");
            if (answered != null) {
                Call call = calls.remove(answered);
                if (call == null) {
                    continue; // timed out meanwhile, or its node was counted gone
                }
                if (item.containsKey("c")) {
                    call.promise.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
                            item.getInteger("c"), item.getString("m")));
                } else {
                    call.promise.tryComplete(item.getJsonObject("b"));
                }
            } else {
                handler.accept(new Batched(from, item.getLong("i"), item.getJsonObject("b")));
            }
        }
    }

    /** A plain event-bus message as an {@link Inbound}. */
    static Inbound inbound(Message<JsonObject> msg) {
        return new Inbound() {
            @Override
            public JsonObject body() {
                return msg.body();
            }

            @Override
            public void reply(JsonObject answer) {
                msg.reply(answer);
            }

            @Override
            public void fail(int code, String message) {
                msg.fail(code, message);
            }
        };
    }

    /** An item of a batch; its answer goes into this node's next batch to the sender. */
    private final class Batched implements Inbound {
        private final String from;
        private final Long id;
        private final JsonObject body;

        Batched(String from, Long id, JsonObject body) {
            this.from = from;
            this.id = id;
            this.body = body;
        }

        @Override
        public JsonObject body() {
            return body;
        }

        @Override
        public void reply(JsonObject answer) {
            if (id != null) {
                queue(from, new JsonObject().put("a", id).put("b", answer));
            }
        }

        @Override
        public void fail(int code, String message) {
            if (id != null) {
                queue(from, new JsonObject().put("a", id).put("c", code).put("m", message));
            }
        }
    }

    /** Fails the requests whose time is up. */
    private void expire(long now) {
        if (calls.isEmpty()) {
            return;
        }
        List<Map.Entry<Long, Call>> expired = null;
        for (Map.Entry<Long, Call> e : calls.entrySet()) {
            if (now - e.getValue().deadline >= 0) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(e);
            }
        }
        if (expired != null) {
            for (Map.Entry<Long, Call> e : expired) {
                calls.remove(e.getKey());
                Call c = e.getValue();
                c.promise.tryFail(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting "
                        + c.timeoutMs + "(ms) for a reply from node " + c.node));
            }
        }
    }
}
