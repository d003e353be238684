package dev.chat.tools.impair;

import static dev.chat.tools.impair.UdpPeers.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.chat.tools.impair.UdpPeers.Arrival;
import dev.chat.tools.impair.UdpPeers.Echo;
import dev.chat.tools.impair.UdpPeers.Peer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The UDP relay with real sockets on loopback: what a receiver behind it sees, compared with the
 * seeded model and with the relay's own report.
 */
class UdpRelayTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T t) {
        open.add(t);
        return t;
    }

    private Relay relay(InetSocketAddress forward, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--forward",
                forward.getAddress().getHostAddress() + ":" + forward.getPort()));
        args.addAll(List.of(options));
        return opened(Relay.start(ImpairCommand.config(args.toArray(String[]::new)), lines::add));
    }

    private static ImpairReport awaitReport(Relay relay, Predicate<ImpairReport> done) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> relay.report().join(), done::test);
    }

    /** Every datagram read in the forward direction has left the relay (sent, dropped or failed). */
    private static ImpairReport awaitForwardDrained(Relay relay, long n) {
        return awaitReport(relay, r -> r.forward().in() == n && r.forward().queued() == 0);
    }

    /** The datagrams the seeded model loses, for the first {@code n} datagrams. */
    private static BitSet modelLosses(ImpairConfig config, int n) {
        Impairment imp = Impairment.forDirection(config, Direction.FORWARD, 0);
        BitSet lost = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (imp.next().lost()) {
                lost.set(i);
            }
        }
        return lost;
    }

    /** Sends n datagrams through a fresh relay and returns the seq numbers that never arrived. */
    private BitSet lostThrough(int n, String... options) throws IOException {
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer());
        Relay relay = relay(sink.address(), options);
        sender.sendPaced(relay.localAddress(), n, 500, relay);
        ImpairReport r = awaitForwardDrained(relay, n);
        sink.awaitCount(r.forward().out());
        BitSet lost = new BitSet(n);
        lost.set(0, n);
        for (Arrival a : sink.arrivals()) {
            lost.clear((int) a.seq());
        }
        assertThat(r.forward().dropped()).isEqualTo(lost.cardinality());
        assertThat(r.forward().overflow() + r.forward().failed()).isZero();
        assertThat(r.forward().realisedLoss()).isEqualTo(lost.cardinality() / (double) n);
        assertThat(sink.count()).isEqualTo(n - lost.cardinality());
        relay.close();
        return lost;
    }

    private static double meanRun(BitSet lost, int n) {
        int runs = 0;
        for (int i = 0; i < n; i++) {
            if (lost.get(i) && (i == 0 || !lost.get(i - 1))) {
                runs++;
            }
        }
        return (double) lost.cardinality() / runs;
    }

    /** Arrivals whose seq is below one seen before them (a later datagram overtook them). */
    private static long late(List<Arrival> arrivals) {
        long max = -1;
        long late = 0;
        for (Arrival a : arrivals) {
            if (a.seq() < max) {
                late++;
            }
            max = Math.max(max, a.seq());
        }
        return late;
    }

    private static double[] sortedDelays(List<Arrival> arrivals) {
        return arrivals.stream().mapToDouble(Arrival::delayMs).sorted().toArray();
    }

    @Test
    void realisedLossIsWithinTwoPointsAndTheSameSeedDropsTheSameDatagrams() throws IOException {
        int n = 20_000;
        String[] options = {"--loss", "0.2", "--seed", "42"};
        BitSet first = lostThrough(n, options);
        double loss = first.cardinality() / (double) n;
        System.out.printf("measured: independent loss P=0.2 seed=42 n=%d realised=%.4f%n", n, loss);
        assertThat(loss).isCloseTo(0.2, within(0.02));
        assertThat(first).isEqualTo(modelLosses(ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9",
                "--loss", "0.2", "--seed", "42"), n));
        assertThat(lostThrough(n, options)).isEqualTo(first);
        assertThat(lostThrough(n, "--loss", "0.2", "--seed", "43")).isNotEqualTo(first);
    }

    @Test
    void gilbertElliottLosesInBurstsOfTheMeanLength() throws IOException {
        int n = 20_000;
        BitSet lost = lostThrough(n, "--loss", "0.2", "--burst", "5", "--seed", "7");
        double loss = lost.cardinality() / (double) n;
        double run = meanRun(lost, n);
        System.out.printf("measured: Gilbert-Elliott P=0.2 burst=5 seed=7 n=%d realised=%.4f mean run=%.2f%n", n, loss, run);
        assertThat(loss).isCloseTo(0.2, within(0.03));
        assertThat(run).isCloseTo(5.0, within(0.75));
        assertThat(lost).isEqualTo(modelLosses(ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9",
                "--loss", "0.2", "--burst", "5", "--seed", "7"), n));
    }

    @Test
    void delaysFollowDelayPlusUniformJitter() throws IOException {
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer());
        Relay relay = relay(sink.address(), "--delay", "30ms", "--jitter", "10ms", "--seed", "3");
        int n = 400;
        sender.sendSpaced(relay.localAddress(), n, Duration.ofMillis(1));
        sink.awaitCount(n);
        double[] d = sortedDelays(sink.arrivals());
        double p50 = d[n / 2];
        double within45 = java.util.Arrays.stream(d).filter(x -> x <= 45).count() / (double) n;
        ImpairReport r = relay.report().join();
        System.out.printf("measured: delay 30ms jitter 10ms uniform: min=%.2f p50=%.2f p90=%.2f max=%.2f ms;"
                + " relay p50=%.1f p99=%.1f max=%.1f%n", d[0], p50, d[n * 9 / 10], d[n - 1],
                r.forward().p50Ms(), r.forward().p99Ms(), r.forward().maxMs());
        assertThat(d[0]).as("never early").isGreaterThanOrEqualTo(30.0);
        assertThat(p50).isBetween(33.0, 40.0);
        assertThat(within45).as("share within [30, 45] ms").isGreaterThanOrEqualTo(0.9);
        assertThat(r.forward().p50Ms()).isBetween(33.0, 40.0);
        assertThat(r.forward().out()).isEqualTo(n);
    }

    @Test
    void jitterReordersUnlessTold() throws IOException {
        int n = 500;
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer());
        Relay relay = relay(sink.address(), "--jitter", "40ms", "--seed", "5");
        for (int i = 0; i < n; i++) {
            sender.send(relay.localAddress());
        }
        sink.awaitCount(n);
        ImpairReport r = awaitForwardDrained(relay, n);
        long late = late(sink.arrivals());
        System.out.printf("measured: jitter 40ms, %d back-to-back datagrams: %d arrived after a later one%n", n, late);
        assertThat(late).isPositive().isEqualTo(r.forward().reordered());

        Peer sink2 = opened(new Peer());
        Relay ordered = relay(sink2.address(), "--jitter", "40ms", "--seed", "5", "--no-reorder-by-jitter");
        for (int i = 0; i < n; i++) {
            sender.send(ordered.localAddress());
        }
        sink2.awaitCount(n);
        List<Arrival> in = sink2.arrivals();
        assertThat(late(in)).isZero();
        assertThat(awaitForwardDrained(ordered, n).forward().reordered()).isZero();
        double[] d = sortedDelays(in);
        assertThat(d[n - 1]).as("jitter still delays").isGreaterThan(20.0);
    }

    @Test
    void duplicatesMatchTheModelAndTheReport() throws IOException {
        int n = 5000;
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer());
        Relay relay = relay(sink.address(), "--duplicate", "0.1", "--seed", "9");
        sender.sendPaced(relay.localAddress(), n, 500, relay);
        ImpairReport r = awaitForwardDrained(relay, n);
        sink.awaitCount(r.forward().out());
        Map<Long, Integer> copies = new HashMap<>();
        for (Arrival a : sink.arrivals()) {
            copies.merge(a.seq(), 1, Integer::sum);
        }
        long twice = copies.values().stream().filter(c -> c == 2).count();
        Impairment model = Impairment.forDirection(relay.config(), Direction.FORWARD, 0);
        long expected = 0;
        for (int i = 0; i < n; i++) {
            expected += model.next().duplicate() ? 1 : 0;
        }
        System.out.printf("measured: duplicate P=0.1 n=%d: %d duplicated (%.2f%%)%n", n, twice, 100.0 * twice / n);
        assertThat(copies).hasSize(n);
        assertThat(copies.values()).allMatch(c -> c <= 2);
        assertThat(twice).isEqualTo(expected).isEqualTo(r.forward().duplicated());
        assertThat(twice / (double) n).isCloseTo(0.1, within(0.015));
        assertThat(sink.count()).isEqualTo(n + twice);
    }

    @Test
    void reorderHoldsADatagramBehindTheNextOne() throws IOException {
        int n = 5000;
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer());
        Relay relay = relay(sink.address(), "--reorder", "0.1", "--reorder-hold", "200ms", "--seed", "13");
        sender.sendPaced(relay.localAddress(), n, 500, relay);
        ImpairReport r = awaitForwardDrained(relay, n);
        sink.awaitCount(n);
        Impairment model = Impairment.forDirection(relay.config(), Direction.FORWARD, 0);
        long marked = 0;
        for (int i = 0; i < n; i++) {
            marked += model.next().reorder() ? 1 : 0;
        }
        long late = late(sink.arrivals());
        System.out.printf("measured: reorder P=0.1 n=%d: held=%d, arrived late=%d%n", n, r.forward().held(), late);
        assertThat(r.forward().held()).isEqualTo(marked);
        assertThat(late).isEqualTo(r.forward().reordered()).isBetween(marked - 1, marked);
        assertThat(late / (double) n).isCloseTo(0.1, within(0.015));
        // held back by one position: each late datagram arrives right behind a later one, never much later
        List<Arrival> in = sink.arrivals();
        long max = -1;
        for (Arrival a : in) {
            if (a.seq() < max) {
                assertThat(max - a.seq()).isLessThanOrEqualTo(UdpRelay.MAX_HELD);
            }
            max = Math.max(max, a.seq());
        }
        assertThat(sink.count()).isEqualTo(n);
    }

    @Test
    void repliesReturnToTheirOwnClientAndAreImpairedToo() throws IOException {
        Echo echo = opened(new Echo());
        Relay relay = relay(echo.address(), "--loss", "0.3", "--seed", "21");
        Peer a = opened(new Peer());
        Peer b = opened(new Peer());
        b.next = 1_000_000;
        for (int i = 0; i < 300; i++) {
            a.send(relay.localAddress());
            b.send(relay.localAddress());
        }
        ImpairReport r = awaitReport(relay, x -> x.forward().in() == 600 && x.forward().queued() == 0
                && x.reply().in() == x.forward().out() && x.reply().queued() == 0);
        a.awaitCount(1);
        b.awaitCount(1);
        await().atMost(PATIENCE).until(() -> a.count() + b.count() == r.reply().out());
        assertThat(a.arrivals()).allMatch(x -> x.seq() < 300 && x.from().equals(relay.localAddress()));
        assertThat(b.arrivals()).allMatch(x -> x.seq() >= 1_000_000 && x.from().equals(relay.localAddress()));
        assertThat(r.flows()).isEqualTo(2);
        assertThat(r.reply().dropped()).isPositive();
        assertThat(r.forward().realisedLoss()).isCloseTo(0.3, within(0.07));
        assertThat(r.reply().realisedLoss()).isCloseTo(0.3, within(0.08));
    }

    @Test
    void oneWayLeavesRepliesUntouched() throws IOException {
        Echo echo = opened(new Echo());
        Peer client = opened(new Peer());
        Relay both = relay(echo.address(), "--delay", "100ms");
        Relay oneWay = relay(echo.address(), "--delay", "100ms", "--one-way");
        for (int i = 0; i < 10; i++) {
            client.send(both.localAddress());
        }
        client.awaitCount(10);
        assertThat(sortedDelays(client.arrivals())[0]).as("round trip through both directions").isGreaterThanOrEqualTo(200.0);
        client.next = 100;
        for (int i = 0; i < 10; i++) {
            client.send(oneWay.localAddress());
        }
        client.awaitCount(20);
        List<Arrival> viaOneWay = client.arrivals().stream().filter(x -> x.seq() >= 100).toList();
        assertThat(sortedDelays(viaOneWay)[0]).isGreaterThanOrEqualTo(100.0);
        ImpairReport r = awaitReport(oneWay, x -> x.reply().out() == 10);
        assertThat(r.forward().p50Ms()).isGreaterThanOrEqualTo(100.0);
        assertThat(r.reply().maxMs()).as("replies are not delayed").isLessThan(100.0);
    }

    @Test
    void rateSerialisesDatagramsOneBehindTheOther() throws IOException {
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer(1000));
        Relay relay = relay(sink.address(), "--rate", "100k");
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            sender.send(relay.localAddress());
        }
        sink.awaitCount(50);
        List<Arrival> in = sink.arrivals();
        double spanMs = (in.get(49).receivedNanos() - start) / 1e6;
        System.out.printf("measured: 50 x 1000 B at --rate 100k: last arrived after %.1f ms (ideal 500)%n", spanMs);
        assertThat(spanMs).isGreaterThanOrEqualTo(490.0);
        assertThat(late(in)).isZero();
        assertThat(relay.report().join().forward().maxMs()).isGreaterThanOrEqualTo(480.0);
    }

    @Test
    void aFullQueueDropsAndCounts() throws IOException {
        Peer sink = opened(new Peer());
        Peer sender = opened(new Peer(1000));
        Relay relay = relay(sink.address(), "--rate", "100k", "--queue", "64k");
        for (int i = 0; i < 200; i++) {
            sender.send(relay.localAddress());
        }
        ImpairReport r = awaitForwardDrained(relay, 200);
        sink.awaitCount(r.forward().out());
        assertThat(r.forward().overflow()).isGreaterThanOrEqualTo(100);
        assertThat(r.forward().out() + r.forward().overflow()).isEqualTo(200);
        assertThat(r.forward().realisedLoss()).isEqualTo(r.forward().overflow() / 200.0);
    }

    @Test
    void mappingsAreBoundedAndExpireWhenIdle() throws IOException {
        Peer sink = opened(new Peer());
        Relay relay = relay(sink.address(), "--max-flows", "2", "--flow-idle", "300ms");
        for (int i = 0; i < 3; i++) {
            Peer client = opened(new Peer());
            client.send(relay.localAddress());
        }
        sink.awaitCount(3);
        ImpairReport r = awaitReport(relay, x -> x.forward().out() == 3);
        assertThat(r.flows()).isEqualTo(3);
        assertThat(r.refused()).as("evicted").isEqualTo(1);
        assertThat(r.openFlows()).isLessThanOrEqualTo(2);
        awaitReport(relay, x -> x.openFlows() == 0);
    }

    @Test
    void reportsArePrintedEveryInterval() throws IOException {
        Peer sink = opened(new Peer());
        relay(sink.address(), "--report", "100ms", "--seed", "8");
        await().atMost(PATIENCE).until(() -> lines.size() >= 2);
        assertThat(lines.get(0)).startsWith("impair udp seed=8 ").contains("| forward: in=0 ", "| reply: in=0 ", "p99=");
    }
}
