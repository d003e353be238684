package dev.chat.server.net;

import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.rooms.Recipient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;

/**
 * One client connection: the thin adapter between a {@link NetSocket} and typed messages.
 * Inbound bytes go through a {@link FrameDecoder}; outbound frames are appended to one pending
 * buffer and written once per event-loop turn (many frames, one syscall), and the pending
 * buffer is bounded: a client that does not read is closed as a slow consumer instead of
 * growing the server's memory. Inbound is bounded too: the session counts its requests that the
 * hub has not answered yet, and above {@link TcpVerticle#MAX_REQUESTS_IN_FLIGHT} it stops reading
 * its socket until replies bring the count back to half of that (TCP then pushes back on the
 * client). Everything here runs on the owning {@link TcpVerticle}'s loop.
 */
final class Session implements Recipient, FrameDecoder.FrameSink {
    final long id;
    private final TcpVerticle loop;
    final NetSocket socket;
    final FrameDecoder decoder;
    final long openedAt;
    final RateLimiter rate;

    String nick;
    /** A hello went to the hub; later requests go there too, and the hub knows the outcome. */
    boolean helloSent;
    boolean registered;
    long lastRead;
    boolean pingSent;
    String closeReason;
    boolean closing;

    private Buffer pending;
    private int pendingFrames;
    private boolean dirty;
    private boolean waitingDrain;

    /** Requests sent to the hub (or presence) on this session's behalf and not answered yet. */
    int inFlight;
    /** Frames are not dispatched: too many requests in flight; {@link #held} keeps them meanwhile. */
    boolean readsPaused;
    /** Frames decoded from bytes already read when reading paused, in order; null when none. */
    private ArrayDeque<byte[]> held;

    Session(long id, TcpVerticle loop, NetSocket socket, int maxFrame, RateLimiter rate, long now) {
        this.id = id;
        this.loop = loop;
        this.socket = socket;
        this.decoder = new FrameDecoder(maxFrame);
        this.rate = rate;
        this.openedAt = now;
        this.lastRead = now;
    }

    @Override
    public long sessionId() {
        return id;
    }

    @Override
    public int loop() {
        return loop.index();
    }

    /** Feeds received bytes to the decoder; complete frames go to the command table. */
    void onData(Buffer data, long now) {
        lastRead = now;
        pingSent = false;
        byte[] bytes = data.getBytes();
        try {
            decoder.feed(bytes, 0, bytes.length, this);
        } catch (FrameTooLargeException e) {
            loop.onProtocolError(this, e);
        }
    }

    @Override
    public void onFrame(byte[] payload) {
        if (closing) {
            return;
        }
        if (readsPaused) {
            // the rest of a chunk read before the pause: dispatched, in order, when reading resumes
            if (held == null) {
                held = new ArrayDeque<>();
            }
            held.add(payload);
            return;
        }
        loop.onFrame(this, payload);
    }

    /** One more request awaits its answer; at the bound, stop reading the socket. */
    void requestSent() {
        if (++inFlight >= TcpVerticle.MAX_REQUESTS_IN_FLIGHT && !readsPaused && !closing) {
            readsPaused = true;
            socket.pause();
            loop.readsPaused(this);
        }
    }

    /** A request was answered; at half the bound, dispatch held frames, then read again. */
    void requestAnswered() {
        inFlight--;
        if (!readsPaused || closing || inFlight > TcpVerticle.MAX_REQUESTS_IN_FLIGHT / 2) {
            return;
        }
        lastRead = System.nanoTime(); // the client was not silent: we did not read it
        pingSent = false;
        byte[] p;
        while (inFlight < TcpVerticle.MAX_REQUESTS_IN_FLIGHT && !closing && held != null && (p = held.poll()) != null) {
            loop.onFrame(this, p);
        }
        if (inFlight < TcpVerticle.MAX_REQUESTS_IN_FLIGHT && !closing) {
            readsPaused = false;
            held = null;
            loop.readsResumed(this);
            socket.resume();
        }
    }

    /** The connection is gone: whatever was held is dropped; returns whether reading was paused. */
    boolean dropHeld() {
        held = null;
        boolean was = readsPaused;
        readsPaused = false;
        return was;
    }

    /** Encodes and queues a message for this client. */
    void send(ServerMessage m) {
        if (m instanceof ServerMessage.Error e) {
            loop.countError(e.code());
        }
        deliver(MessageCodec.encodeFrame(m));
    }

    @Override
    public void deliver(byte[] frame) {
        if (closing) {
            return;
        }
        if (pending == null) {
            pending = Buffer.buffer(Math.max(256, frame.length));
        }
        pending.appendBytes(frame);
        pendingFrames++;
        if (waitingDrain) {
            if (pending.length() > loop.maxBacklog()) {
                loop.slowConsumer(this);
            }
            return; // the drain handler flushes
        }
        if (!dirty) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Writes what is pending in one write, unless the socket's queue is full. */
    void flush() {
        dirty = false;
        if (pending == null || closing) {
            return;
        }
        if (socket.writeQueueFull()) {
            waitingDrain = true;
            if (pending.length() > loop.maxBacklog()) {
                loop.slowConsumer(this);
            }
            return;
        }
        write();
    }

    void onDrain() {
        waitingDrain = false;
        if (pending != null && !dirty && !closing) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Sends a last message (if any), flushes and closes. */
    void close(String reason, ServerMessage last) {
        if (closing) {
            return;
        }
        if (last != null) {
            if (last instanceof ServerMessage.Error e) {
                loop.countError(e.code());
            }
            if (pending == null) {
                pending = Buffer.buffer(256);
            }
            pending.appendBytes(MessageCodec.encodeFrame(last));
            pendingFrames++;
        }
        if (pending != null) {
            write();
        }
        closing = true;
        closeReason = reason;
        socket.close();
    }

    /** Drops what is pending (a slow consumer), then closes with one last message. */
    void abandon(String reason, ServerMessage last) {
        pending = null;
        pendingFrames = 0;
        close(reason, last);
    }

    private void write() {
        Buffer out = pending;
        loop.countOut(pendingFrames, out.length());
        pending = null;
        pendingFrames = 0;
        socket.write(out);
    }
}
