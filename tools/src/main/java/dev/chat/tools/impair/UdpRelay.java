package dev.chat.tools.impair;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The UDP relay. Each datagram read on {@code --listen} is given a {@link Fate} by the forward
 * {@link Impairment}, then dropped, or scheduled for its due time (after the {@link Link} and the
 * delay) and written from its client's {@link UdpFlow} socket to {@code --forward}. Datagrams read on
 * a flow's socket are impaired the same way (unless {@code --one-way}) and written back to the
 * client from the listening socket, so the client sees its replies come from the address it
 * sent to.
 *
 * <p>Order: a datagram is scheduled at arrival + delay. With jitter, a later datagram can draw a
 * smaller delay and overtake an earlier one, as on a real path with several routes or queues; with
 * {@code --no-reorder-by-jitter} a datagram's due time is raised to its predecessor's, so jitter
 * only ever delays. {@code --reorder P} holds a datagram back until the next datagram of its flow is
 * scheduled and sends it right behind that one (a chain of held datagrams leaves newest first).
 *
 * <p>Bounds: at most {@code --queue} bytes wait per direction (more are dropped and counted as
 * overflow), at most {@code --max-flows} mappings (the least recently used goes), idle mappings
 * close after {@code --flow-idle}, and at most {@link #MAX_HELD} datagrams are held per flow.
 */
final class UdpRelay extends Relay {
    /** Longest chain of held datagrams; the next datagram marked for holding is sent normally. */
    static final int MAX_HELD = 64;
    /** Datagrams read per socket per turn of the loop, so timers are not starved by a flood. */
    private static final int BATCH = 64;
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

    /** A datagram in the relay. */
    record Datagram(UdpFlow flow, Direction direction, byte[] data, long arrival, long seq, boolean copy) {
    }

    private final DatagramChannel listen;
    private final InetSocketAddress bound;
    private final LinkedHashMap<InetSocketAddress, UdpFlow> flows = new LinkedHashMap<>(64, 0.75f, true);
    private final Impairment[] impairments = new Impairment[2];
    private final Link[] links = new Link[2];
    private final DirectionStats[] stats = {new DirectionStats(), new DirectionStats()};
    private final ByteBuffer rx = ByteBuffer.allocateDirect(65536);
    private final long idleNanos;
    private final long holdNanos;
    private long mappings;
    private long evicted;
    private boolean reportedReceiveError;

    UdpRelay(ImpairConfig config, Consumer<String> out) throws IOException {
        super(config, out);
        for (Direction d : Direction.values()) {
            impairments[d.ordinal()] = Impairment.forDirection(config, d, 0);
            links[d.ordinal()] = new Link(d == Direction.REPLY && config.oneWay() ? 0 : config.rate());
        }
        this.idleNanos = config.flowIdle().toNanos();
        this.holdNanos = config.reorderHold().toNanos();
        listen = DatagramChannel.open(family(config.listen()));
        try {
            listen.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            listen.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            listen.bind(config.listen());
            listen.configureBlocking(false);
            listen.register(loop.selector(), SelectionKey.OP_READ, (RelayLoop.Handler) k -> onListen());
        } catch (IOException | RuntimeException e) {
            listen.close();
            throw e;
        }
        bound = (InetSocketAddress) listen.getLocalAddress();
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(TimeUnit.SECONDS.toNanos(5), idleNanos / 4));
        scheduleExpiry(tick);
    }

    static ProtocolFamily family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound;
    }

    @Override
    ImpairReport snapshot() {
        return new ImpairReport(config, stats[0].snapshot(), stats[1].snapshot(), mappings, flows.size(), evicted, 0);
    }

    @Override
    void closeListener() {
        try {
            listen.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void onListen() {
        for (int i = 0; i < BATCH; i++) {
            rx.clear();
            SocketAddress from;
            try {
                from = listen.receive(rx);
            } catch (IOException e) {
                receiveError(e);
                return;
            }
            if (from == null) {
                return;
            }
            long now = System.nanoTime();
            byte[] data = copy(rx);
            UdpFlow flow = flowFor((InetSocketAddress) from, now);
            if (flow == null) {
                DirectionStats st = stats[Direction.FORWARD.ordinal()];
                st.in++;
                st.bytesIn += data.length;
                st.failed++;
                continue;
            }
            accept(flow, Direction.FORWARD, data, now);
        }
    }

    private void onUpstream(UdpFlow flow) {
        for (int i = 0; i < BATCH && !flow.closed; i++) {
            rx.clear();
            SocketAddress from;
            try {
                from = flow.channel.receive(rx);
            } catch (PortUnreachableException e) {
                continue; // an ICMP for an earlier datagram: --forward is not listening; counted when writing
            } catch (IOException e) {
                receiveError(e);
                return;
            }
            if (from == null) {
                return;
            }
            accept(flow, Direction.REPLY, copy(rx), System.nanoTime());
        }
    }

    private static byte[] copy(ByteBuffer buf) {
        buf.flip();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        return data;
    }

    private void receiveError(IOException e) {
        if (!reportedReceiveError) {
            reportedReceiveError = true;
            warn("receive failed: " + e.getMessage());
        }
    }

    private UdpFlow flowFor(InetSocketAddress client, long now) {
        UdpFlow flow = flows.get(client);
        if (flow != null) {
            return flow;
        }
        if (flows.size() >= config.maxFlows()) {
            Iterator<UdpFlow> eldest = flows.values().iterator();
            eldest.next().retire();
            eldest.remove();
            evicted++;
        }
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(family(config.forward()));
            ch.configureBlocking(false);
            ch.connect(config.forward());
            UdpFlow created = new UdpFlow(client, ch, now);
            created.key = ch.register(loop.selector(), SelectionKey.OP_READ, (RelayLoop.Handler) k -> onUpstream(created));
            flows.put(client, created);
            mappings++;
            return created;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            warn("cannot open a socket for " + ImpairConfig.hostPort(client) + ": " + e.getMessage());
            return null;
        }
    }

    /** Gives a datagram read at {@code now} its fate. */
    private void accept(UdpFlow flow, Direction dir, byte[] data, long now) {
        int d = dir.ordinal();
        DirectionStats st = stats[d];
        st.in++;
        st.bytesIn += data.length;
        flow.lastActive = now;
        Fate fate = impairments[d].next();
        if (fate.lost()) {
            st.dropped++;
            return;
        }
        UdpFlow.Side side = flow.side(dir);
        Datagram original = new Datagram(flow, dir, data, now, side.nextSeq++, false);
        if (!admit(st, flow, data.length)) {
            st.overflow++;
            return;
        }
        long due = links[d].depart(now, data.length) + fate.delayNanos();
        if (!config.reorderByJitter() && side.hasLastDue) {
            due = Math.max(due, side.lastDue);
        }
        if (fate.reorder() && side.held.size() < MAX_HELD) {
            side.held.push(original);
            st.held++;
            if (side.holdTimer == null) {
                side.holdTimer = loop.schedule(due + holdNanos, () -> releaseHeld(side, System.nanoTime()));
            }
        } else {
            setLastDue(side, due);
            schedule(original, due);
            releaseHeld(side, due);
        }
        if (fate.duplicate() && admit(st, flow, data.length)) {
            long copyDue = links[d].depart(now, data.length) + fate.duplicateDelayNanos();
            if (!config.reorderByJitter() && side.hasLastDue) {
                copyDue = Math.max(copyDue, side.lastDue);
            }
            setLastDue(side, copyDue);
            schedule(new Datagram(flow, dir, data, now, original.seq(), true), copyDue);
        }
    }

    private static void setLastDue(UdpFlow.Side side, long due) {
        if (!side.hasLastDue || due - side.lastDue > 0) {
            side.lastDue = due;
            side.hasLastDue = true;
        }
    }

    private boolean admit(DirectionStats st, UdpFlow flow, int bytes) {
        if (st.queuedBytes + bytes > config.queueBytes()) {
            return false;
        }
        st.queued++;
        st.queuedBytes += bytes;
        flow.inflight++;
        return true;
    }

    private void schedule(Datagram dg, long due) {
        loop.schedule(due, () -> send(dg));
    }

    /** Sends the held datagrams right behind the one due at {@code due}, newest first. */
    private void releaseHeld(UdpFlow.Side side, long due) {
        if (side.holdTimer != null) {
            side.holdTimer.cancel();
            side.holdTimer = null;
        }
        while (!side.held.isEmpty()) {
            schedule(side.held.pop(), due);
        }
    }

    private void send(Datagram dg) {
        DirectionStats st = stats[dg.direction().ordinal()];
        UdpFlow flow = dg.flow();
        st.queued--;
        st.queuedBytes -= dg.data().length;
        boolean sent;
        try {
            ByteBuffer buf = ByteBuffer.wrap(dg.data());
            if (dg.direction() == Direction.FORWARD) {
                sent = !flow.closed && (flow.channel.write(buf) > 0 || dg.data().length == 0);
            } else {
                sent = listen.send(buf, flow.client) > 0 || dg.data().length == 0;
            }
        } catch (IOException e) {
            sent = false; // e.g. ICMP port unreachable from --forward
        }
        flow.left();
        if (!sent) {
            if (!dg.copy()) {
                st.failed++;
            }
            return;
        }
        st.recordDelay(System.nanoTime() - dg.arrival());
        st.out++;
        st.bytesOut += dg.data().length;
        UdpFlow.Side side = flow.side(dg.direction());
        if (dg.copy()) {
            st.duplicated++;
        } else if (dg.seq() < side.maxSent) {
            st.reordered++;
        }
        side.maxSent = Math.max(side.maxSent, dg.seq());
    }

    private void scheduleExpiry(long tick) {
        loop.schedule(System.nanoTime() + tick, () -> {
            long now = System.nanoTime();
            Iterator<UdpFlow> it = flows.values().iterator();
            while (it.hasNext()) {
                UdpFlow f = it.next();
                if (f.inflight == 0 && now - f.lastActive > idleNanos) {
                    f.close();
                    it.remove();
                }
            }
            scheduleExpiry(tick);
        });
    }
}
