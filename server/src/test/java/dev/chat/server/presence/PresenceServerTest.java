package dev.chat.server.presence;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.protocol.ServerMessage.Presence;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UDP presence side of a real in-process server, over real sockets on loopback. */
class PresenceServerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ChatServer server;
    private DatagramSocket udp;

    private void start(UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        // loopback only: announcements (on by default) stay on lo
        server = ChatServer.start(tweak.apply(ServerConfig.forTests().toBuilder()).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        if (udp != null) {
            udp.close();
        }
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private void sendRaw(DatagramSocket from, byte[] datagram) throws IOException {
        from.send(new DatagramPacket(datagram, datagram.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort())));
    }

    private void beacon(String nick, String status, long seq, long intervalMs) throws IOException {
        sendRaw(udp, MessageCodec.encodeFrame(
                new Beacon.ClientBeacon(nick, status, seq, System.currentTimeMillis(), intervalMs)));
    }

    private String myAddress() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    private static Optional<PeerInfo> find(List<PeerInfo> peers, String nick) {
        return peers.stream().filter(p -> p.nick().equals(nick)).findFirst();
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of one sample line, e.g. {@code chat_beacons_dropped_total{reason="oversized"}}; 0 if absent. */
    private long metric(String sample) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private int health() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/health"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aBeaconingClientIsListedThenExpiresAfterThreeIntervals() throws Exception {
        start(b -> b);
        try (ChatClient watcher = ChatClient.registered(server.tcpPort(), "watcher")) {
            beacon("alice", Beacon.ONLINE, 1, 200);
            beacon("alice", Beacon.ONLINE, 2, 200);
            long lastSent = System.nanoTime(); // before the send: the server hears it later
            beacon("alice", Beacon.ONLINE, 3, 200);
            AtomicReference<PeerInfo> row = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
                Optional<PeerInfo> p = find(watcher.peers(), "alice");
                p.ifPresent(row::set);
                return p.isPresent();
            });
            assertThat(row.get().address()).isEqualTo(myAddress());
            assertThat(row.get().status()).isEqualTo("online");
            assertThat(row.get().lastSeenMs()).isBetween(0L, 599L);
            assertThat(watcher.await(Presence.class, p -> p.nick().equals("alice")))
                    .isEqualTo(new Presence("alice", myAddress(), "online"));

            await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(() -> find(watcher.peers(), "alice").isEmpty());
            long goneAfterMs = (System.nanoTime() - lastSent) / 1_000_000;
            assertThat(goneAfterMs).as("present for 3 intervals of 200 ms, then gone").isBetween(600L, 2_600L);
            assertThat(watcher.await(Presence.class, p -> p.nick().equals("alice") && p.status().equals("offline")))
                    .isEqualTo(new Presence("alice", myAddress(), "offline"));
            System.err.printf("presence: alice gone %d ms after her last beacon (interval 200 ms)%n", goneAfterMs);
        }
        assertThat(metric("chat_presence_peers_expired_total")).isEqualTo(1);
    }

    @Test
    void aGoodbyeRemovesThePeerAtOnceAndRegisteredClientsHearIt() throws Exception {
        start(b -> b);
        try (ChatClient watcher = ChatClient.registered(server.tcpPort(), "watcher");
             ChatClient other = ChatClient.registered(server.tcpPort(), "other")) {
            beacon("bob", Beacon.ONLINE, 1, 60_000); // would stay for 3 minutes without the goodbye
            assertThat(watcher.await(Presence.class, p -> p.nick().equals("bob")))
                    .isEqualTo(new Presence("bob", myAddress(), "online"));
            beacon("bob", Beacon.AWAY, 2, 60_000);
            assertThat(watcher.await(Presence.class, p -> p.nick().equals("bob")))
                    .isEqualTo(new Presence("bob", myAddress(), "away"));
            assertThat(find(watcher.peers(), "bob")).get().extracting(PeerInfo::status).isEqualTo("away");

            long sent = System.nanoTime();
            beacon("bob", Beacon.OFFLINE, 3, 60_000);
            assertThat(watcher.await(Presence.class, p -> p.nick().equals("bob")))
                    .isEqualTo(new Presence("bob", myAddress(), "offline"));
            assertThat(other.await(Presence.class, p -> p.status().equals("offline")))
                    .isEqualTo(new Presence("bob", myAddress(), "offline"));
            long ms = (System.nanoTime() - sent) / 1_000_000;
            assertThat(watcher.peers()).extracting(PeerInfo::nick).doesNotContain("bob");
            assertThat(ms).as("goodbye to event, ms").isLessThan(10_000);
            System.err.printf("presence: goodbye reached two TCP clients in %d ms%n", ms);
        }
    }

    @Test
    void lossOverRealUdpCountsGapsButNotDuplicatesOrReordering() throws Exception {
        start(b -> b);
        long[] order = {1, 2, 3, 5, 4, 6, 8, 9, 9, 10, 12, 11, 13, 14, 15, 16, 18, 19, 20, 20, 17};
        // sent: 1..20 without 7; 9 and 20 twice; 4, 11 and 17 late
        for (long seq : order) {
            beacon("carol", Beacon.ONLINE, seq, 60_000);
        }
        try (ChatClient c = ChatClient.registered(server.tcpPort(), "watcher")) {
            await().atMost(WAIT).until(() -> server.metrics().beaconsAccepted.sum() == order.length);
            PeerInfo carol = find(c.peers(), "carol").orElseThrow();
            assertThat(carol.loss()).as("1 of 20 missing").isEqualTo(0.05);
            assertThat(carol.jitterMs()).isBetween(0.0, 1000.0);
        }
    }

    @Test
    void badDatagramsAreDroppedByReasonCountedAndNeverAnswered() throws Exception {
        start(b -> b);
        byte[] bigPayload = new byte[1300];
        java.util.Arrays.fill(bigPayload, (byte) ' ');
        bigPayload[0] = '{';
        bigPayload[bigPayload.length - 1] = '}';
        sendRaw(udp, Frames.frame(bigPayload));                                   // oversized
        sendRaw(udp, new byte[] {0, 0, 0x13, (byte) 0x88, '{', '}'});             // declares 5000: oversized
        sendRaw(udp, new byte[] {0, 0, 0, 9, '{', '}'});                           // length mismatch: malformed
        sendRaw(udp, new byte[] {1, 2});                                           // no header: malformed
        sendRaw(udp, json("{\"type\":\"beacon\","));                               // bad_json
        sendRaw(udp, json("{\"type\":\"say\",\"room\":\"x\",\"text\":\"hi\"}"));    // unknown_type (not on UDP)
        sendRaw(udp, json("{\"type\":\"beacon\",\"role\":\"client\",\"seq\":1,\"ts\":1,\"interval_ms\":100}"));
        sendRaw(udp, MessageCodec.encodeFrame(new Beacon.ServerBeacon("s", "n1", 7420, "online", 1, 1, 2000)));
        beacon("dave", Beacon.ONLINE, 1, 60_000);
        await().atMost(WAIT).until(() -> server.metrics().beaconsAccepted.sum() == 1);
        assertThat(metric("chat_beacons_dropped_total{reason=\"oversized\"}")).isEqualTo(2);
        assertThat(metric("chat_beacons_dropped_total{reason=\"malformed\"}")).isEqualTo(2);
        assertThat(metric("chat_beacons_dropped_total{reason=\"bad_json\"}")).isEqualTo(1);
        assertThat(metric("chat_beacons_dropped_total{reason=\"unknown_type\"}")).isEqualTo(1);
        assertThat(metric("chat_beacons_dropped_total{reason=\"invalid\"}")).isEqualTo(1);
        assertThat(metric("chat_beacons_dropped_total{reason=\"server_beacon\"}")).isEqualTo(1);
        assertThat(metric("chat_beacons_accepted_total")).isEqualTo(1);
        assertThat(metric("chat_presence_peers")).isEqualTo(1);
        // every datagram above was handled before dave's was accepted: any answer would be queued here by now
        udp.setSoTimeout(200);
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> udp.receive(p))
                .isInstanceOf(SocketTimeoutException.class);
    }

    private static byte[] json(String s) {
        return Frames.frame(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thePeersReplyFitsInOneFrame() throws Exception {
        start(b -> b.maxFrame(2048));
        for (int i = 0; i < 200; i++) {
            beacon("peer" + i, Beacon.ONLINE, 1, 60_000);
        }
        try (ChatClient c = ChatClient.registered(server.tcpPort(), "watcher")) {
            await().atMost(WAIT).until(() -> server.metrics().beaconsAccepted.sum() == 200);
            ServerMessage reply = c.request(ClientMessage.ListPeers::new);
            List<PeerInfo> rows = ((ServerMessage.PeerList) reply).peers();
            assertThat(MessageCodec.encode(reply).length).isLessThanOrEqualTo(2048);
            assertThat(rows.size()).isBetween(10, 199);
            assertThat(rows).extracting(PeerInfo::nick).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
            System.err.printf("presence: %d of 200 peers fit in a 2048-byte peers frame (%d bytes)%n",
                    rows.size(), MessageCodec.encode(reply).length);
        }
    }

    /** say with an id from one client; done when the ok came back and the other client got the message. */
    private static long roundTrip(ChatClient from, ChatClient to, String text) throws IOException {
        long t = System.nanoTime();
        assertThat(from.request(id -> new ClientMessage.Say(id, "lobby", text))).isInstanceOf(ServerMessage.Ok.class);
        to.await(ServerMessage.ChatMessage.class, m -> text.equals(m.text()));
        return System.nanoTime() - t;
    }

    @Test
    void aFloodOfGarbageLeavesChatAndHealthWorkingAndTheTableBounded() throws Exception {
        start(b -> b.maxPeers(1_000).rateLimit(0)); // chat as fast as it goes
        int garbage = 50_000;
        int fakeNicks = 10_000;
        AtomicLong floodNanos = new AtomicLong();
        Thread flood = new Thread(() -> {
            Random rnd = new Random(42);
            long t0 = System.nanoTime();
            try (DatagramSocket s1 = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 DatagramSocket s2 = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                for (int i = 0; i < garbage; i++) {
                    byte[] d = new byte[rnd.nextInt(1500)];
                    rnd.nextBytes(d);
                    if (i % 5 == 0 && d.length > 4) { // a valid header over random bytes: reaches the JSON parser
                        Frames.writeHeader(d, 0, d.length - 4);
                    }
                    sendRaw(s1, d);
                    if (i % 5 == 0 && i / 5 < fakeNicks) {
                        sendRaw(s2, MessageCodec.encodeFrame(
                                new Beacon.ClientBeacon("fake" + i, "online", 1, System.currentTimeMillis(), 60_000)));
                    }
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            floodNanos.set(System.nanoTime() - t0);
        }, "udp-flood");

        try (ChatClient alice = ChatClient.registered(server.tcpPort(), "alice");
             ChatClient bob = ChatClient.registered(server.tcpPort(), "bob")) {
            alice.request(id -> new ClientMessage.Join(id, "lobby"));
            bob.request(id -> new ClientMessage.Join(id, "lobby"));
            long quietWorst = 0;
            for (int i = 0; i < 20; i++) {
                quietWorst = Math.max(quietWorst, roundTrip(alice, bob, "quiet " + i));
            }
            long start = System.nanoTime();
            flood.start();
            long worstRoundTrip = 0;
            int rounds = 0;
            while (flood.isAlive() || rounds < 5) {
                worstRoundTrip = Math.max(worstRoundTrip, roundTrip(alice, bob, "hello " + rounds));
                rounds++;
                if (rounds % 10 == 0) {
                    assertThat(health()).isEqualTo(200);
                }
            }
            flood.join();
            assertThat(worstRoundTrip / 1_000_000).as("worst chat round trip during the flood, ms").isLessThan(5_000);
            assertThat(health()).isEqualTo(200);
            // the server has caught up once a fresh beacon is heard (the flood may have filled its buffer: resend)
            AtomicLong seq = new AtomicLong();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                beacon("marker", "online", seq.incrementAndGet(), 60_000);
                return find(alice.peers(), "marker").isPresent();
            });
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            List<PeerInfo> peers = alice.peers();
            assertThat(peers.size()).isLessThanOrEqualTo(1_000);
            assertThat(metric("chat_presence_peers")).isLessThanOrEqualTo(1_000);
            long accepted = metric("chat_beacons_accepted_total");
            long dropped = server.metrics().beaconsDropped();
            assertThat(accepted).as("fake-nick beacons accepted during the flood").isGreaterThan(100);
            assertThat(dropped).as("garbage datagrams dropped during the flood").isGreaterThan(100);
            long events = alice.kept().stream().filter(m -> m instanceof Presence).count();
            assertThat(events).as("presence events are rate-limited")
                    .isLessThanOrEqualTo(BeaconVerticle.EVENT_BURST + BeaconVerticle.EVENT_RATE * (elapsedMs / 1000 + 1));
            System.err.printf("flood: %d garbage + %d fake-nick datagrams sent in %d ms; server accepted %d,"
                            + " dropped %d (the rest lost in the socket buffer); table %d peers (cap 1000);"
                            + " %d chat round trips, worst %d ms (before the flood: worst of 20 %d ms);"
                            + " %d presence events reached a client, %d suppressed%n",
                    garbage, fakeNicks, floodNanos.get() / 1_000_000, accepted, dropped, peers.size(), rounds,
                    worstRoundTrip / 1_000_000, quietWorst / 1_000_000, events,
                    metric("chat_presence_events_suppressed_total"));
        }
    }
}
