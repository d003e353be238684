package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.server.bus.Addresses;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.rooms.InMemoryHistory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owner's side in one JVM: two other "nodes" are plain event-bus consumers at their node
 * addresses, so every event the owner sends them is seen and their acknowledgements are in the
 * test's hands. The directory is Vert.x's local shared data (no Hazelcast).
 */
class RoomSequencerTest {
    private static final String SELF = "node-a";

    private Vertx vertx;
    private Context ctx;
    private RoomSequencer sequencer;
    private Replicas replicas;
    private final List<JsonObject> toB = new ArrayList<>();
    private final List<JsonObject> toC = new ArrayList<>();
    /** When set, node C holds its acknowledgement of message events until the promise completes. */
    private volatile Promise<Void> holdC;
    /** The same for node B. */
    private volatile Promise<Void> holdB;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        ctx = vertx.getOrCreateContext();
        Directory directory = Directory.open(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        on(() -> {
            Peers peers = new Peers(vertx, SELF, List.of(SELF, "node-b", "node-c"));
            peers.addPeer("node-b");
            peers.addPeer("node-c");
            replicas = new Replicas(SELF, 1, 100, new InMemoryHistory(100), (loop, d) -> { }, s -> null);
            sequencer = new RoomSequencer(vertx, ServerConfig.forTests(), replicas, peers, directory, () -> 1000L, 2);
            // node A's answers arrive in batches, as from real nodes
            vertx.eventBus().<JsonObject>consumer(Addresses.node(SELF), m -> peers.onBatch(m.body(), in -> { }));
            vertx.eventBus().<JsonObject>consumer(Addresses.node("node-b"), m -> record(m, "node-b", toB, holdB));
            vertx.eventBus().<JsonObject>consumer(Addresses.node("node-c"), m -> record(m, "node-c", toC, holdC));
            return Future.succeededFuture();
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A fake node: takes a batch apart, records each request and acknowledges it in a batch of its own. */
    private void record(Message<JsonObject> m, String node, List<JsonObject> into, Promise<Void> hold) {
        assertThat(m.body().getString(Wire.OP)).isEqualTo(Peers.BATCH);
        JsonArray items = m.body().getJsonArray("items");
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.getJsonObject(i);
            JsonObject body = item.getJsonObject("b");
            synchronized (into) {
                into.add(body);
            }
            JsonObject ack = new JsonObject().put(Wire.OP, Peers.BATCH).put(Wire.FROM, node)
                    .put("items", new JsonArray().add(new JsonObject().put("a", item.getLong("i")).putNull("b")));
            if (hold != null && Wire.MSG.equals(body.getString(Wire.K))) {
                hold.future().onComplete(ar -> vertx.eventBus().send(Addresses.node(SELF), ack));
            } else {
                vertx.eventBus().send(Addresses.node(SELF), ack);
            }
        }
    }

    private <T> T on(Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        ctx.runOnContext(v -> action.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static JsonObject request(String kind, String node, long session, String nick) {
        return Wire.op(Wire.OWN).put(Wire.ROOM, "ops").put(Wire.K, kind).put(Wire.NODE, node)
                .put(Wire.SESSION, session).put(Wire.NICKNAME, nick);
    }

    /** Events of a kind sent to a node; with a null kind, the commit notices. */
    private static long count(List<JsonObject> events, String kind) {
        synchronized (events) {
            return events.stream().filter(e -> kind == null ? Wire.COMMIT.equals(e.getString(Wire.OP))
                    : kind.equals(e.getString(Wire.K))).count();
        }
    }

    @Test
    void oneEventPerNodeNotPerMemberAndOkOnlyOnceAMajorityHasIt() throws Exception {
        for (long s = 1; s <= 6; s++) {
            long session = s;
            JsonObject joined = on(() -> sequencer.onRequest(request(Wire.JOIN, "node-b", session, "b" + session)));
            assertThat(joined.getString(Wire.R)).isEqualTo(Wire.JOINED);
            assertThat(joined.getJsonArray(Wire.MEMBERS)).hasSize((int) s);
        }
        assertThat(on(() -> Future.succeededFuture(replicas.get("ops").members.size()))).isEqualTo(6);
        assertThat(count(toB, Wire.JOIN)).isEqualTo(6);
        assertThat(count(toC, Wire.JOIN)).as("node C has no member, and gets every event once").isEqualTo(6);

        holdB = Promise.promise();
        holdC = Promise.promise();
        CompletableFuture<JsonObject> ok = new CompletableFuture<>();
        JsonObject say = request(Wire.SAY, "node-b", 1, "b1").put(Wire.TEXT, "hi").put(Wire.RID, "b/1/1");
        ctx.runOnContext(v -> sequencer.onRequest(say).onSuccess(ok::complete));
        Awaitility.await().until(() -> count(toC, Wire.MSG) == 1 && count(toB, Wire.MSG) == 1);
        assertThat(count(toB, Wire.MSG)).as("six members on node B: one copy").isEqualTo(1);
        assertThat(ok).as("no ok while only this node of three holds it").isNotDone();
        assertThat(on(() -> Future.succeededFuture(replicas.history().latest("ops", 10).size()))).isZero();
        holdC.complete();
        assertThat(ok.get(10, TimeUnit.SECONDS).getString(Wire.R)).as("two of three: a majority").isEqualTo(Wire.OK);
        assertThat(on(() -> Future.succeededFuture(replicas.history().latest("ops", 10).size()))).isEqualTo(1);
        Awaitility.await().until(() -> count(toC, null) > 0);
        holdB.complete();

        // the same say again (a retry after a lost reply): ok, not stored twice
        holdC = null;
        holdB = null;
        assertThat(on(() -> sequencer.onRequest(say.copy())).getString(Wire.R)).isEqualTo(Wire.OK);
        assertThat(count(toB, Wire.MSG)).isEqualTo(1);
        assertThat(on(() -> Future.succeededFuture(replicas.history().latest("ops", 10).size()))).isEqualTo(1);
    }

    @Test
    void requestsForARoomNobodyHasNeedAJoinFirst() throws Exception {
        JsonObject say = request(Wire.SAY, "node-b", 1, "b").put(Wire.TEXT, "hi").put(Wire.RID, "b/1/1");
        assertThat(on(() -> sequencer.onRequest(say)).getString(Wire.CODE)).isEqualTo("not_in_room");
        assertThat(on(() -> sequencer.onRequest(request(Wire.PART, "node-b", 1, "b"))).getString(Wire.CODE))
                .isEqualTo("not_in_room");
        assertThat(toB).isEmpty();
    }
}
