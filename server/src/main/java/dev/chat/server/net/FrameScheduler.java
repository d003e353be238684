package dev.chat.server.net;

import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Output;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Session;
import dev.chat.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One loop's output scheduler for one format: when and how the frames of every connection of the
 * loop in that format are written: framed JSON ({@link TcpConnection}, {@link FrameLayout#FRAMED})
 * or WebSocket text frames ({@link WsConnection}, {@link FrameLayout#WEBSOCKET_TEXT}); each is an
 * {@link Outlet}.
 *
 * <ul>
 *   <li><b>Copy once per loop.</b> A fan-out frame is copied once into the loop's
 *       {@link FrameLog}; each member only notes its position. Frames for one connection
 *       (replies, direct messages) go to a second log, so they do not split a room's frames.
 *   <li><b>Runs.</b> Consecutive deliveries for one recipient array (a room's members on this
 *       loop) form a run, handed to each member once, when it closes: at the flush, or when
 *       anything else goes to several connections. A frame for one connection that comes while a
 *       run is open is set aside with the run's position at that moment and placed there when the
 *       run closes, so each connection receives its frames in the order the loop got them.
 *   <li><b>Flush pacing.</b> The first connection with something queued in a turn schedules one
 *       flush at the end of the tasks already queued; flushes are at least
 *       {@link #FLUSH_SPACING_NANOS} apart, so a busy loop writes each member a millisecond's
 *       frames at once.
 * </ul>
 * Loop thread only.
 */
public final class FrameScheduler implements Output {
    /**
     * Flushes of one loop are at least this far apart. When the loop is idle, a frame is written
     * right after the task that queued it; when it is busy (the last flush was less than this ago)
     * the flush waits for the rest of the interval, so that each member gets the frames of the
     * whole interval in one write.
     */
    static final long FLUSH_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Frames set aside during one run at most; then the run is closed early (it stays correct). */
    static final int MAX_ASIDE = 4096;

    private final ChatLoop loop;
    private final ServerMetrics metrics;
    private RoomWire wire;
    /** Bytes on their way from a socket to a decoder (which copies what it keeps): one per loop. */
    private final byte[] scratch = new byte[64 * 1024];
    private final ArrayDeque<Outlet> dirty = new ArrayDeque<>();
    /** Frames for many connections (room messages, events). */
    private final FrameLog log;
    /** Frames for one connection (replies, direct messages). */
    private final FrameLog directLog;
    // the open run: consecutive frames for one recipient array, side by side in one chunk
    private Recipient[] runTo;
    private ByteBuf runChunk;
    private int runStart;
    private int runEnd;
    private int runFrames;
    /** Identifies the open run (see {@link Outlet#asideIn}); incremented when it closes. */
    private long runId;
    private final ArrayList<Aside> aside = new ArrayList<>();
    private boolean flushScheduled;
    /** When the last flush started ({@link System#nanoTime()}). */
    private long lastFlushAt = System.nanoTime() - FLUSH_SPACING_NANOS;
    /** {@link #FLUSH_SPACING_NANOS}; 0 in the fan-out micro-benchmark, which flushes every turn. */
    long flushSpacingNanos = FLUSH_SPACING_NANOS;
    /** {@link #flushDirty()} as a task, made once: it is scheduled at every turn that queued output. */
    private final Handler<Void> flushTask = v -> flushDirty();
    private final Runnable flushLater = () -> loopContext().runOnContext(flushTask);
    private EventExecutor eventLoop;
    private String textAnswer = FramedPort.TEXT_ANSWER;

    /** A frame for one connection, set aside while a run was open, and where in the run it came. */
    private record Aside(Outlet to, int runPos, int runFramesBefore, ByteBuf chunk, int start, int length) {
    }

    /** The scheduler of one loop for connections written in {@code layout}. */
    FrameScheduler(ChatLoop loop, FrameLayout layout) {
        this.loop = loop;
        this.metrics = loop.metrics();
        this.log = new FrameLog(layout);
        this.directLog = new FrameLog(layout);
    }

    /** How this scheduler's frames lie on the wire. */
    FrameLayout layout() {
        return log.layout();
    }

    /** The node's record of each room's frames (requests received are noted there). */
    RoomWire wire() {
        if (wire == null) {
            wire = RoomWire.of(loop.vertx());
        }
        return wire;
    }

    ChatLoop loop() {
        return loop;
    }

    byte[] scratch() {
        return scratch;
    }

    /** The line text at the framed port gets ({@link FramedPort}); its listener names the IRC port in it. */
    String textAnswer() {
        return textAnswer;
    }

    void textAnswer(String line) {
        textAnswer = line;
    }

    int maxBacklog() {
        return loop.serverConfig().maxBacklog();
    }

    private io.vertx.core.Context loopContext() {
        return loop.loopContext();
    }

    private static Outlet of(Recipient r) {
        return (Outlet) ((Session) r).connection();
    }

    /** A delivery for this loop's framed connections. */
    @Override
    public void deliver(Delivery d) {
        byte[] frame = d.frame();
        Recipient[] to = d.to();
        if (to.length > 1) {
            ByteBuf chunk = log.append(frame); // once for all of this loop's recipients
            int length = log.layout().size(frame);
            int start = chunk.writerIndex() - length;
            if (runTo == to && runChunk == chunk && runEnd == start) {
                runEnd += length;
                runFrames++;
            } else {
                closeRun();
                runTo = to;
                runChunk = chunk;
                runStart = start;
                runEnd = start + length;
                runFrames = 1;
                scheduleFlush();
            }
        } else if (to.length == 1) {
            deliverOne(of(to[0]), frame);
        }
        if (d.chat()) {
            metrics.messagesDelivered.add(to.length);
        }
        if (log.hasRetired() || directLog.hasRetired()) {
            scheduleFlush(); // even if no recipient queued anything: the flush releases full chunks
        }
    }

    /** A frame for one connection: queued now, or set aside to keep its place after an open run's frames. */
    void deliverOne(Outlet c, byte[] frame) {
        ByteBuf chunk = directLog.append(frame);
        int length = directLog.layout().size(frame);
        int start = chunk.writerIndex() - length;
        if (runTo != null && aside.size() >= MAX_ASIDE) {
            closeRun();
        }
        if (runTo == null) {
            c.deliver(chunk, start, length, 1);
        } else {
            aside.add(new Aside(c, runEnd, runFrames, chunk, start, length));
            c.asideIn(runId);
        }
    }

    /**
     * Hands the open run to its members: one segment each, or, for a member with frames set
     * aside, the run's pieces with those frames between them; then the set-aside frames of
     * connections outside the run. Called before anything else is delivered to several
     * connections, before a connection closes, and at the flush.
     */
    void closeRun() {
        Recipient[] to = runTo;
        if (to == null) {
            return;
        }
        runTo = null; // first: a member closed by this (slow consumer) may call back in
        ByteBuf chunk = runChunk;
        runChunk = null;
        long id = runId++;
        int start = runStart;
        int end = runEnd;
        int frames = runFrames;
        if (aside.isEmpty()) {
            for (Recipient r : to) {
                of(r).deliver(chunk, start, end - start, frames);
            }
            return;
        }
        for (Recipient r : to) {
            Outlet c = of(r);
            if (c.asideIn() != id) {
                c.deliver(chunk, start, end - start, frames);
                continue;
            }
            c.asideIn(-1); // a member: what was set aside for it is placed here
            int pos = start;
            int done = 0;
            for (Aside a : aside) {
                if (a.to == c) {
                    if (a.runPos > pos) {
                        c.deliver(chunk, pos, a.runPos - pos, a.runFramesBefore - done);
                        pos = a.runPos;
                        done = a.runFramesBefore;
                    }
                    c.deliver(a.chunk, a.start, a.length, 1);
                }
            }
            if (end > pos) {
                c.deliver(chunk, pos, end - pos, frames - done);
            }
        }
        List<Aside> rest = new ArrayList<>(aside);
        aside.clear();
        for (Aside a : rest) {
            if (a.to.asideIn() == id) { // not a member of the run
                a.to.deliver(a.chunk, a.start, a.length, 1);
            }
        }
        for (Aside a : rest) {
            if (a.to.asideIn() == id) {
                a.to.asideIn(-1);
            }
        }
    }

    void markDirty(Outlet c) {
        dirty.add(c);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            long wait = lastFlushAt + flushSpacingNanos - System.nanoTime();
            if (wait <= 0) {
                // runs after the tasks already queued on this loop: frames queued meanwhile share a write
                loopContext().runOnContext(flushTask);
            } else {
                if (eventLoop == null) {
                    eventLoop = VertxNetty.eventLoop(loopContext());
                }
                eventLoop.schedule(flushLater, wait, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        lastFlushAt = System.nanoTime();
        closeRun();
        Outlet c;
        while ((c = dirty.poll()) != null) {
            c.flush();
        }
        // no connection refers to a full chunk without a reference of its own now
        log.releaseRetired();
        directLog.releaseRetired();
    }

    void countOut(int frames, int bytes) {
        metrics.framesOut.add(frames);
        metrics.bytesOut.add(bytes);
    }

    void countIn(int bytes) {
        metrics.bytesIn.add(bytes);
    }

    /** The loop stops (its connections are closed): flushes what is left and frees the logs. */
    @Override
    public void close() {
        flushDirty();
        log.close();
        directLog.close();
    }
}
