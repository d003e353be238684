package dev.chat.client.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.chat.client.net.FrameTracer;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.BeaconSignature;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our beacons on a real UDP socket, and what happens around {@link BeaconSender#close}. */
class BeaconSenderTest {

    /**
     * After a {@code kill -9} of the server, the connection's reader may report the loss
     * ({@code target(null)}) just after the session closed the sender: that must not throw
     * (it used to print a RejectedExecutionException on stderr).
     */
    @Test
    void changesAfterCloseAreIgnoredInsteadOfThrowing() throws Exception {
        BeaconSender sender = new BeaconSender(Duration.ofSeconds(10), () -> "alice", FrameTracer.OFF);
        sender.close();
        assertThatCode(() -> sender.target(null)).doesNotThrowAnyException();
        assertThatCode(() -> sender.target(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))
                .doesNotThrowAnyException();
        assertThatCode(() -> sender.status(Beacon.AWAY)).doesNotThrowAnyException();
        assertThat(sender.status()).isEqualTo(Beacon.OFFLINE);
    }

    @Test
    void beaconsGoToTheTargetAndCloseSaysOffline() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.setSoTimeout(30_000);
            BeaconSender sender = new BeaconSender(Duration.ofSeconds(10), () -> "alice", FrameTracer.OFF);
            sender.target(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            List<Beacon.ClientBeacon> got = new ArrayList<>();
            got.add(receive(server));
            sender.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                got.add(receive(server));
                return got.get(got.size() - 1).status().equals(Beacon.OFFLINE);
            });
            assertThat(got.get(0).status()).isEqualTo(Beacon.ONLINE);
            assertThat(got.get(0).nick()).isEqualTo("alice");
        }
    }

    @Test
    void withTheWelcomeKeyEveryBeaconIsSignedTheGoodbyeTooAndWithoutOneNone() throws Exception {
        byte[] key = BeaconSignature.newKey();
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.setSoTimeout(30_000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            BeaconSender sender = new BeaconSender(Duration.ofSeconds(10), () -> "alice", FrameTracer.OFF);
            sender.target(to);
            Beacon.ClientBeacon unsigned = receive(server);
            assertThat(unsigned.sig()).isNull();
            sender.target(to, key); // a new connection, with a key
            Beacon.ClientBeacon signed = receive(server);
            assertThat(signed.seq()).as("seq goes on across connections").isGreaterThan(unsigned.seq());
            assertThat(BeaconSignature.verify(key, signed)).isTrue();
            sender.close();
            Beacon.ClientBeacon bye = receive(server);
            assertThat(bye.status()).isEqualTo(Beacon.OFFLINE);
            assertThat(BeaconSignature.verify(key, bye)).isTrue();
        }
    }

    private static Beacon.ClientBeacon receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return (Beacon.ClientBeacon) MessageCodec.decodeBeacon(Frames.datagramPayload(p.getData(), p.getLength()));
    }
}
