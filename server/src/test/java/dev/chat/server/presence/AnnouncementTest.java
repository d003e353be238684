package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server announcements, heard the way a discovering client hears them: a socket on the
 * server's UDP port that joined the group on loopback. Every server here binds 127.0.0.1, so
 * every announcement stays on lo.
 */
class AnnouncementTest {
    private static final InetAddress GROUP = address(AnnounceRoute.GROUP);

    private ChatServer server;
    private DatagramSocket listener;

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        ServerConfig config = tweak.apply(ServerConfig.forTests().toBuilder()
                .host("127.0.0.1").beaconInterval(Duration.ofMillis(100))).build();
        server = ChatServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** A discovering client's socket: the server's UDP port, group joined on loopback only. */
    private MulticastSocket joinOnLoopback() throws Exception {
        MulticastSocket s = new MulticastSocket(new InetSocketAddress(server.udpPort())); // SO_REUSEADDR
        s.joinGroup(new InetSocketAddress(GROUP, 0), NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()));
        s.setSoTimeout(20_000);
        listener = s;
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
        }
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static Beacon.ServerBeacon receive(DatagramSocket s, DatagramPacket p) throws Exception {
        s.receive(p);
        Beacon b = MessageCodec.decodeBeacon(Frames.datagramPayload(p.getData(), p.getLength()));
        assertThat(b).isInstanceOf(Beacon.ServerBeacon.class);
        return (Beacon.ServerBeacon) b;
    }

    @Test
    void aServerOnLoopbackAnnouncesItselfThereEveryInterval() throws Exception {
        start(b -> b.name("lobby-1"));
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        Beacon.ServerBeacon first = receive(s, p);
        assertThat(p.getAddress().getHostAddress()).as("source address: connect back here").isEqualTo("127.0.0.1");
        assertThat(first.name()).isEqualTo("lobby-1");
        assertThat(first.node()).isEqualTo(server.nodeId());
        assertThat(first.tcpPort()).isEqualTo(server.tcpPort());
        assertThat(first.ircPort()).as("irc_port").isEqualTo(server.port("irc")).isPositive();
        assertThat(first.status()).isEqualTo("online");
        assertThat(first.intervalMs()).isEqualTo(100);
        assertThat(first.ts()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(30_000L));
        long t0 = System.nanoTime();
        Beacon.ServerBeacon next = first;
        for (int i = 0; i < 5; i++) {
            Beacon.ServerBeacon b = receive(s, p);
            assertThat(b.seq()).isGreaterThan(next.seq());
            next = b;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("5 more announcements at 100 ms intervals").isBetween(300L, 10_000L);
        assertThat(server.metrics().render()).contains("chat_presence_announcing 1");
        System.err.printf("announcements: 5 in %d ms at a 100 ms interval%n", ms);
    }

    @Test
    void aServerWithATlsPortAnnouncesItAndItsFingerprint(@TempDir java.nio.file.Path dataDir) throws Exception {
        start(b -> b.tlsPort(0).dataDir(dataDir));
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        Beacon.ServerBeacon b = receive(s, p);
        assertThat(b.tcpPort()).isEqualTo(server.tcpPort());
        assertThat(b.tlsPort()).isEqualTo(server.tlsPort()).isPositive();
        assertThat(b.tlsFingerprint()).isEqualTo(server.tlsFingerprint()).startsWith("SHA256:");
    }

    @Test
    void aTlsOnlyServerAnnouncesItsTlsPortAsItsChatPort(@TempDir java.nio.file.Path dataDir) throws Exception {
        start(b -> b.tcpPort(ServerConfig.PORT_OFF).tlsPort(0).dataDir(dataDir));
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        Beacon.ServerBeacon b = receive(s, p);
        assertThat(server.tcpPort()).isZero();
        assertThat(b.tcpPort()).isEqualTo(server.tlsPort());
        assertThat(b.tlsPort()).isEqualTo(server.tlsPort());
        assertThat(b.tlsFingerprint()).isEqualTo(server.tlsFingerprint());
    }

    @Test
    void withoutAnIrcListenerTheAnnouncementHasNoIrcPort() throws Exception {
        start(b -> b.ircPort(ServerConfig.PORT_OFF));
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        Beacon.ServerBeacon b = receive(s, p);
        assertThat(b.ircPort()).isZero();
        assertThat(new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("irc_port");
    }

    @Test
    void aStoppingServerSaysGoodbye() throws Exception {
        start(b -> b);
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        Beacon.ServerBeacon online = receive(s, p);
        String node = server.nodeId();
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        server = null;
        Beacon.ServerBeacon last = online;
        while (last.status().equals("online")) {
            last = receive(s, p);
        }
        assertThat(last.status()).isEqualTo("offline");
        assertThat(last.node()).isEqualTo(node);
        assertThat(last.seq()).isGreaterThan(online.seq());
    }

    @Test
    void announcementsAlsoGoToTheBroadcastAddressWhenAsked() throws Exception {
        start(b -> b.announceBroadcast("127.255.255.255"));
        // the wildcard-bound socket hears both the group copy and the broadcast copy of each one
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        Beacon.ServerBeacon b;
        do {
            b = receive(s, p);
            assertThat(b.node()).isEqualTo(server.nodeId());
            assertThat(p.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        } while (seen.add(b.seq()));
        assertThat(server.metrics().render()).contains("chat_announcements_failed_total 0");
    }

    @Test
    void withoutBroadcastEachAnnouncementArrivesOnce() throws Exception {
        start(b -> b);
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        long previous = receive(s, p).seq();
        for (int i = 0; i < 5; i++) {
            long seq = receive(s, p).seq();
            assertThat(seq).isEqualTo(previous + 1);
            previous = seq;
        }
    }

    @Test
    void noAnnounceMeansSilence() throws Exception {
        start(b -> b.announce(false));
        MulticastSocket s = joinOnLoopback();
        s.setSoTimeout(1_000); // 10 intervals
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        assertThatThrownBy(() -> s.receive(p)).isInstanceOf(SocketTimeoutException.class);
        assertThat(server.metrics().render()).contains("chat_presence_announcing 0")
                .contains("chat_announcements_sent_total 0");
    }

    @Test
    void theServerIgnoresAnnouncementsOnItsOwnPort() throws Exception {
        // a wildcard-bound UDP socket hears the group once anyone on the host joined it
        start(b -> b.host("127.0.0.1"));
        MulticastSocket s = joinOnLoopback();
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        receive(s, p);
        byte[] announcement = java.util.Arrays.copyOf(p.getData(), p.getLength());
        try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            u.send(new DatagramPacket(announcement, announcement.length,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort())));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> server.metrics().render().contains("chat_beacons_dropped_total{reason=\"server_beacon\"} 1"));
        assertThat(server.metrics().beaconsAccepted.sum()).isZero();
    }
}
