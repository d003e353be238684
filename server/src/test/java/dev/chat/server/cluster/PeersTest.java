package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.server.bus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link between nodes: two {@link Peers}, "a" and "b", in one Vert.x, each on a context of its
 * own and listening at its node address as a real node does. What "a" queues for "b" in one
 * turn of its event loop must arrive as one message, in order, and every answer must find its
 * request.
 */
class PeersTest {
    private Vertx vertx;
    private Context ctxA;
    private Context ctxB;
    private Peers a;
    private Peers b;
    /** Batch messages that reached b, and the items b handled, in order. */
    private final List<Integer> batchSizesAtB = new CopyOnWriteArrayList<>();
    private final List<JsonObject> handledByB = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        ctxA = vertx.getOrCreateContext();
        ctxB = vertx.getOrCreateContext();
        a = on(ctxA, () -> Future.succeededFuture(new Peers(vertx, "a", List.of("a", "b"))));
        b = on(ctxB, () -> Future.succeededFuture(new Peers(vertx, "b", List.of("a", "b"))));
        on(ctxA, () -> vertx.eventBus().<JsonObject>consumer(Addresses.node("a"), m -> a.onBatch(m.body(), in -> { }))
                .completion());
        on(ctxB, () -> vertx.eventBus().<JsonObject>consumer(Addresses.node("b"), m -> {
            batchSizesAtB.add(m.body().getJsonArray("items").size());
            b.onBatch(m.body(), in -> {
                handledByB.add(in.body());
                switch (in.body().getString("do")) {
                    case "echo" -> in.reply(new JsonObject().put("n", in.body().getInteger("n")));
                    case "refuse" -> in.fail(409, "no: " + in.body().getInteger("n"));
                    default -> { } // never answers
                }
            });
        }).completion());
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T on(Context ctx, Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        ctx.runOnContext(v -> action.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(20, TimeUnit.SECONDS);
    }

    private static JsonObject item(String what, int n) {
        return new JsonObject().put(Wire.OP, "test").put("do", what).put("n", n);
    }

    @Test
    void requestsOfOneTurnTravelAsOneMessageAndEveryAnswerFindsItsRequest() throws Exception {
        List<Future<JsonObject>> answers = on(ctxA, () -> {
            List<Future<JsonObject>> out = new ArrayList<>();
            for (int n = 0; n < 100; n++) {
                out.add(a.request("b", item("echo", n), 10_000));
            }
            a.send("b", item("note", 100)); // one-way, in the same batch, after the requests
            return Future.succeededFuture(out);
        });
        for (int n = 0; n < 100; n++) {
            int expected = n;
            assertThat(on(ctxA, () -> answers.get(expected)).getInteger("n")).isEqualTo(expected);
        }
        assertThat(batchSizesAtB).as("101 items queued in one turn: one message").containsExactly(101);
        assertThat(handledByB).extracting(j -> j.getInteger("n")).containsExactly(
                java.util.stream.IntStream.rangeClosed(0, 100).boxed().toArray(Integer[]::new));
        assertThat(on(ctxA, () -> Future.succeededFuture(a.batchesSent()))).isEqualTo(1L);
        assertThat(on(ctxB, () -> Future.succeededFuture(b.batchesSent())))
                .as("b's 100 answers went back in one message too").isEqualTo(1L);
    }

    @Test
    void aBatchIsCutAtItsLimit() throws Exception {
        int total = Peers.MAX_BATCH * 2 + 3;
        List<Future<JsonObject>> answers = on(ctxA, () -> {
            List<Future<JsonObject>> out = new ArrayList<>();
            for (int n = 0; n < total; n++) {
                out.add(a.request("b", item("echo", n), 10_000));
            }
            return Future.succeededFuture(out);
        });
        on(ctxA, () -> Future.all(answers));
        assertThat(batchSizesAtB).containsExactly(Peers.MAX_BATCH, Peers.MAX_BATCH, 3);
        assertThat(handledByB).hasSize(total);
    }

    @Test
    void aFailureAnswerIsAReplyExceptionWithItsCode() throws Exception {
        Throwable e = on(ctxA, () -> a.request("b", item("refuse", 7), 10_000)
                .transform(ar -> Future.<Throwable>succeededFuture(ar.cause())));
        assertThat(e).isInstanceOf(ReplyException.class).hasMessage("no: 7");
        assertThat(((ReplyException) e).failureCode()).isEqualTo(409);
        assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    }

    @Test
    void anUnansweredRequestTimesOut() throws Exception {
        Throwable e = on(ctxA, () -> a.request("b", item("ignore", 1), 300)
                .transform(ar -> Future.<Throwable>succeededFuture(ar.cause())));
        assertThat(e).isInstanceOf(ReplyException.class);
        assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    }

    @Test
    void requestsFailAtOnceInTheOrderSentWhenTheirNodeLeaves() throws Exception {
        List<Integer> failedInOrder = new CopyOnWriteArrayList<>();
        Promise<Void> allFailed = Promise.promise();
        on(ctxA, () -> {
            for (int n = 0; n < 5; n++) {
                int k = n;
                a.request("b", item("ignore", n), 60_000).onFailure(e -> {
                    assertThat(e).isInstanceOf(Peers.NodeLeftException.class);
                    failedInOrder.add(k);
                    if (failedInOrder.size() == 5) {
                        allFailed.complete();
                    }
                });
            }
            return Future.succeededFuture();
        });
        on(ctxA, () -> {
            a.memberLeft("b");
            return allFailed.future();
        });
        assertThat(failedInOrder).containsExactly(0, 1, 2, 3, 4);
        Throwable later = on(ctxA, () -> a.request("b", item("echo", 1), 10_000)
                .transform(ar -> Future.<Throwable>succeededFuture(ar.cause())));
        assertThat(later).as("a node that left is not asked").isInstanceOf(Peers.NodeLeftException.class);
    }
}
