package dev.chat.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The server's counters, shared by all verticles (thread-safe, cheap to update: hot paths add
 * in bulk once per flush, not once per frame) and rendered in the Prometheus text format.
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
    /** Room and direct messages accepted from this node's clients (answered ok by the hub). */
    public final LongAdder messagesAccepted = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> beaconsDropped = new ConcurrentHashMap<>();
    private final Map<String, IntSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> gaugeHelp = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> counters = new ConcurrentHashMap<>();
    private final Map<String, String> counterHelp = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> longGauges = new ConcurrentHashMap<>();
    private final Map<String, String> longGaugeHelp = new ConcurrentHashMap<>();
    private final List<Consumer<StringBuilder>> sections = new CopyOnWriteArrayList<>();

    /** Counts one {@code error} frame sent, by its code (a fixed, small set). */
    public void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Counts one dropped datagram, by reason ({@code malformed}, {@code oversized}, ...). */
    public void beaconDropped(String reason) {
        beaconsDropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
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
        gauges.put(name, value);
        gaugeHelp.put(name, help);
    }

    /**
     * Registers a counter kept by its owner (e.g. the presence verticle), read at scrape time.
     * The supplier must be safe to call from any thread and never decrease.
     */
    public void counter(String name, String help, LongSupplier value) {
        counters.put(name, value);
        counterHelp.put(name, help);
    }

    /** Registers a gauge whose value may exceed an int (bytes), read at scrape time from any thread. */
    public void bytesGauge(String name, String help, LongSupplier value) {
        longGauges.put(name, value);
        longGaugeHelp.put(name, help);
    }

    /**
     * Registers a block of metrics rendered by its owner at scrape time (histograms, labelled
     * counters: e.g. {@link StoreMetricsView}); it appends complete Prometheus text lines.
     */
    public void section(Consumer<StringBuilder> renderer) {
        sections.add(renderer);
    }

    /** The Prometheus text exposition (version 0.0.4). */
    public String render() {
        StringBuilder b = new StringBuilder(2048);
        gauge(b, "chat_connections", "Open client connections (every transport).", connections.get());
        counter(b, "chat_connections_total", "Client connections accepted since start (every transport).", connectionsTotal.sum());
        counter(b, "chat_frames_in_total", "Frames received from clients.", framesIn.sum());
        counter(b, "chat_frames_out_total", "Frames written to clients.", framesOut.sum());
        counter(b, "chat_bytes_in_total", "Bytes received from clients.", bytesIn.sum());
        counter(b, "chat_bytes_out_total", "Bytes written to clients.", bytesOut.sum());
        counter(b, "chat_messages_delivered_total", "Chat messages written to recipients.", messagesDelivered.sum());
        counter(b, "chat_messages_accepted_total", "Room and direct messages accepted from this node's clients.",
                messagesAccepted.sum());
        counter(b, "chat_slow_consumers_closed_total", "Connections closed for reading too slowly.",
                slowConsumersClosed.sum());
        gauge(b, "chat_requests_in_flight", "Client requests waiting for the hub's answer.", requestsInFlight.get());
        gauge(b, "chat_requests_in_flight_peak", "Most requests one connection had waiting at once, since start.",
                requestsInFlightPeak.get());
        gauge(b, "chat_sessions_paused", "Connections not read now: too many of their requests wait for the hub.",
                sessionsPaused.get());
        counter(b, "chat_reads_paused_total", "Times a connection stopped being read for that reason.",
                readsPausedTotal.sum());
        b.append("# HELP chat_errors_total Error frames sent, by code.\n# TYPE chat_errors_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(errors).entrySet()) {
            b.append("chat_errors_total{code=\"").append(e.getKey()).append("\"} ").append(e.getValue().sum()).append('\n');
        }
        counter(b, "chat_beacons_accepted_total", "Presence beacons accepted.", beaconsAccepted.sum());
        b.append("# HELP chat_beacons_dropped_total Datagrams dropped, by reason.\n")
                .append("# TYPE chat_beacons_dropped_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(beaconsDropped).entrySet()) {
            b.append("chat_beacons_dropped_total{reason=\"").append(e.getKey()).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        for (Map.Entry<String, LongSupplier> e : new TreeMap<>(counters).entrySet()) {
            counter(b, e.getKey(), counterHelp.get(e.getKey()), e.getValue().getAsLong());
        }
        for (Map.Entry<String, IntSupplier> e : new TreeMap<>(gauges).entrySet()) {
            gauge(b, e.getKey(), gaugeHelp.get(e.getKey()), e.getValue().getAsInt());
        }
        for (Map.Entry<String, LongSupplier> e : new TreeMap<>(longGauges).entrySet()) {
            gauge(b, e.getKey(), longGaugeHelp.get(e.getKey()), e.getValue().getAsLong());
        }
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
