package dev.chat.server.presence;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.BeaconSignature;
import dev.chat.protocol.Names;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MalformedDatagramException;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.server.bus.Addresses;
import dev.chat.server.core.ListenException;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side of a node. Receives client presence beacons on {@code --udp-port} into the
 * {@link PresenceTable} (which this verticle's context owns), answers {@code peers} requests
 * from the TCP loops ({@link Addresses#PRESENCE_PEERS}), publishes {@code presence} events
 * ({@link Addresses#PRESENCE_EVENTS}), and announces the server to the LAN every
 * {@code --beacon-interval} through one interface ({@link AnnounceRoute}), with a goodbye on
 * stop.
 *
 * <p>It never answers a datagram. Oversized, malformed and server-role datagrams are dropped and
 * counted by reason; the work per datagram is bounded (a size check, then decoding at most
 * 1200 bytes and an O(log n) table update) and the table is bounded by {@code --max-peers}.
 * Presence events are rate-limited ({@value #EVENT_RATE} per second, bursts of
 * {@value #EVENT_BURST}) so a flood of fake nicks cannot turn into a flood of TCP writes; the
 * ones over the limit are counted and skipped ({@code peers} always tells the truth).
 *
 * <p>A beacon for a nick a session holds here must be signed with that session's key
 * ({@link BeaconKeys}, {@link #verify}); it is then listed as verified, and unverified beacons
 * never touch its entry ({@link PresenceTable#onBeacon(Beacon.ClientBeacon, String, Object)}).
 */
public final class BeaconVerticle extends VerticleBase {
    /** Presence events published per second at most, on average. */
    static final int EVENT_RATE = 200;
    /** Presence events that may be published at once (e.g. many clients starting together). */
    static final int EVENT_BURST = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(BeaconVerticle.class);
    private static final int MAX_NAME = 255; // what the beacon decoder accepts
    /** How far a signed beacon's {@code ts} may be from this node's clock, ms. */
    static final long MAX_SKEW_MS = 30_000;

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String nodeId;
    private int tcpPort;
    private int tlsPort;
    private java.util.function.Supplier<String> tlsFingerprint = () -> null;
    private int ircPort;
    private int boundUdpPort;
    private final IntConsumer boundPort;
    private final String announcedName;

    private final LongAdder eventsPublished = new LongAdder();
    private final LongAdder eventsSuppressed = new LongAdder();
    private final LongAdder announcementsSent = new LongAdder();
    private final LongAdder announcementsFailed = new LongAdder();
    private volatile int peerCount;
    private volatile boolean announcing;

    private PresenceTable table;
    private BeaconKeys keys;
    private DatagramSocket socket;
    private Announcer announcer;
    private volatile String announcements = "not started";
    private long announceSeq;
    private boolean announceFailing;
    private long expiryTimer = -1;
    private long expiryAt;
    private double eventTokens = EVENT_BURST;
    private long eventTokensAt;

    /**
     * Binds the UDP port when deployed; announces the server only once {@link #announce(int)} is
     * called (the chat port is bound after this one, so that the hub knows the UDP port before
     * any client can say {@code hello}).
     *
     * @param nodeId this node's id, announced as {@code node}
     * @param boundPort told the actual UDP port once listening
     */
    public BeaconVerticle(ServerConfig config, ServerMetrics metrics, String nodeId, IntConsumer boundPort) {
        this.config = config;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.boundPort = boundPort;
        String name = config.name().isEmpty() ? nodeId : config.name();
        if (name.length() > MAX_NAME) {
            int end = Character.isHighSurrogate(name.charAt(MAX_NAME - 1)) ? MAX_NAME - 1 : MAX_NAME;
            name = name.substring(0, end);
        }
        this.announcedName = name;
    }

    @Override
    public Future<?> start() {
        table = new PresenceTable(config.maxPeers(), System::nanoTime, this::publish);
        eventTokensAt = System.nanoTime();
        keys = BeaconKeys.of(vertx);
        metrics.gauge("chat_presence_peers", "Peers in the presence table.", () -> peerCount);
        metrics.gauge("chat_presence_announcing", "1 while this node announces itself over UDP.",
                () -> announcing ? 1 : 0);
        metrics.counter("chat_presence_events_total", "Presence events published to TCP clients.",
                eventsPublished::sum);
        metrics.counter("chat_presence_events_suppressed_total",
                "Presence events not published: over the event rate limit.", eventsSuppressed::sum);
        PresenceTable t = table;
        metrics.counter("chat_presence_peers_expired_total", "Peers removed after 3 silent intervals.",
                t::expiredTotal);
        metrics.counter("chat_presence_peers_evicted_total", "Peers evicted to stay within --max-peers.",
                t::evictedTotal);
        metrics.counter("chat_announcements_sent_total", "Server announcements sent.", announcementsSent::sum);
        metrics.counter("chat_announcements_failed_total", "Server announcements the network refused.",
                announcementsFailed::sum);
        vertx.eventBus().localConsumer(Addresses.PRESENCE_PEERS, this::onPeers);
        socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReuseAddress(true));
        socket.handler(this::onDatagram);
        return socket.listen(config.udpPort(), config.host())
                .recover(e -> Future.failedFuture(new ListenException("--udp-port", config.host(), config.udpPort(), e)))
                .map(s -> {
                    boundUdpPort = s.localAddress().port();
                    boundPort.accept(boundUdpPort);
                    return null;
                });
    }

    /**
     * Starts announcing the server (unless {@code --no-announce}) with its bound chat port, on
     * this verticle's context; completes once it knows where announcements go
     * ({@link #announcements()}).
     */
    public Future<Void> announce(int chatPort) {
        return announce(chatPort, 0, () -> null, 0);
    }

    /** As {@link #announce(int)}, with the bound IRC port in every announcement ({@code irc_port}; 0: none). */
    public Future<Void> announce(int chatPort, int ircChatPort) {
        return announce(chatPort, 0, () -> null, ircChatPort);
    }

    /**
     * {@link #announce(int)}, with the TLS port and its certificate's fingerprint in every
     * announcement ({@code tls_port}, {@code tls_fingerprint}; docs/PRESENCE.md), and the IRC port
     * ({@code irc_port}). The fingerprint is read at each announcement, so one after a certificate
     * reload names the new one.
     *
     * @param tlsPort the bound TLS port, 0: none
     * @param ircChatPort the bound IRC port, 0: none
     */
    public Future<Void> announce(int chatPort, int tlsPort, java.util.function.Supplier<String> fingerprint, int ircChatPort) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        context.runOnContext(v -> {
            tcpPort = chatPort;
            this.tlsPort = tlsPort;
            this.tlsFingerprint = fingerprint;
            ircPort = ircChatPort;
            startAnnouncing(config.udpPort() != 0 ? config.udpPort() : boundUdpPort).onComplete(done);
        });
        return done.future();
    }

    /** Says goodbye to the LAN, then closes both sockets. */
    @Override
    public Future<?> stop() {
        if (announcer != null) {
            announce(Beacon.OFFLINE);
            announcing = false;
            try {
                announcer.close();
            } catch (IOException e) {
                LOG.debug("closing the announcement socket: {}", e.getMessage());
            }
        }
        return socket.close();
    }

    // -- announcements --

    /** Where announcements go, for the start-up line: set once listening. */
    public String announcements() {
        return announcements;
    }

    private Future<Void> startAnnouncing(int port) {
        if (!config.announce()) {
            announcements = "off (--no-announce)";
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> Announcer.open(
                AnnounceRoute.choose(config.host(), config.announceInterface()), port, config.announceBroadcast()),
                false).transform(ar -> {
            if (ar.failed()) {
                Throwable e = ar.cause();
                announcements = "off: " + (e instanceof AnnounceRoute.NoRouteException ? e.getMessage() : e.toString());
                LOG.warn("not announcing this server: {}", announcements);
                return Future.succeededFuture();
            }
            announcer = ar.result();
            announcing = true;
            announcements = "every " + config.beaconInterval().toMillis() + " ms to " + announcer;
            LOG.debug("announcing {}", announcements);
            announce(Beacon.ONLINE);
            vertx.setPeriodic(config.beaconInterval().toMillis(), id -> announce(Beacon.ONLINE));
            return Future.succeededFuture();
        });
    }

    private void announce(String status) {
        if (announcer == null) {
            return;
        }
        String fingerprint = tlsPort > 0 ? tlsFingerprint.get() : null;
        byte[] frame = MessageCodec.encodeFrame(new Beacon.ServerBeacon(announcedName, nodeId, tcpPort, status,
                ++announceSeq, System.currentTimeMillis(), config.beaconInterval().toMillis(),
                fingerprint == null ? 0 : tlsPort, fingerprint, ircPort));
        try {
            if (announcer.send(frame) > 0) {
                announcementsSent.increment();
                announceFailing = false;
                return;
            }
            announcementsFailed.increment(); // the kernel's send buffer is full: the next one will do
        } catch (IOException e) {
            announcementsFailed.increment();
            if (!announceFailing) { // once per streak of failures, not every interval
                announceFailing = true;
                LOG.warn("cannot send a server announcement: {}", e.getMessage());
            }
        }
    }

    // -- beacons in --

    private void onDatagram(DatagramPacket packet) {
        Buffer data = packet.data();
        int length = data.length();
        if (length > Frames.HEADER_LENGTH + Frames.MAX_DATAGRAM_PAYLOAD) {
            metrics.beaconDropped("oversized"); // not even copied
            return;
        }
        Beacon beacon;
        try {
            beacon = MessageCodec.decodeBeacon(Frames.datagramPayload(data.getBytes(), length));
        } catch (FrameTooLargeException e) {
            metrics.beaconDropped("oversized");
            return;
        } catch (MalformedDatagramException e) {
            metrics.beaconDropped("malformed");
            return;
        } catch (ProtocolException e) {
            metrics.beaconDropped(e.code()); // bad_json, unknown_type or invalid
            return;
        }
        if (!(beacon instanceof Beacon.ClientBeacon client)) {
            // another server's announcement (or our own, looped back): not a presence beacon
            metrics.beaconDropped("server_beacon");
            return;
        }
        String nickKey = Names.nickKey(client.nick());
        BeaconKeys.Holder holder = keys.holder(nickKey);
        if (holder == null && table.holderOf(nickKey) instanceof BeaconKeys.Holder listed) {
            // its session left (or took another nick): its own late beacons and goodbye still
            // count, until the entry goes; nobody else's
            holder = listed;
        }
        String refused = verify(client, holder, System.currentTimeMillis());
        if (refused != null) {
            metrics.beaconDropped(refused);
            return;
        }
        if (!table.onBeacon(client, address(packet.sender()), holder)) {
            metrics.beaconDropped("unverified"); // it would have displaced a verified peer
            return;
        }
        metrics.beaconsAccepted.increment();
        tableChanged();
    }

    /**
     * Why a beacon is refused (a drop reason), or null when it may go to the table: verified
     * when {@code holder} (the key of the session holding its nick here, or of the one whose
     * verified entry is still listed) is not null.
     * <ul>
     *   <li>{@code unsigned}: the nick is held by a session here, and the beacon has no {@code sig};
     *   <li>{@code bad_signature}: it has a {@code sig}, but not the right one under the holder's
     *       key, or no session here holds the nick (a late beacon of a session gone, or a nick
     *       held on another node: keys never leave their node);
     *   <li>{@code stale}: its {@code ts} is more than {@value #MAX_SKEW_MS} ms from this node's clock;
     *   <li>{@code replayed}: the session's beacon with that {@code seq} was taken already, or is
     *       too old to tell ({@link ReplayWindow}).
     * </ul>
     */
    static String verify(Beacon.ClientBeacon b, BeaconKeys.Holder holder, long nowMs) {
        if (holder == null) {
            return b.sig() == null ? null : "bad_signature";
        }
        if (b.sig() == null) {
            return "unsigned";
        }
        if (!BeaconSignature.verify(holder.key(), b)) {
            return "bad_signature";
        }
        if (Math.abs(b.ts() - nowMs) > MAX_SKEW_MS) {
            return "stale";
        }
        return holder.replay.accept(b.seq()) ? null : "replayed";
    }

    private static String address(SocketAddress sender) {
        String host = sender.hostAddress() != null ? sender.hostAddress() : sender.host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + sender.port();
    }

    /** Keeps the gauge current and the expiry timer armed for the earliest deadline. */
    private void tableChanged() {
        peerCount = table.size();
        OptionalLong next = table.nextExpiry();
        if (next.isEmpty()) {
            if (expiryTimer != -1) {
                vertx.cancelTimer(expiryTimer);
                expiryTimer = -1;
            }
            return;
        }
        if (expiryTimer != -1 && expiryAt - next.getAsLong() <= 0) {
            return; // armed early enough: when it fires it re-arms for whatever is earliest then
        }
        if (expiryTimer != -1) {
            vertx.cancelTimer(expiryTimer);
        }
        expiryAt = next.getAsLong();
        long delayMs = Math.max(1, (expiryAt - System.nanoTime() + 999_999) / 1_000_000);
        expiryTimer = vertx.setTimer(delayMs, id -> {
            expiryTimer = -1;
            table.expire();
            tableChanged();
        });
    }

    private void publish(ServerMessage.Presence event) {
        long now = System.nanoTime();
        eventTokens = Math.min(EVENT_BURST, eventTokens + (now - eventTokensAt) * (EVENT_RATE / 1e9));
        eventTokensAt = now;
        if (eventTokens < 1) {
            eventsSuppressed.increment();
            return;
        }
        eventTokens -= 1;
        eventsPublished.increment();
        vertx.eventBus().publish(Addresses.PRESENCE_EVENTS, MessageCodec.encodeFrame(event), LocalCodec.LOCAL);
    }

    // -- peers --

    private void onPeers(Message<Object> msg) {
        Object id = ((ClientMessage) msg.body()).id();
        List<PeerInfo> peers = table.peers();
        tableChanged();
        msg.reply(new ServerMessage.PeerList(id, fitToFrame(id, peers, config.maxFrame())), LocalCodec.LOCAL);
    }

    /**
     * The rows that fit in one frame of {@code maxFrame} bytes (what clients were told in
     * {@code welcome}): all of them when they fit, else the most recently heard that do, still
     * sorted by nick.
     */
    static List<PeerInfo> fitToFrame(Object id, List<PeerInfo> peers, int maxFrame) {
        long budget = maxFrame - (long) MessageCodec.encode(new ServerMessage.PeerList(id, List.of())).length;
        long total = 0;
        for (PeerInfo p : peers) {
            total += rowBytes(p);
        }
        if (total <= budget) {
            return peers;
        }
        List<PeerInfo> recent = new ArrayList<>(peers);
        recent.sort(Comparator.comparingLong(PeerInfo::lastSeenMs));
        List<PeerInfo> kept = new ArrayList<>();
        long used = 0;
        for (PeerInfo p : recent) {
            int n = rowBytes(p);
            if (used + n > budget) {
                break;
            }
            used += n;
            kept.add(p);
        }
        kept.sort(Comparator.comparing(p -> p.nick().toLowerCase(java.util.Locale.ROOT)));
        LOG.debug("peers reply trimmed to {} of {} rows to fit in {} bytes", kept.size(), peers.size(), maxFrame);
        return kept;
    }

    /**
     * Upper bound of one row's JSON:
     * {@code {"nick":"","address":"","status":"","last_seen_ms":,"loss":,"jitter_ms":,"verified":false}}
     * is 91 bytes, plus the separating comma, the ASCII values, and slack for number formatting.
     */
    private static int rowBytes(PeerInfo p) {
        return 92 + p.nick().length() + p.address().length() + p.status().length()
                + Long.toString(p.lastSeenMs()).length() + Double.toString(p.loss()).length()
                + Double.toString(p.jitterMs()).length() + 4;
    }
}
