package dev.chat.client.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.client.ClientMain;
import dev.chat.client.ExitCode;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.MessageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code --discover --list} against real datagrams on loopback: unicast to 127.0.0.1, and
 * multicast sent out of the loopback interface (never any other).
 */
class DiscoveryTest {
    private static final String NODE_A = "node-a-0001";
    private static final String NODE_B = "node-b-0002";

    private record Run(int code, String out, String err) {
    }

    private static CompletableFuture<Run> listInBackground(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ClientMain.run(args, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    false);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        });
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the client holds the port: a bind without SO_REUSEADDR then fails. */
    private static void awaitListening(int port) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(port))) {
                return false;
            } catch (BindException e) {
                return true;
            }
        });
    }

    private static byte[] serverBeacon(String name, String node, int tcpPort, String status, long seq) {
        return MessageCodec.encodeFrame(new Beacon.ServerBeacon(name, node, tcpPort, status, seq,
                System.currentTimeMillis(), 1000));
    }

    private static void send(DatagramSocket socket, SocketAddress to, byte[]... datagrams) throws IOException {
        for (byte[] d : datagrams) {
            socket.send(new DatagramPacket(d, d.length, to));
        }
    }

    @Test
    void listsServersHeardByUnicastAndForgetsOnesThatSaidGoodbye() throws Exception {
        int port = freeUdpPort();
        CompletableFuture<Run> run = listInBackground("--discover", "--list", "--discover-port", String.valueOf(port),
                "--discover-timeout", "2s");
        awaitListening(port);
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            send(sender, to,
                    "garbage".getBytes(StandardCharsets.UTF_8),
                    MessageCodec.encodeFrame(new Beacon.ClientBeacon("someone", Beacon.ONLINE, 1, 1, 2000)),
                    serverBeacon("alpha", NODE_A, 7420, Beacon.ONLINE, 1),
                    serverBeacon("beta", NODE_B, 7520, Beacon.ONLINE, 1),
                    serverBeacon("beta", NODE_B, 7520, Beacon.OFFLINE, 2),
                    serverBeacon("alpha", NODE_A, 7420, Beacon.ONLINE, 2));
        }
        Run r = run.get();
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("NAME\\s+ADDRESS\\s+NODE\\s+AGE");
        assertThat(lines.get(1)).matches("alpha\\s+127\\.0\\.0\\.1:7420\\s+" + NODE_A + "\\s+\\d+\\.\\ds");
        // each column is as wide as its widest cell, two spaces apart: no 36-character NODE column
        assertThat(lines.get(0)).startsWith("NAME   ADDRESS         NODE         AGE");
        assertThat(lines.get(1)).startsWith("alpha  127.0.0.1:7420  " + NODE_A + "  ");
        assertThat(r.out()).doesNotContain("beta").doesNotContain("someone");
    }

    @Test
    void hearsMulticastOnTheLoopbackInterface() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        int port = freeUdpPort();
        CompletableFuture<Run> run = listInBackground("--discover", "--list", "--discover-port", String.valueOf(port),
                "--discover-interface", lo.getName(), "--discover-timeout", "2s");
        awaitListening(port);
        try (MulticastSocket sender = new MulticastSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            sender.setNetworkInterface(lo); // out of loopback only
            sender.setTimeToLive(1);
            send(sender, new InetSocketAddress(InetAddress.getByName(Discovery.GROUP), port),
                    serverBeacon("gamma", NODE_A, 9000, Beacon.ONLINE, 1));
        }
        Run r = run.get();
        assertThat(r.code()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).containsPattern("gamma\\s+127\\.0\\.0\\.1:9000\\s+" + NODE_A);
    }

    @Test
    void noServerExitsThree() throws Exception {
        int port = freeUdpPort();
        Run r = listInBackground("--discover", "--list", "--discover-port", String.valueOf(port),
                "--discover-timeout", "300ms").get();
        assertThat(r.code()).isEqualTo(ExitCode.CONNECT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("chat client: no server announced itself within 300ms (UDP port "
                + port + ")");
    }

    @Test
    void defaultInterfacesIncludeLoopback() throws Exception {
        String lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()).getName();
        assertThat(Discovery.interfaces(null)).extracting(NetworkInterface::getName).contains(lo);
    }
}
