package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.MessageCodec;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --discover} end to end: announcements (sent by the test, unicast on loopback, for a
 * real server's TCP port) lead the client to that server; its presence beacons then go to the
 * port the announcements came from, counting up, ending with an {@code offline} goodbye.
 */
@Timeout(180)
class DiscoverConnectIT {

    @Test
    void connectsToTheAnnouncedServerAndBeaconsToTheAnnouncer() throws Exception {
        int discoveryPort;
        try (DatagramSocket s = new DatagramSocket(0)) {
            discoveryPort = s.getLocalPort();
        }
        ScheduledExecutorService announcer = Executors.newSingleThreadScheduledExecutor();
        try (ServerProcess server = ServerProcess.start();
             BeaconReceiver udp = new BeaconReceiver();
             ClientProcess listener = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick",
                     "lis", "--room", "found", "--follow", "--beacon-interval", "0s")) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), discoveryPort);
            long[] seq = {0};
            announcer.scheduleAtFixedRate(() -> {
                try {
                    udp.send(to, MessageCodec.encodeFrame(new Beacon.ServerBeacon("test-server", server.node,
                            server.tcpPort, Beacon.ONLINE, ++seq[0], System.currentTimeMillis(), 200)));
                } catch (java.io.IOException e) {
                    // the next one goes
                }
            }, 0, 200, TimeUnit.MILLISECONDS);

            ClientProcess c = ClientProcess.start("--discover", "--discover-port", String.valueOf(discoveryPort),
                    "--discover-timeout", "1500ms", "--nick", "finder", "--room", "found", "--beacon-interval", "200ms");
            c.writeLine("found you");
            listener.awaitOutLine("#found <finder> found you");
            await().atMost(ClientProcess.WAIT).until(() -> udp.clientBeacons().size() >= 3);
            c.closeStdin();
            assertThat(c.waitFor()).isZero();
            assertThat(c.err.joined()).contains("discovered test-server at 127.0.0.1:" + server.tcpPort);

            await().atMost(ClientProcess.WAIT).until(() -> udp.clientBeacons().stream()
                    .anyMatch(b -> b.status().equals(Beacon.OFFLINE)));
            List<Beacon.ClientBeacon> beacons = udp.clientBeacons();
            assertThat(beacons).allSatisfy(b -> {
                assertThat(b.nick()).isEqualTo("finder");
                assertThat(b.intervalMs()).isEqualTo(200);
            });
            for (int i = 1; i < beacons.size(); i++) {
                assertThat(beacons.get(i).seq()).isEqualTo(beacons.get(i - 1).seq() + 1);
            }
            assertThat(beacons.get(0).status()).isEqualTo(Beacon.ONLINE);
            assertThat(beacons.get(beacons.size() - 1).status()).isEqualTo(Beacon.OFFLINE);
        } finally {
            announcer.shutdownNow();
        }
    }
}
