package dev.chat.server.store;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writes waiting for a transaction, in the order they were made, bounded in bytes. Any
 * thread offers; one consumer (the SQLite writer thread, or the PostgreSQL store's context)
 * takes everything waiting as one group.
 */
final class WriteQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<WriteOp> ops = new ArrayDeque<>();
    private final long maxBytes;
    private long bytes;
    private boolean closed;
    /** Appends queued or being committed. */
    private final AtomicInteger depth = new AtomicInteger();

    WriteQueue(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @return null if queued, else why not ({@link StoreErrorKind#QUEUE_FULL} or {@link StoreErrorKind#CLOSED})
     */
    StoreErrorKind offer(WriteOp op) {
        lock.lock();
        try {
            if (closed) {
                return StoreErrorKind.CLOSED;
            }
            if (bytes + op.weight > maxBytes && !ops.isEmpty()) {
                return StoreErrorKind.QUEUE_FULL;
            }
            ops.addLast(op);
            bytes += op.weight;
            if (op.isAppend()) {
                depth.incrementAndGet();
            }
            if (ops.size() == 1) {
                notEmpty.signal();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@code max} waiting writes into {@code into}, waiting up to {@code waitNanos}
     * for the first one.
     *
     * @return how many were moved (0 after the wait, or when closed and empty)
     */
    int drainTo(List<WriteOp> into, int max, long waitNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = waitNanos;
            while (ops.isEmpty() && !closed && left > 0) {
                left = notEmpty.awaitNanos(left);
            }
            return take(into, max);
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} waiting writes into {@code into} without waiting. */
    int drainNow(List<WriteOp> into, int max) {
        lock.lock();
        try {
            return take(into, max);
        } finally {
            lock.unlock();
        }
    }

    private int take(List<WriteOp> into, int max) {
        int n = 0;
        WriteOp op;
        while (n < max && (op = ops.pollFirst()) != null) {
            into.add(op);
            bytes -= op.weight;
            n++;
        }
        return n;
    }

    /** The consumer finished (committed or failed) these appends. */
    void done(int appends) {
        depth.addAndGet(-appends);
    }

    /** Appends queued or being committed. */
    int depth() {
        return depth.get();
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return ops.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further writes; those queued stay for the consumer to commit. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
