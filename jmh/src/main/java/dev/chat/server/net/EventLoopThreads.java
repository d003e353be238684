package dev.chat.server.net;

import io.vertx.core.spi.VertxThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's benchmark threads, made the kind of thread a TCP loop runs on: Vert.x event-loop threads
 * (which are Netty {@code FastThreadLocalThread}s). Netty's pooled allocator keeps a per-thread
 * cache only on such threads (by default), and Vert.x keeps the current context in the thread
 * object instead of a {@code ThreadLocal}; on JMH's ordinary threads the fan-out would allocate and lock where the server does not. Selected
 * with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.chat.server.net.EventLoopThreads}
 * (see {@link FanOutBenchmark}'s {@code @Fork}); JMH calls the {@code (int, String)} constructor.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {

    public EventLoopThreads(int threads, String prefix) {
        super(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), factory(prefix));
    }

    private static java.util.concurrent.ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> VertxThreadFactory.INSTANCE.newVertxThread(r, prefix + "-loop-" + n.incrementAndGet(),
                false, 2, TimeUnit.SECONDS);
    }
}
