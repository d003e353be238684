package dev.chat.client.presence;

import dev.chat.client.net.FrameTracer;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.BeaconSignature;
import dev.chat.protocol.MessageCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Our presence beacons: a {@link Beacon.ClientBeacon} every interval, by unicast UDP to the
 * server we are connected to (never multicast or broadcast: the server is the only one who
 * needs them). {@code seq} counts up by one per beacon so the server can measure loss; a change
 * of status ({@code /away}, {@code /back}) goes out at once; {@link #close} sends
 * {@code offline} as a goodbye so the server need not wait three intervals. Beacons are signed
 * with the session's key when the server gave one ({@code sig}, docs/PRESENCE.md).
 */
public final class BeaconSender implements AutoCloseable {
    private final Duration interval;
    private final Supplier<String> nick;
    private final FrameTracer tracer;
    private final DatagramSocket socket;
    private final ScheduledExecutorService timer;
    private InetSocketAddress target;   // guarded by this
    private byte[] key;                 // guarded by this; null: unsigned
    private String status = Beacon.ONLINE;
    private long seq;
    private boolean closed;

    /**
     * @param interval time between beacons
     * @param nick our current nick, read at each beacon
     */
    public BeaconSender(Duration interval, Supplier<String> nick, FrameTracer tracer) throws SocketException {
        this.interval = interval;
        this.nick = nick;
        this.tracer = tracer;
        this.socket = new DatagramSocket();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chat-beacons");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Where beacons go from now on (null: nowhere, while disconnected); sends one at once,
     * unsigned. After {@link #close} it does nothing: a connection thread may still report a change.
     */
    public void target(InetSocketAddress server) {
        target(server, null);
    }

    /**
     * As {@link #target(InetSocketAddress)}, signing every beacon with {@code beaconKey} (the
     * {@code beacon_key} of the server's {@code welcome}, decoded; null: unsigned), as
     * {@link BeaconSignature} says. {@code seq} goes on counting up across servers and keys.
     */
    public void target(InetSocketAddress server, byte[] beaconKey) {
        synchronized (this) {
            if (closed) {
                return;
            }
            target = server;
            key = server == null ? null : beaconKey;
        }
        tickSoon();
    }

    /** {@code online} or {@code away}; announced at once. Nothing after {@link #close}. */
    public void status(String newStatus) {
        synchronized (this) {
            if (closed) {
                return;
            }
            status = newStatus;
        }
        tickSoon();
    }

    // close() may shut the timer down between our check and this call: nothing to send then.
    private void tickSoon() {
        try {
            timer.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** The status we announce. */
    public synchronized String status() {
        return status;
    }

    /** Sends the {@code offline} goodbye (if connected somewhere) and stops. */
    @Override
    public void close() {
        InetSocketAddress to;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            status = Beacon.OFFLINE;
            to = target;
        }
        timer.shutdownNow();
        if (to != null) {
            send(to, Beacon.OFFLINE);
        }
        socket.close();
    }

    private void tick() {
        InetSocketAddress to;
        String s;
        synchronized (this) {
            if (closed || target == null) {
                return;
            }
            to = target;
            s = status;
        }
        send(to, s);
    }

    private void send(InetSocketAddress to, String s) {
        long n;
        byte[] k;
        synchronized (this) {
            n = ++seq;
            k = key;
        }
        Beacon.ClientBeacon b = new Beacon.ClientBeacon(nick.get(), s, n, System.currentTimeMillis(), interval.toMillis());
        if (k != null) {
            b = BeaconSignature.signed(k, b);
        }
        byte[] frame = MessageCodec.encodeFrame(b);
        try {
            socket.send(new DatagramPacket(frame, frame.length, to));
            tracer.sentDatagram(frame, to.getAddress().getHostAddress() + ":" + to.getPort());
        } catch (IOException e) {
            // UDP is best effort: a lost beacon is what the loss measurement is for
        }
    }
}
