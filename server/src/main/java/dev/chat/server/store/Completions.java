package dev.chat.server.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Completes the store's futures on the Vert.x context of whoever asked, from the store's
 * threads: one task per context for a whole transaction's writes, in their order.
 */
final class Completions {

    private Completions() {
    }

    /** Completes every write of the group with success. */
    static void succeed(List<WriteOp> ops) {
        complete(ops, null);
    }

    /** Fails every write of the group with {@code cause}. */
    static void fail(List<WriteOp> ops, Throwable cause) {
        complete(ops, cause);
    }

    private static void complete(List<WriteOp> ops, Throwable cause) {
        if (ops.isEmpty()) {
            return;
        }
        Context first = ops.get(0).context;
        boolean one = true;
        for (WriteOp op : ops) {
            if (op.context != first) {
                one = false;
                break;
            }
        }
        if (one) {
            List<WriteOp> all = List.copyOf(ops);
            run(first, () -> settle(all, cause));
            return;
        }
        List<Context> contexts = new ArrayList<>();
        List<List<WriteOp>> groups = new ArrayList<>();
        for (WriteOp op : ops) {
            int i = contexts.indexOf(op.context);
            if (i < 0) {
                contexts.add(op.context);
                groups.add(new ArrayList<>());
                i = contexts.size() - 1;
            }
            groups.get(i).add(op);
        }
        for (int i = 0; i < contexts.size(); i++) {
            List<WriteOp> group = groups.get(i);
            run(contexts.get(i), () -> settle(group, cause));
        }
    }

    private static void settle(List<WriteOp> ops, Throwable cause) {
        for (WriteOp op : ops) {
            if (cause == null) {
                op.promise.tryComplete();
            } else {
                op.promise.tryFail(cause);
            }
        }
    }

    /** Runs {@code task} on the context, or here when there is none. */
    static void run(Context ctx, Runnable task) {
        if (ctx == null) {
            task.run();
        } else {
            ctx.runOnContext(v -> task.run());
        }
    }

    /**
     * Runs blocking {@code task} on {@code executor}; the future completes on the caller's
     * context. A rejected task (the store is closing) fails with {@link StoreErrorKind#CLOSED}.
     */
    static <T> Future<T> call(Executor executor, Callable<T> task) {
        Context ctx = Vertx.currentContext();
        Promise<T> p = Promise.promise();
        try {
            executor.execute(() -> {
                T result;
                try {
                    result = task.call();
                } catch (Throwable t) {
                    run(ctx, () -> p.fail(t));
                    return;
                }
                run(ctx, () -> p.complete(result));
            });
        } catch (RejectedExecutionException e) {
            p.fail(new StoreException(StoreErrorKind.CLOSED, "the store is closed"));
        }
        return p.future();
    }
}
