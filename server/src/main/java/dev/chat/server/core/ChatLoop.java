package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop of the server, transport-neutral: it owns the sessions of every transport it
 * accepted (one {@link SessionTable}), applies the chat's per-connection rules to their requests
 * ({@link Commands}), runs their timers ({@link Sweep}), hands the hub's fan-out for its lanes to
 * the {@link Output} of each format, and starts one {@link Transport.Listener} per registered
 * transport on its own context, so that connections of all transports share it.
 *
 * <p>What a transport does with it, on this loop's thread:
 * <ol>
 *   <li>{@link #open(Connection)} when a connection is accepted (null: refused, server full);
 *   <li>{@link #received} for each whole request it decoded, {@link #rejected} for each it could
 *       not decode (the rules answer with the {@code error} and close if it is fatal);
 *   <li>{@link #closed} once the connection is gone.
 * </ol>
 * Its replies and events arrive through {@link Connection#send} and its {@link Output}.
 */
public final class ChatLoop extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ChatLoop.class);
    private static final AtomicLong SESSION_IDS = new AtomicLong();
    /** How long the listeners' shutdown waits for connections to read their {@code bye} and close. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
    /**
     * Requests one session may have waiting for the hub's answer; at this many it is not read
     * until replies bring it down to half (see {@link Commands}).
     */
    public static final int MAX_REQUESTS_IN_FLIGHT = 64;

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final int index;
    private final Lanes lanes;
    private final List<Transport> transports;
    private final List<Format> formats;
    private final BiConsumer<Transport, Integer> bound;
    private final SessionTable sessions = new SessionTable();
    private final Output[] outputs;
    private final Commands commands;
    private final List<Transport.Listener> listeners = new ArrayList<>();
    private Sweep sweep;
    private AddressLimits addressLimits;
    private boolean stopping;

    /**
     * @param index this loop's index, 0-based (its lanes and its {@link Addresses#loop} address)
     * @param formats the distinct formats of the transports, in lane order (framed JSON first)
     * @param bound told each transport's bound port once it listens
     */
    public ChatLoop(ServerConfig config, ServerMetrics metrics, int index, Lanes lanes, List<Transport> transports,
                    List<Format> formats, BiConsumer<Transport, Integer> bound) {
        this.config = config;
        this.metrics = metrics;
        this.index = index;
        this.lanes = lanes;
        this.transports = List.copyOf(transports);
        this.formats = List.copyOf(formats);
        this.bound = bound;
        this.outputs = new Output[formats.size()];
        this.commands = new Commands(this, config, metrics);
    }

    @Override
    public Future<?> start() {
        addressLimits = AddressLimits.of(vertx);
        vertx.eventBus().<Object>localConsumer(Addresses.loop(index), this::onLoopMessage);
        vertx.eventBus().<byte[]>localConsumer(Addresses.PRESENCE_EVENTS, m -> onPresence(m.body()));
        for (Format f : formats) {
            output(f);
        }
        sweep = new Sweep(this, config);
        vertx.setPeriodic(sweep.periodMillis(), t -> sweep.run(System.nanoTime()));
        List<Future<Integer>> listening = new ArrayList<>();
        for (Transport t : transports) {
            Transport.Listener l = t.listener(this);
            listeners.add(l);
            listening.add(l.listen().onSuccess(port -> bound.accept(t, port)));
        }
        // join, not all: when one listener cannot bind, wait for the others to settle (bound or not)
        // before the start fails, so that Vert.x is not closed under a channel still registering
        return Future.join(listening);
    }

    /**
     * Vert.x's close sequence: each listener stops accepting and tells its connections to close
     * (they get {@code bye}), waiting up to {@link #SHUTDOWN_GRACE} for them; then the outputs
     * free their buffers.
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        List<Future<Void>> closed = new ArrayList<>();
        for (Transport.Listener l : listeners) {
            closed.add(l.shutdown(SHUTDOWN_GRACE));
        }
        return Future.join(closed).eventually(() -> {
            for (Output o : outputs) {
                if (o != null) {
                    o.close();
                }
            }
            return Future.succeededFuture();
        });
    }

    /** The hub's {@code welcome} with what every transport of the node adds ({@link Transport#welcome}). */
    ServerMessage.Welcome welcome(ServerMessage.Welcome w) {
        for (Transport t : transports) {
            w = t.welcome(w);
        }
        return w;
    }

    // ---- for transports ----

    public int index() {
        return index;
    }

    public ServerConfig serverConfig() {
        return config;
    }

    public io.vertx.core.Vertx vertx() {
        return vertx;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** This loop's Vert.x context (its event loop). */
    public Context loopContext() {
        return context;
    }

    /** Whether the server is stopping (a transport then refuses new connections). */
    public boolean stopping() {
        return stopping;
    }

    /** This loop's output for a format, made on first use. */
    public Output output(Format format) {
        int f = formatIndex(format);
        Output o = outputs[f];
        if (o == null) {
            o = format.newOutput(this);
            outputs[f] = o;
        }
        return o;
    }

    /**
     * A connection was accepted: returns its session, or null if the server is at its connection
     * limit (then the connection is closed with {@code server_full}).
     */
    public Session open(Connection c) {
        metrics.connectionsTotal.increment();
        if (stopping) {
            c.close(new ServerMessage.Bye("server shutting down"));
            return null;
        }
        if (metrics.connections.incrementAndGet() > config.maxConnections()) {
            metrics.connections.decrementAndGet();
            ServerMessage.Error full = Refusal.SERVER_FULL.to(null);
            metrics.error(full.code());
            c.close(full);
            LOG.debug("refused {} connection from {}: server full ({} connections)", c.transport(), c.remoteAddress(),
                    config.maxConnections());
            return null;
        }
        java.net.InetAddress ip = c.remoteIp();
        String address = ip == null ? null : ip.getHostAddress();
        if (address != null) {
            AddressLimits.Verdict v = addressLimits.open(address, config.maxConnectionsPerIp(), config.maxPendingPerIp());
            if (v != AddressLimits.Verdict.OK) {
                metrics.connections.decrementAndGet();
                ServerMessage.Error full = v == AddressLimits.Verdict.TOO_MANY
                        ? Refusal.SERVER_FULL_ADDRESS.to(null, config.maxConnectionsPerIp())
                        : Refusal.SERVER_FULL_PENDING.to(null, config.maxPendingPerIp());
                metrics.error(full.code());
                c.close(full);
                LOG.debug("refused {} connection from {}: {}", c.transport(), c.remoteAddress(), full.message());
                return null;
            }
        }
        long now = System.nanoTime();
        Session s = new Session(SESSION_IDS.incrementAndGet(), lanes.lane(index, formatIndex(c.format())), c, this,
                commands.fullBucket(), now);
        s.address(address, address != null,
                config.allowPlaintextPasswords() || c.encrypted() || (ip != null && ip.isLoopbackAddress()));
        sessions.add(s);
        LOG.debug("open {}", s);
        return s;
    }

    /** A whole request from the session's peer, decoded and validated. */
    public void received(Session s, ClientMessage m) {
        metrics.framesIn.increment();
        if (s.closing()) {
            return;
        }
        s.heard(System.nanoTime());
        if (s.readsPaused()) {
            s.hold(m); // read before the pause took effect: served, in order, when reading resumes
            return;
        }
        commands.dispatch(s, m);
    }

    /**
     * A request the transport could not decode: answered with its {@code error}, in order with the
     * session's other requests; a fatal one (the stream cannot be resynchronised) closes the connection.
     */
    public void rejected(Session s, ProtocolException e) {
        if (s.closing()) {
            return;
        }
        if (e.fatal()) {
            close(s, e.code(), ServerMessage.Error.of(e));
            return;
        }
        metrics.framesIn.increment();
        s.heard(System.nanoTime());
        if (s.readsPaused()) {
            s.hold(e);
            return;
        }
        s.send(ServerMessage.Error.of(e));
    }

    /** The session's connection is closed (by either side): the hub forgets it. */
    public void closed(Session s) {
        if (!sessions.remove(s)) {
            return;
        }
        metrics.connections.decrementAndGet();
        if (s.address() != null) {
            addressLimits.closed(s.address(), s.pending());
            s.pending(false);
        }
        s.markClosing(null);
        if (s.readsPaused()) {
            s.readsPaused(false);
            metrics.sessionsPaused.decrementAndGet();
        }
        s.dropHeld();
        if (s.helloSent() && !stopping) {
            vertx.eventBus().send(Addresses.HUB, new Disconnected(s, s.closeReason(), s.quitReason()), dev.chat.server.bus.LocalCodec.LOCAL);
        }
        LOG.debug("close {}: {}", s, s.closeReason() == null ? "closed by peer" : s.closeReason());
    }

    /** Closes a session with a last message (may be null); {@code reason} is for the logs. */
    public void close(Session s, String reason, ServerMessage last) {
        if (s.markClosing(reason)) {
            countIfError(last);
            s.connection().close(last);
        }
    }

    /** The session's output grew past {@code --max-backlog}: drop what waits for it and close it. */
    public void slowConsumer(Session s) {
        if (s.markClosing("slow consumer")) {
            metrics.slowConsumersClosed.increment();
            ServerMessage.Error e = Refusal.SLOW_CONSUMER.to(null, config.maxBacklog());
            metrics.error(e.code());
            s.connection().abandon(e);
        }
    }

    /** The session's {@code hello} (or {@code login}, {@code register}) succeeded: it no longer counts as pending. */
    void helloDone(Session s) {
        if (s.pending()) {
            s.pending(false);
            addressLimits.helloDone(s.address());
        }
    }

    /** Counts an {@code error} a session is sent (by code), for {@code /metrics}. */
    void countIfError(ServerMessage m) {
        if (m instanceof ServerMessage.Error e) {
            metrics.error(e.code());
        }
    }

    /** Requests held while reading was paused: served now, in order (see {@link Commands}). */
    void serveHeld(Session s, Object held) {
        if (held instanceof ClientMessage m) {
            commands.dispatch(s, m);
        } else if (held instanceof ProtocolException e) {
            s.send(ServerMessage.Error.of(e));
        }
    }

    SessionTable sessions() {
        return sessions;
    }

    private int formatIndex(Format f) {
        for (int i = 0; i < formats.size(); i++) {
            if (formats.get(i) == f) {
                return i;
            }
        }
        throw new IllegalArgumentException("format " + f.name() + " is not one of this server's");
    }

    private void onLoopMessage(Message<Object> msg) {
        Object body = msg.body();
        if (body instanceof Delivery d) {
            output(formats.get(lanes.formatOf(d.to()[0].lane()))).deliver(d);
        } else if (body instanceof CloseSession c && c.who() instanceof Session s && sessions.contains(s)) {
            close(s, c.reason(), new ServerMessage.Bye(c.reason()));
        }
    }

    /** A presence event: to every registered session of this loop, as one delivery per format. */
    private void onPresence(byte[] frame) {
        List<List<Recipient>> byFormat = new ArrayList<>(formats.size());
        for (int i = 0; i < formats.size(); i++) {
            byFormat.add(new ArrayList<>());
        }
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            if (s.registered() && !s.closing()) {
                byFormat.get(lanes.formatOf(s.lane())).add(s);
            }
        }
        for (int f = 0; f < formats.size(); f++) {
            List<Recipient> to = byFormat.get(f);
            if (!to.isEmpty()) {
                output(formats.get(f)).deliver(new Delivery(null, frame, to.toArray(new Recipient[0]), false));
            }
        }
    }
}
