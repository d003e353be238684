package dev.chat.server.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What the store tests share: calls made on a Vert.x context, as the hub makes them, and awaited. */
final class StoreTesting {
    static final Duration FAST_RETENTION = Duration.ofMillis(200);

    private StoreTesting() {
    }

    static StoreConfig sqlite(Path dir) {
        return StoreConfig.defaults().withDataDir(dir);
    }

    /** Runs {@code call} on a context of {@code vertx} and waits for its future's result. */
    static <T> T on(Vertx vertx, Supplier<Future<T>> call) throws Exception {
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<T> out = new CompletableFuture<>();
        ctx.runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) {
                out.complete(ar.result());
            } else {
                out.completeExceptionally(ar.cause());
            }
        }));
        try {
            return out.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** The failure {@code call} ends with (fails the test if it succeeds). */
    static Throwable failureOf(Vertx vertx, Supplier<Future<?>> call) throws Exception {
        try {
            on(vertx, () -> call.get().map(x -> (Object) x));
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    static MessageStore open(Vertx vertx, StoreConfig config) throws Exception {
        return on(vertx, () -> Stores.open(vertx, config, StoreMetrics.NONE, FAST_RETENTION));
    }

    static MessageStore open(Vertx vertx, StoreConfig config, StoreMetrics metrics) throws Exception {
        return on(vertx, () -> Stores.open(vertx, config, metrics, FAST_RETENTION));
    }

    static StoredMessage msg(String room, long seq) {
        return new StoredMessage(room, seq, "alice", room + " message " + seq, 1_767_225_600_000L + seq, false, null);
    }

    /**
     * Appends {@code msg(room, 1..n)} all in one event-loop turn (so the store may group them into
     * few commits) and waits until every one is acknowledged.
     */
    static void appendInOneTurn(Vertx vertx, MessageStore store, String room, long n) throws Exception {
        on(vertx, () -> {
            java.util.List<Future<Void>> all = new java.util.ArrayList<>();
            for (long s = 1; s <= n; s++) {
                all.add(store.append(msg(room, s)));
            }
            return Future.all(all);
        });
    }

    /** Every stored seq of the room, read page by page. */
    static java.util.List<Long> allSeqs(Vertx vertx, MessageStore store, String room) throws Exception {
        java.util.List<Long> out = new java.util.ArrayList<>();
        while (true) {
            long after = out.isEmpty() ? 0 : out.get(out.size() - 1);
            java.util.List<StoredMessage> page = on(vertx, () -> store.after(room, after, MessageStore.MAX_READ));
            if (page.isEmpty()) {
                return out;
            }
            page.forEach(m -> out.add(m.seq()));
        }
    }
}
