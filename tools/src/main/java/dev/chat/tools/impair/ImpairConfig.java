package dev.chat.tools.impair;

import dev.chat.protocol.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything {@code chat impair} was told, checked once. The constructor refuses combinations
 * that make no sense with an {@link IllegalArgumentException} whose message is meant for the user.
 *
 * @param transport         relay datagrams or proxy a TCP stream
 * @param listen            where clients reach the relay
 * @param forward           where the relay sends (resolved)
 * @param allowRemote       whether {@code forward} may be off this machine
 * @param loss              loss probability (UDP), 0 to 1
 * @param burst             mean loss burst length in datagrams (Gilbert-Elliott); 0 = independent loss
 * @param delay             least one-way delay
 * @param jitter            scale of the random extra delay
 * @param distribution      distribution of the extra delay
 * @param reorder           probability that a datagram is held back behind the next one of its flow
 * @param reorderHold       longest time a held datagram waits for a successor
 * @param duplicate         probability that a datagram is sent twice
 * @param rate              bytes per second of the bottleneck in each direction; 0 = unlimited
 * @param chunk             TCP: re-segment the stream into pieces of this many bytes; 0 = as read
 * @param oneWay            impair only the forward direction; replies pass untouched
 * @param reorderByJitter   let jitter reorder datagrams (a later one with a smaller delay overtakes)
 * @param seed              seed of the random streams
 * @param report            interval of the report line on stderr; zero = off
 * @param maxFlows          UDP mappings (client addresses) or TCP connections at most
 * @param flowIdle          UDP: a mapping idle this long is closed
 * @param queueBytes        UDP: bytes waiting in the relay per direction; TCP: per connection and direction
 */
public record ImpairConfig(
        Transport transport, InetSocketAddress listen, InetSocketAddress forward, boolean allowRemote,
        double loss, double burst, Duration delay, Duration jitter, Distribution distribution,
        double reorder, Duration reorderHold, double duplicate, long rate, int chunk,
        boolean oneWay, boolean reorderByJitter, long seed, Duration report,
        int maxFlows, Duration flowIdle, int queueBytes) {

    /** UDP datagram relay or TCP proxy. */
    public enum Transport { UDP, TCP }

    public static final Duration DEFAULT_REORDER_HOLD = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_FLOWS = 1024;
    public static final Duration DEFAULT_FLOW_IDLE = Duration.ofSeconds(60);
    public static final int DEFAULT_QUEUE_BYTES = 1024 * 1024;
    /** The longest delay or jitter accepted: a relay that holds data for longer is a black hole. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(10);
    /** Most UDP mappings or TCP connections: the process may hold 20,000 files, each mapping one. */
    public static final int MAX_FLOWS = 8192;

    public ImpairConfig {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(reorderHold, "reorderHold");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(flowIdle, "flowIdle");
        if (forward.isUnresolved()) {
            throw new IllegalArgumentException("--forward " + forward.getHostString() + ": unknown host");
        }
        if (!allowRemote && !forward.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("--forward " + forward.getAddress().getHostAddress()
                    + " is not a loopback address; add --allow-remote to relay to another machine");
        }
        if (forward.getPort() == 0) {
            throw new IllegalArgumentException("--forward needs a port other than 0");
        }
        if (listen.getPort() == forward.getPort() && !listen.isUnresolved()
                && (listen.getAddress().equals(forward.getAddress())
                    || (listen.getAddress().isAnyLocalAddress() && isLocal(forward.getAddress())))) {
            throw new IllegalArgumentException("--forward is the relay's own --listen address: it would relay to itself");
        }
        if (transport == Transport.TCP) {
            List<String> udpOnly = new ArrayList<>();
            if (loss > 0) {
                udpOnly.add("--loss");
            }
            if (burst > 0) {
                udpOnly.add("--burst");
            }
            if (duplicate > 0) {
                udpOnly.add("--duplicate");
            }
            if (reorder > 0) {
                udpOnly.add("--reorder");
            }
            if (!reorderByJitter) {
                udpOnly.add("--no-reorder-by-jitter");
            }
            if (!udpOnly.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", udpOnly) + " cannot apply to --tcp: TCP is reliable and"
                        + " in order (the proxy only delays, paces and re-segments bytes); use --udp");
            }
        } else if (chunk > 0) {
            throw new IllegalArgumentException("--chunk applies to --tcp only (a datagram is never split)");
        }
        requireProbability("--loss", loss);
        requireProbability("--duplicate", duplicate);
        requireProbability("--reorder", reorder);
        if (burst != 0) {
            if (!(burst >= 1)) {
                throw new IllegalArgumentException("--burst is a mean burst length in datagrams: at least 1");
            }
            if (!(loss > 0 && loss < 1)) {
                throw new IllegalArgumentException("--burst shapes the loss into bursts: it needs a --loss above 0 and below 1");
            }
            if (loss * (1 / burst) / (1 - loss) > 1) {
                throw new IllegalArgumentException(GilbertElliottLoss.maxLossMessage(loss, burst));
            }
        }
        requireDuration("--delay", delay, false);
        requireDuration("--jitter", jitter, false);
        requireDuration("--reorder-hold", reorderHold, true);
        requireDuration("--flow-idle", flowIdle, true);
        if (report.isNegative()) {
            throw new IllegalArgumentException("--report must not be negative");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        if (chunk < 0) {
            throw new IllegalArgumentException("--chunk must be at least 1 byte");
        }
        if (maxFlows < 1 || maxFlows > MAX_FLOWS) {
            throw new IllegalArgumentException("--max-flows must lie between 1 and " + MAX_FLOWS);
        }
        if (queueBytes < 65536) {
            throw new IllegalArgumentException("--queue must be at least 64k (one largest datagram)");
        }
    }

    private static void requireProbability(String option, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(option + " must lie between 0 and 1");
        }
    }

    private static void requireDuration(String option, Duration d, boolean positive) {
        if (d.isNegative() || (positive && d.isZero())) {
            throw new IllegalArgumentException(option + " must be " + (positive ? "positive" : "0 or more"));
        }
        if (d.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(option + " must be at most " + Durations.format(MAX_DELAY));
        }
    }

    public boolean udp() {
        return transport == Transport.UDP;
    }

    /** One line saying what the relay does, for stderr at start; {@code bound} is the real listening address. */
    public String describe(InetSocketAddress bound) {
        StringBuilder b = new StringBuilder();
        b.append(transport.name().toLowerCase(Locale.ROOT)).append(' ')
                .append(hostPort(bound)).append(" -> ").append(hostPort(forward));
        if (udp()) {
            b.append(" loss=").append(percent(loss));
            if (loss > 0) {
                b.append(burst > 0 ? String.format(Locale.ROOT, " (bursts, mean %.3g)", burst) : " (independent)");
            }
        }
        b.append(" delay=").append(Durations.format(delay));
        if (!jitter.isZero()) {
            b.append(" jitter=").append(Durations.format(jitter)).append(' ').append(distribution.label());
        }
        if (udp()) {
            if (reorder > 0) {
                b.append(" reorder=").append(percent(reorder));
            }
            if (duplicate > 0) {
                b.append(" duplicate=").append(percent(duplicate));
            }
            if (!reorderByJitter) {
                b.append(" no-reorder-by-jitter");
            }
        }
        b.append(" rate=").append(rate > 0 ? Quantities.formatRate(rate) : "unlimited");
        if (chunk > 0) {
            b.append(" chunk=").append(chunk);
        }
        b.append(" seed=").append(seed);
        b.append(oneWay ? " (replies pass untouched)" : " (replies impaired too)");
        return b.toString();
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String percent(double p) {
        return String.format(Locale.ROOT, "%.4g%%", p * 100).replaceAll("\\.?0+%$", "%");
    }

    /** True when {@code a} is an address of this machine (so a wildcard listener receives it). */
    private static boolean isLocal(java.net.InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}
