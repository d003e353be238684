package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.BeaconSignature;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.protocol.ServerMessage.Presence;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signed beacons against a real in-process server over real UDP and TCP sockets on loopback:
 * the {@code beacon_key} of {@code welcome}, signed with {@link BeaconSignature} (the class the
 * client's {@code BeaconSender} signs with), verified; forged, unsigned and replayed beacons for
 * a held nick refused and counted; unsigned beacons for a free nick listed as unverified.
 */
class SignedBeaconTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ChatServer server;
    private DatagramSocket real;
    private DatagramSocket forger;

    @BeforeEach
    void start() throws Exception {
        server = ChatServer.start(ServerConfig.forTests().toBuilder().announce(false).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        real = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        forger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        real.close();
        forger.close();
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A session registered as {@code nick}, and the beacon key its welcome carried. */
    private record Registered(ChatClient client, byte[] key) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    private Registered register(String nick) throws IOException {
        ChatClient c = ChatClient.connect(server.tcpPort());
        ServerMessage reply = c.request(id -> new ClientMessage.Hello(id, nick));
        assertThat(reply).isInstanceOf(ServerMessage.Welcome.class);
        String key = ((ServerMessage.Welcome) reply).beaconKey();
        assertThat(key).as("welcome's beacon_key").isNotNull();
        assertThat(BeaconSignature.isValidBase64(key)).isTrue();
        return new Registered(c, BeaconSignature.decodeKey(key));
    }

    private void send(DatagramSocket from, Beacon.ClientBeacon b) throws IOException {
        byte[] d = MessageCodec.encodeFrame(b);
        from.send(new DatagramPacket(d, d.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort())));
    }

    private static Beacon.ClientBeacon beacon(String nick, String status, long seq) {
        return new Beacon.ClientBeacon(nick, status, seq, System.currentTimeMillis(), 60_000);
    }

    private static String address(DatagramSocket s) {
        return "127.0.0.1:" + s.getLocalPort();
    }

    private static Optional<PeerInfo> find(List<PeerInfo> peers, String nick) {
        return peers.stream().filter(p -> p.nick().equalsIgnoreCase(nick)).findFirst();
    }

    private long accepted() {
        return server.metrics().beaconsAccepted.sum();
    }

    /** {@code chat_beacons_dropped_total} for one reason, from {@code /metrics}. */
    private long dropped(String reason) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^chat_beacons_dropped_total\\{reason=\"" + reason + "\"} (\\S+)$").matcher(body);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    /** Sends a signed beacon of alice and waits until it is accepted: everything sent before was handled. */
    private void signedAndHeard(Registered alice, long seq) throws IOException {
        long before = accepted();
        send(real, BeaconSignature.signed(alice.key(), beacon("alice", Beacon.ONLINE, seq)));
        await().atMost(WAIT).until(() -> accepted() > before);
    }

    @Test
    void aCorrectlySignedBeaconIsVerifiedAndAnUnsignedOneForAFreeNickIsListedUnverified() throws Exception {
        try (Registered alice = register("alice"); Registered bob = register("bob")) {
            assertThat(alice.key()).as("every session its own key").isNotEqualTo(bob.key());
            send(real, BeaconSignature.signed(alice.key(), beacon("alice", Beacon.ONLINE, 1)));
            send(forger, beacon("pybeacon", Beacon.ONLINE, 1));
            await().atMost(WAIT).until(() -> find(bob.client().peers(), "alice").isPresent()
                    && find(bob.client().peers(), "pybeacon").isPresent());
            List<PeerInfo> peers = bob.client().peers();
            assertThat(find(peers, "alice").orElseThrow())
                    .extracting(PeerInfo::address, PeerInfo::verified).containsExactly(address(real), true);
            assertThat(find(peers, "pybeacon").orElseThrow())
                    .extracting(PeerInfo::address, PeerInfo::verified).containsExactly(address(forger), false);
            // the presence events say the same
            assertThat(bob.client().await(Presence.class, p -> p.nick().equals("alice")).verified()).isTrue();
            assertThat(bob.client().await(Presence.class, p -> p.nick().equals("pybeacon")).verified()).isFalse();
        }
    }

    @Test
    void forgedBeaconsForAVerifiedNickNeitherReplaceNorRemoveItsEntry() throws Exception {
        try (Registered alice = register("alice"); Registered watcher = register("watcher")) {
            signedAndHeard(alice, 1);
            byte[] wrongKey = BeaconSignature.newKey();
            // from another port: unsigned, signed with another key, an unsigned and a wrongly signed
            // goodbye, a status change, another spelling of the nick, a signature copied onto other fields
            send(forger, beacon("alice", Beacon.AWAY, 100));
            send(forger, BeaconSignature.signed(wrongKey, beacon("alice", Beacon.AWAY, 101)));
            send(forger, beacon("alice", Beacon.OFFLINE, 102));
            send(forger, BeaconSignature.signed(wrongKey, beacon("alice", Beacon.OFFLINE, 103)));
            send(forger, beacon("ALICE", Beacon.OFFLINE, 104));
            Beacon.ClientBeacon good = BeaconSignature.signed(alice.key(), beacon("alice", Beacon.ONLINE, 2));
            send(forger, new Beacon.ClientBeacon("alice", Beacon.OFFLINE, 2, good.ts(), good.intervalMs(), good.sig()));
            signedAndHeard(alice, 3); // the forgeries were handled before this one

            PeerInfo row = find(watcher.client().peers(), "alice").orElseThrow();
            assertThat(row.address()).as("still the real sender's").isEqualTo(address(real));
            assertThat(row.status()).isEqualTo(Beacon.ONLINE);
            assertThat(row.verified()).isTrue();
            assertThat(dropped("unsigned")).isEqualTo(3);
            assertThat(dropped("bad_signature")).isEqualTo(3);
            assertThat(watcher.client().kept()).as("no presence event for alice but her arrival")
                    .filteredOn(m -> m instanceof Presence p && p.nick().equalsIgnoreCase("alice"))
                    .containsExactly(new Presence("alice", address(real), Beacon.ONLINE, true));
        }
    }

    @Test
    void aReplayedOrStaleSignedBeaconIsRefusedAndCounted() throws Exception {
        try (Registered alice = register("alice"); Registered watcher = register("watcher")) {
            Beacon.ClientBeacon captured = BeaconSignature.signed(alice.key(), beacon("alice", Beacon.ONLINE, 200));
            send(real, captured);
            await().atMost(WAIT).until(() -> accepted() == 1);
            send(forger, captured);                                   // the same bytes again, from elsewhere
            send(real, captured);                                     // and from the sender's own port
            send(forger, BeaconSignature.signed(alice.key(), beacon("alice", Beacon.AWAY, 100))); // 100 below: too old
            long now = System.currentTimeMillis();
            send(forger, BeaconSignature.signed(alice.key(),          // a new seq, but 60 s old
                    new Beacon.ClientBeacon("alice", Beacon.AWAY, 300, now - 60_000, 60_000)));
            send(forger, BeaconSignature.signed(alice.key(),          // from 60 s in the future
                    new Beacon.ClientBeacon("alice", Beacon.AWAY, 301, now + 60_000, 60_000)));
            signedAndHeard(alice, 201);

            assertThat(dropped("replayed")).isEqualTo(3);
            assertThat(dropped("stale")).isEqualTo(2);
            assertThat(accepted()).isEqualTo(2);
            PeerInfo row = find(watcher.client().peers(), "alice").orElseThrow();
            assertThat(row).extracting(PeerInfo::address, PeerInfo::status, PeerInfo::verified)
                    .containsExactly(address(real), Beacon.ONLINE, true);
        }
    }

    @Test
    void aLateBeaconInsideTheWindowIsNotAReplay() throws Exception {
        try (Registered alice = register("alice"); Registered watcher = register("watcher")) {
            signedAndHeard(alice, 10);
            signedAndHeard(alice, 12);
            signedAndHeard(alice, 11); // reordered, never seen: taken (and fills the loss window's hole)
            assertThat(dropped("replayed")).isZero();
            assertThat(find(watcher.client().peers(), "alice").orElseThrow().loss()).isZero();
        }
    }

    @Test
    void aSessionGoneLeavesItsVerifiedEntryToItsOwnGoodbyeOrExpiryThenTheNickIsFreeAgain() throws Exception {
        try (Registered watcher = register("watcher")) {
            Registered alice = register("alice");
            long before = accepted();
            send(real, BeaconSignature.signed(alice.key(), beacon("alice", Beacon.ONLINE, 1)));
            await().atMost(WAIT).until(() -> accepted() > before);
            alice.client().request(id -> new ClientMessage.Join(id, "lobby"));
            watcher.client().request(id -> new ClientMessage.Join(id, "lobby"));
            alice.close(); // the client's goodbye beacon usually comes after its connection closed
            // the hub gives the key up before the members hear she quit
            watcher.client().await(ServerMessage.Member.class, m -> m.nick().equals("alice") && m.event().equals("quit"));
            // the nick is free now, but the entry is still the gone session's: a forged goodbye is refused
            send(forger, beacon("alice", Beacon.OFFLINE, 2));
            Beacon.ClientBeacon bye = BeaconSignature.signed(alice.key(), beacon("alice", Beacon.OFFLINE, 3));
            send(real, bye);
            assertThat(watcher.client().await(Presence.class,
                    p -> p.nick().equals("alice") && p.status().equals(Beacon.OFFLINE)).address()).isEqualTo(address(real));
            assertThat(dropped("unsigned")).isEqualTo(1);
            assertThat(find(watcher.client().peers(), "alice")).isEmpty();
            // nobody holds alice and nobody is listed as her: an unsigned beacon is listed again, unverified
            send(forger, beacon("alice", Beacon.ONLINE, 1));
            await().atMost(WAIT).until(() -> find(watcher.client().peers(), "alice").isPresent());
            assertThat(find(watcher.client().peers(), "alice").orElseThrow())
                    .extracting(PeerInfo::address, PeerInfo::verified).containsExactly(address(forger), false);
        }
    }

    @Test
    void aSessionTakingANickHeldUnverifiedReplacesThatEntryAndKeepsItsKeyAcrossANickChange() throws Exception {
        try (Registered watcher = register("watcher")) {
            send(forger, beacon("carol", Beacon.AWAY, 500));
            await().atMost(WAIT).until(() -> find(watcher.client().peers(), "carol").isPresent());
            try (Registered carol = register("carol")) {
                send(forger, beacon("carol", Beacon.AWAY, 501)); // held now: unsigned is refused
                long before = accepted();
                send(real, BeaconSignature.signed(carol.key(), beacon("carol", Beacon.ONLINE, 1)));
                await().atMost(WAIT).until(() -> accepted() > before);
                assertThat(find(watcher.client().peers(), "carol").orElseThrow())
                        .extracting(PeerInfo::address, PeerInfo::status, PeerInfo::verified)
                        .containsExactly(address(real), Beacon.ONLINE, true);
                assertThat(dropped("unsigned")).isEqualTo(1);

                assertThat(carol.client().request(id -> new ClientMessage.Nick(id, "carla")))
                        .isInstanceOf(ServerMessage.Ok.class);
                // carol is free now, but her entry (until it expires) is still the session's
                send(forger, beacon("carol", Beacon.OFFLINE, 502));
                long before2 = accepted();
                send(real, BeaconSignature.signed(carol.key(), beacon("carla", Beacon.ONLINE, 2)));
                await().atMost(WAIT).until(() -> accepted() > before2);
                assertThat(find(watcher.client().peers(), "carla").orElseThrow().verified()).isTrue();
                assertThat(find(watcher.client().peers(), "carol").orElseThrow().address()).isEqualTo(address(real));
                assertThat(dropped("unsigned")).isEqualTo(2);
            }
        }
    }
}
