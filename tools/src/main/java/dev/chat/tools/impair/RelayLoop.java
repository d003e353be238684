package dev.chat.tools.impair;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The relay's one thread: a selector for the sockets and a priority queue of timers by due time
 * (ties in the order they were scheduled). Every piece of relay state is touched from this thread
 * only; other threads reach it through {@link #post}. A timer never fires before its due time;
 * the thread waits in the selector and parks for the last fraction of a millisecond, so it fires
 * soon after on an idle machine.
 */
final class RelayLoop {

    /** What a registered channel does when it is ready; the key's attachment. */
    interface Handler {
        void ready(SelectionKey key) throws IOException;
    }

    /** A scheduled action; {@link #cancel()} keeps it from running. */
    static final class Timer implements Comparable<Timer> {
        final long due;
        private final long order;
        private final Runnable action;
        private boolean cancelled;

        private Timer(long due, long order, Runnable action) {
            this.due = due;
            this.order = order;
            this.action = action;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private static final long SPIN_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Selector selector;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Consumer<String> errors;
    private final Thread thread;
    private long order;
    private volatile boolean running = true;

    RelayLoop(String name, Consumer<String> errors) throws IOException {
        this.selector = Selector.open();
        this.errors = errors;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true); // the command's main thread keeps the process; tests may embed relays
    }

    Selector selector() {
        return selector;
    }

    void start() {
        thread.start();
    }

    /** Runs {@code action} at {@code due} (System.nanoTime); relay thread only. */
    Timer schedule(long due, Runnable action) {
        Timer t = new Timer(due, order++, action);
        timers.add(t);
        return t;
    }

    /** Runs {@code task} on the relay thread soon; any thread. */
    void post(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Stops the loop and waits for the thread to end; the selector (and every registered channel) is closed. */
    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private void run() {
        try {
            while (running) {
                runTasks();
                fireTimers();
                waitForWork();
                handleKeys();
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            errors.accept("relay thread failed: " + e);
        } finally {
            closeAll();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            guarded(task);
        }
    }

    private void fireTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.due - now <= 0) {
            timers.poll();
            if (!t.cancelled) {
                guarded(t.action);
            }
            now = System.nanoTime();
        }
    }

    private void waitForWork() throws IOException {
        Timer next = timers.peek();
        if (!tasks.isEmpty()) {
            selector.selectNow();
            return;
        }
        if (next == null) {
            selector.select();
            return;
        }
        long wait = next.due - System.nanoTime();
        if (wait <= 0) {
            selector.selectNow();
        } else if (wait < SPIN_BELOW_NANOS) {
            // select() counts whole milliseconds: park for the last fraction instead
            if (selector.selectNow() == 0) {
                LockSupport.parkNanos(wait);
            }
        } else {
            selector.select(wait / 1_000_000);
        }
    }

    private void handleKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid()) {
                continue;
            }
            try {
                ((Handler) key.attachment()).ready(key);
            } catch (IOException e) {
                errors.accept("i/o error: " + e.getMessage());
                key.cancel();
            } catch (RuntimeException e) {
                errors.accept("internal error: " + e);
            }
        }
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            errors.accept("internal error: " + e);
        }
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
