package dev.chat.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Jepsen-style test of the cluster's central promise, "an ok is never taken back": three nodes
 * in network namespaces, a client on each saying numbered messages into one room all the time,
 * while a nemesis freezes a node ({@code SIGSTOP} for 12 s), cuts one off from the other two
 * (both sides keep getting load), and kills one with {@code kill -9} and starts it again. Every
 * {@code say}'s outcome (ok, an error, or no answer) and every message each client saw live are
 * recorded; then a checker asserts that all nodes end with one history, every acknowledged message
 * is in it exactly once, no {@code seq} ever named two messages (clients' live views included),
 * nothing appears that nobody sent, and the cut-off node answered {@code unavailable} instead of ok.
 *
 * <p>This is the short version (about three minutes) that runs in {@code mvn -B verify}; more
 * rounds of the same nemesis: {@code -Dnemesis.rounds=N} (docs/RELIABILITY.md).
 */
@Timeout(1800)
class NemesisIT {
    private static final String ROOM = "jepsen";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final long PERIOD_NANOS = 100_000_000L; // 10 says/s per node

    private NetnsLan lan;
    private final ServerProcess[] nodes = new ServerProcess[4];
    private final List<Writer> writers = new ArrayList<>();
    private int restarts;
    private int checks;
    private volatile String lastProblem = "none";

    @AfterEach
    void tearDown() throws Exception {
        for (Writer w : writers) {
            w.stop();
        }
        for (ServerProcess n : nodes) {
            if (n != null) {
                n.signal("CONT");
                n.close();
            }
        }
        if (lan != null) {
            lan.close();
        }
    }

    @Test
    void noAcknowledgedMessageIsLostOrChangedThroughPausesPartitionsAndKills() throws Exception {
        assumeTrue(NetnsLan.available(), "needs root, ip netns and iptables");
        lan = NetnsLan.create(3);
        for (int i = 1; i <= 3; i++) {
            nodes[i] = start(i);
        }
        for (int i = 1; i <= 3; i++) {
            nodes[i].awaitReady(START_TIMEOUT);
        }
        try (ChatClient first = ChatClient.registered(NetnsLan.address(1), nodes[1].tcpPort(), "creator")) {
            assertThat(first.request(id -> new ClientMessage.Join(id, ROOM))).isInstanceOf(ServerMessage.Joined.class);
        }
        for (int i = 1; i <= 3; i++) {
            Writer w = new Writer(i);
            writers.add(w);
            w.start();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> writers.stream().allMatch(w -> w.acked() >= 10));

        int rounds = Integer.getInteger("nemesis.rounds", 1);
        List<String> violations = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int a = 1 + round % 3;
            int b = 1 + (round + 1) % 3;
            int c = 1 + (round + 2) % 3;
            // 1. freeze a node for longer than the cluster's 5 s failure detection, then resume it
            System.out.printf("round %d: freezing node%d%n", round, a);
            nodes[a].signal("STOP");
            pause(Duration.ofSeconds(12));
            nodes[a].signal("CONT");
            awaitProgress(Duration.ofSeconds(120));

            // 2. cut a node off from the other two; both sides keep getting load
            System.out.printf("round %d: cutting node%d off%n", round, b);
            lan.isolate(b);
            long cutAt = System.nanoTime();
            pause(Duration.ofSeconds(15));
            violations.addAll(writers.get(b - 1).acknowledgedSince(cutAt + 2_000_000_000L, "while node" + b + " was cut off"));
            boolean refused = writers.get(b - 1).refusedSince(cutAt);
            lan.heal();
            assertThat(refused).as("the cut-off node answered unavailable").isTrue();
            awaitProgress(Duration.ofSeconds(120));

            // 3. kill a node and start it again
            System.out.printf("round %d: killing node%d%n", round, c);
            nodes[c].kill();
            pause(Duration.ofSeconds(8));
            nodes[c] = start(c);
            nodes[c].awaitReady(START_TIMEOUT);
            awaitProgress(Duration.ofSeconds(120));
        }
        for (Writer w : writers) {
            w.stop();
        }

        // the checker
        Map<Long, String> finalHistory = awaitConvergence();
        Set<String> acked = new HashSet<>();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        Map<Long, String> seen = new HashMap<>();
        for (Writer w : writers) {
            w.collect(acked, outcomes, seen, violations);
        }
        Map<String, Integer> count = new HashMap<>();
        for (String text : finalHistory.values()) {
            count.merge(text, 1, Integer::sum);
        }
        for (String text : acked) {
            if (count.getOrDefault(text, 0) != 1) {
                violations.add("acknowledged '" + text + "' is in the history " + count.getOrDefault(text, 0) + " time(s)");
            }
        }
        for (Map.Entry<String, Integer> e : count.entrySet()) {
            if (e.getValue() > 1) {
                violations.add("'" + e.getKey() + "' is in the history " + e.getValue() + " times");
            }
            if (!e.getKey().equals("hello") && !e.getKey().matches("w\\d-\\d+-\\d+")) {
                violations.add("'" + e.getKey() + "' was never sent");
            }
        }
        for (Map.Entry<Long, String> e : seen.entrySet()) {
            String stored = finalHistory.get(e.getKey());
            if (!e.getValue().equals(stored)) {
                violations.add("seq " + e.getKey() + " was shown live as '" + e.getValue() + "' but is '" + stored + "'");
            }
        }
        System.out.printf("nemesis: %d round(s), outcomes %s, %d acknowledged, %d in the final history%n",
                rounds, outcomes, acked.size(), finalHistory.size());
        assertThat(violations).isEmpty();
        assertThat(acked.size()).as("the chat went on").isGreaterThan(100);
    }

    private ServerProcess start(int i) throws Exception {
        String members = NetnsLan.address(1) + ":5701," + NetnsLan.address(2) + ":5701," + NetnsLan.address(3) + ":5701";
        Path log = Path.of(System.getProperty("chat.root", "..")).toAbsolutePath().normalize()
                .resolve("integration-tests/target/nemesis/node" + i + "-" + restarts++ + ".log");
        return ServerProcess.launch("node" + i, log, NetnsLan.on(i), NetnsLan.address(i), List.of("--name", "node" + i,
                "--no-announce", "--cluster", "--cluster-host", NetnsLan.address(i), "--cluster-port", "5701",
                "--cluster-members", members));
    }

    /** Lets the load run for a while (the nemesis's schedule, not a wait for an event). */
    private static void pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }

    /** Waits until every writer has had a say acknowledged after now: the cluster serves everyone again. */
    private void awaitProgress(Duration timeout) {
        long now = System.nanoTime();
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(() -> writers.stream().allMatch(w -> w.ackedSince(now)));
    }

    /** Every node's full history of the room, once they are all the same; returns it by seq. */
    private Map<Long, String> awaitConvergence() {
        List<Map<Long, String>> last = new ArrayList<>();
        try {
            converge(last);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("no convergence; last problem: " + lastProblem);
            for (int i = 0; i < last.size(); i++) {
                Map<Long, String> h = last.get(i);
                System.out.printf("node%d: %d messages, last seq %s%n", i + 1, h.size(),
                        h.keySet().stream().max(Long::compare).orElse(0L));
                for (Map.Entry<Long, String> m : h.entrySet()) {
                    if (i > 0 && !m.getValue().equals(last.get(0).get(m.getKey()))) {
                        System.out.printf("  first difference from node1: seq %d is '%s' here, '%s' on node1%n",
                                m.getKey(), m.getValue(), last.get(0).get(m.getKey()));
                        break;
                    }
                }
            }
            throw e;
        }
        return last.get(0);
    }

    private void converge(List<Map<Long, String>> last) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            last.clear();
            for (int i = 1; i <= 3; i++) {
                try (ChatClient c = ChatClient.registered(NetnsLan.address(i), nodes[i].tcpPort(),
                        "checker" + i + "x" + checks++)) {
                    last.add(history(c));
                } catch (Exception | AssertionError e) {
                    lastProblem = "node" + i + ": " + e;
                    throw e;
                }
            }
            return last.get(0).equals(last.get(1)) && last.get(1).equals(last.get(2));
        });
    }

    private static Map<Long, String> history(ChatClient c) throws Exception {
        ServerMessage joined = c.request(new ClientMessage.Join(c.newId(), ROOM)); // history is for members
        if (!(joined instanceof ServerMessage.Joined)) {
            throw new AssertionError("join answered " + joined);
        }
        Map<Long, String> all = new LinkedHashMap<>();
        long after = 0;
        while (true) {
            ServerMessage r = c.request(new ClientMessage.History(c.newId(), ROOM, after, 500));
            if (!(r instanceof ServerMessage.HistoryReply h)) {
                throw new AssertionError("history after " + after + " answered " + r);
            }
            if (h.messages().isEmpty()) {
                return all;
            }
            for (ChatMessage m : h.messages()) {
                if (all.put(m.seq(), m.text()) != null) {
                    throw new AssertionError("seq " + m.seq() + " twice in one history");
                }
                after = m.seq();
            }
        }
    }

    /**
     * One node's load: a client saying {@code wN-C-I} every 100 ms, reconnecting (with a new nick)
     * whenever its connection ends; it remembers what it sent on which connection and when.
     */
    private final class Writer {
        private final int node;
        private final Thread thread;
        private volatile boolean running = true;
        /** Every connection so far with the ids sent on it and their send times. */
        private final List<Connection> connections = new ArrayList<>();

        private record Sent(String id, long at) {
        }

        private record Connection(ChatClient client, List<Sent> sent) {
        }

        Writer(int node) {
            this.node = node;
            this.thread = new Thread(this::run, "nemesis-writer-" + node);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }

        private void run() {
            int conn = 0;
            Connection current = null;
            int i = 0;
            long next = System.nanoTime();
            while (running) {
                if (current == null || current.client.isClosed()) {
                    current = connect(conn++);
                    if (current == null) {
                        LockSupport.parkNanos(500_000_000L);
                        continue;
                    }
                }
                String id = "w" + node + "-" + (conn - 1) + "-" + i++;
                try {
                    synchronized (current.sent) {
                        current.sent.add(new Sent(id, System.nanoTime()));
                    }
                    current.client.send(new ClientMessage.Say(id, ROOM, id));
                } catch (Exception e) {
                    current = null; // the connection ended; the say's outcome is unknown
                }
                next += PERIOD_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        }

        private Connection connect(int n) {
            ServerProcess p = nodes[node];
            ChatClient c = null;
            try {
                c = ChatClient.connect(NetnsLan.address(node), p.tcpPort()).readInBackground();
                ServerMessage hello = c.request(new ClientMessage.Hello("h", "w" + node + "c" + n));
                if (hello instanceof ServerMessage.Welcome
                        && c.request(new ClientMessage.Join("j", ROOM)) instanceof ServerMessage.Joined) {
                    Connection conn = new Connection(c, new ArrayList<>());
                    synchronized (connections) {
                        connections.add(conn);
                    }
                    return conn;
                }
            } catch (Throwable e) {
                // a frozen, cut-off, dead or restarting node: try again
            }
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a broken connection
                }
            }
            return null;
        }

        private List<Connection> connections() {
            synchronized (connections) {
                return new ArrayList<>(connections);
            }
        }

        /** The reply to each id sent (ok or error) that has arrived so far. */
        private static Map<String, ServerMessage> replies(Connection c) {
            Map<String, ServerMessage> out = new HashMap<>();
            for (ServerMessage m : c.client.received()) {
                if ((m instanceof ServerMessage.Ok || m instanceof ServerMessage.Error) && m.id() != null) {
                    out.put(String.valueOf(m.id()), m);
                }
            }
            return out;
        }

        private List<Sent> sent(Connection c) {
            synchronized (c.sent) {
                return new ArrayList<>(c.sent);
            }
        }

        long acked() {
            long n = 0;
            for (Connection c : connections()) {
                n += replies(c).values().stream().filter(m -> m instanceof ServerMessage.Ok).count();
            }
            return n;
        }

        boolean ackedSince(long t) {
            for (Connection c : connections()) {
                Map<String, ServerMessage> r = replies(c);
                for (Sent s : sent(c)) {
                    if (s.at - t > 0 && r.get(s.id) instanceof ServerMessage.Ok) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Says sent after {@code t} that were acknowledged by now: none may be, while cut off. */
        List<String> acknowledgedSince(long t, String when) {
            List<String> out = new ArrayList<>();
            for (Connection c : connections()) {
                Map<String, ServerMessage> r = replies(c);
                for (Sent s : sent(c)) {
                    if (s.at - t > 0 && r.get(s.id) instanceof ServerMessage.Ok) {
                        out.add(s.id + " was acknowledged " + when);
                    }
                }
            }
            return out;
        }

        boolean refusedSince(long t) {
            for (Connection c : connections()) {
                Map<String, ServerMessage> r = replies(c);
                for (Sent s : sent(c)) {
                    if (s.at - t > 0 && r.get(s.id) instanceof ServerMessage.Error e
                            && ErrorCode.UNAVAILABLE.equals(e.code())) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Adds this writer's acknowledged texts, outcome counts and live views (seq to text). */
        void collect(Set<String> acked, Map<String, Integer> outcomes, Map<Long, String> seen, List<String> violations) {
            for (Connection c : connections()) {
                Map<String, ServerMessage> r = replies(c);
                for (Sent s : sent(c)) {
                    ServerMessage m = r.get(s.id);
                    String outcome = "no answer";
                    if (m instanceof ServerMessage.Ok) {
                        outcome = "ok";
                    } else if (m instanceof ServerMessage.Error e) {
                        outcome = String.valueOf(e.code());
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                    if (m instanceof ServerMessage.Ok) {
                        acked.add(s.id);
                    }
                }
                for (ChatMessage m : c.client.messages(ROOM)) {
                    String before = seen.putIfAbsent(m.seq(), m.text());
                    if (before != null && !before.equals(m.text())) {
                        violations.add("seq " + m.seq() + " was shown as '" + before + "' and as '" + m.text() + "'");
                    }
                }
                try {
                    c.client.close();
                } catch (Exception ignored) {
                    // done with it
                }
            }
        }
    }
}
