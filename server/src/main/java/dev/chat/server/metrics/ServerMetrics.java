package dev.chat.server.metrics;

import dev.chat.protocol.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's counters, shared by all verticles (thread-safe, cheap to update: hot paths add
 * in bulk once per flush, not once per frame), and {@code /metrics}: Micrometer's Prometheus
 * registry reads them at scrape time (so the hot paths stay a {@link LongAdder} add) next to
 * Micrometer's own JVM, GC, memory, thread, class-loader, CPU, file-descriptor and uptime meters;
 * the names are listed in docs/ARCHITECTURE.md (Metrics). Labelled counters appear with 0 from the start.
 */
public final class ServerMetrics {
    /** Open client connections (every transport); also what {@code --max-connections} is checked against. */
    public final AtomicInteger connections = new AtomicInteger();
    public final LongAdder connectionsTotal = new LongAdder();
    public final LongAdder framesIn = new LongAdder();
    public final LongAdder framesOut = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    /** Chat messages (room and direct) written to recipients. */
    public final LongAdder messagesDelivered = new LongAdder();
    public final LongAdder slowConsumersClosed = new LongAdder();
    /** Requests from sessions to the hub (or presence) not answered yet, all sessions together. */
    public final AtomicInteger requestsInFlight = new AtomicInteger();
    /** The most requests one session ever had in flight at once (bounded by the TCP loops). */
    public final AtomicInteger requestsInFlightPeak = new AtomicInteger();
    /** Sessions whose socket is not read now because they have too many requests in flight. */
    public final AtomicInteger sessionsPaused = new AtomicInteger();
    /** Times a session stopped reading its socket for that reason. */
    public final LongAdder readsPausedTotal = new LongAdder();
    public final LongAdder beaconsAccepted = new LongAdder();
    /** Why a datagram is dropped (the presence listener counts each under one of these). */
    public static final List<String> BEACON_DROP_REASONS = List.of("malformed", "oversized", "server_beacon",
            "unsigned", "bad_signature", "stale", "replayed", "unverified");

    private static final String BUILD_VERSION = java.util.Objects.requireNonNullElse(
            ServerMetrics.class.getPackage().getImplementationVersion(), "dev");
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Room and direct messages accepted from this node's clients (answered ok by the hub). */
    public final LongAdder messagesAccepted = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> beaconsDropped = new ConcurrentHashMap<>();
    private final List<Consumer<StringBuilder>> sections = new CopyOnWriteArrayList<>();
    /** The suppliers registered meters read (kept here: the registry references them weakly). */
    private final List<Object> held = new CopyOnWriteArrayList<>();
    // the hub's counts, handed over by the hub on its own context (Hub.countInto), read at scrape time
    private volatile int rooms;
    private volatile int roomMembers;
    private volatile int sessions;

    public ServerMetrics() {
        gauge("chat_connections", "Open client connections (every transport).", connections::get);
        counter("chat_connections_accepted", "Client connections accepted since start (every transport).", connectionsTotal::sum);
        counter("chat_frames_in", "Frames received from clients.", framesIn::sum);
        counter("chat_frames_out", "Frames written to clients.", framesOut::sum);
        counter("chat_bytes_in", "Bytes received from clients.", bytesIn::sum);
        counter("chat_bytes_out", "Bytes written to clients.", bytesOut::sum);
        counter("chat_messages_delivered", "Chat messages written to recipients.", messagesDelivered::sum);
        counter("chat_messages_accepted", "Room and direct messages accepted from this node's clients.", messagesAccepted::sum);
        counter("chat_slow_consumers_closed", "Connections closed for reading too slowly.", slowConsumersClosed::sum);
        gauge("chat_requests_in_flight", "Client requests waiting for the hub's answer.", requestsInFlight::get);
        gauge("chat_requests_in_flight_peak", "Most requests one connection had waiting at once, since start.",
                requestsInFlightPeak::get);
        gauge("chat_sessions_paused", "Connections not read now: too many of their requests wait for the hub.",
                sessionsPaused::get);
        counter("chat_reads_paused", "Times a connection stopped being read for that reason.", readsPausedTotal::sum);
        counter("chat_beacons_accepted", "Presence beacons accepted.", beaconsAccepted::sum);
        for (Field f : ErrorCode.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    errorCounter((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        BEACON_DROP_REASONS.forEach(this::dropCounter);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gauge("chat_rooms", "Rooms with at least one member (in a cluster: every node's rooms).", () -> rooms);
        gauge("chat_room_members", "Room memberships: the members of those rooms, added up.", () -> roomMembers);
        gauge("chat_sessions", "Registered sessions (a nick) on this node, every transport.", () -> sessions);
    }

    /** The hub's latest counts: rooms with members, their memberships, this node's registered sessions. */
    public void hubCounts(int rooms, int roomMembers, int sessions) {
        this.rooms = rooms;
        this.roomMembers = roomMembers;
        this.sessions = sessions;
    }

    /** The registry, for meters the metrics package makes itself ({@link EventLoopDelay}). */
    MeterRegistry registry() {
        return registry;
    }

    private LongAdder errorCounter(String code) {
        return errors.computeIfAbsent(code, c -> {
            LongAdder a = new LongAdder();
            FunctionCounter.builder("chat_errors", a, LongAdder::sum).description("Error frames sent, by code.")
                    .tag("code", c).register(registry);
            return a;
        });
    }

    private LongAdder dropCounter(String reason) {
        return beaconsDropped.computeIfAbsent(reason, r -> {
            LongAdder a = new LongAdder();
            FunctionCounter.builder("chat_beacons_dropped", a, LongAdder::sum).description("Datagrams dropped, by reason.")
                    .tag("reason", r).register(registry);
            return a;
        });
    }

    /** Counts one {@code error} frame sent, by its code (a fixed, small set). */
    public void error(String code) {
        errorCounter(code).increment();
    }

    /** Counts one dropped datagram, by reason ({@code malformed}, {@code oversized}, ...). */
    public void beaconDropped(String reason) {
        dropCounter(reason).increment();
    }

    public long errors(String code) {
        LongAdder a = errors.get(code);
        return a == null ? 0 : a.sum();
    }

    public long beaconsDropped() {
        long n = 0;
        for (LongAdder a : beaconsDropped.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Registers a gauge read at scrape time (e.g. threads, presence table size). */
    public void gauge(String name, String help, IntSupplier value) {
        Gauge.builder(name, value, v -> v.getAsInt()).description(help).strongReference(true).register(registry);
    }

    /**
     * Registers a counter kept by its owner (e.g. the presence verticle), read at scrape time.
     * The supplier must be safe to call from any thread and never decrease.
     */
    public void counter(String name, String help, LongSupplier value) {
        held.add(value); // Micrometer holds the state of a function counter weakly: a lambda would be collected
        // Prometheus names a counter NAME_total: a name given with the suffix keeps it once
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        FunctionCounter.builder(base, value, v -> v.getAsLong()).description(help).register(registry);
    }

    /** Registers a gauge whose value may exceed an int (bytes), read at scrape time from any thread. */
    public void bytesGauge(String name, String help, LongSupplier value) {
        Gauge.builder(name, value, v -> v.getAsLong()).description(help).strongReference(true).register(registry);
    }

    /**
     * Registers a block of metrics rendered by its owner at scrape time (histograms, labelled
     * counters: e.g. {@link StoreMetricsView}); it appends complete Prometheus text lines.
     */
    public void section(Consumer<StringBuilder> renderer) {
        sections.add(renderer);
    }

    /** The Prometheus text exposition (version 0.0.4): the registry's meters, then the sections. */
    public String render() {
        StringBuilder b = new StringBuilder(16_384).append(registry.scrape());
        // by hand: Prometheus' client library takes a gauge named *_info for an info metric and renames it
        b.append("# HELP chat_build_info The server's version and the JVM's, always 1.\n# TYPE chat_build_info gauge\n")
                .append("chat_build_info{version=\"").append(BUILD_VERSION).append("\",java=\"")
                .append(System.getProperty("java.version", "unknown")).append("\"} 1\n");
        for (Consumer<StringBuilder> section : sections) {
            section.accept(b);
        }
        return b.toString();
    }

    static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(v).append('\n');
    }

    static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(v).append('\n');
    }
}
