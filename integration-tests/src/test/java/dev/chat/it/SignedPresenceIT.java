package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed presence end to end, as users run it: the real client jar signs its beacons with the key
 * the real server jar gave it, through {@code chat impair} (which forwards datagrams byte for
 * byte), and the server lists it verified; a forger beaconing the same nick from another port
 * changes nothing, and the client's own goodbye removes it.
 */
class SignedPresenceIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("READY udp=127\\.0\\.0\\.1:(\\d+)");
    private final Path root = Path.of(System.getProperty("chat.root", "..")).toAbsolutePath().normalize();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(DocCommands::kill);
    }

    private Process java(String jar, List<String> out, List<String> err, String... args) throws IOException {
        Path path = root.resolve(jar);
        assertThat(Files.isRegularFile(path)).as(path + " is built").isTrue();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", path.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        processes.add(p);
        DocCommands.collect(p.getInputStream(), out, jar + "-out");
        DocCommands.collect(p.getErrorStream(), err, jar + "-err");
        return p;
    }

    private static Optional<PeerInfo> find(List<PeerInfo> peers, String nick) {
        return peers.stream().filter(p -> p.nick().equals(nick)).findFirst();
    }

    @Test
    void theRealClientsSignedBeaconsCrossTheRelayVerifiedAndAForgerChangesNothing() throws Exception {
        try (ServerProcess server = ServerProcess.start("--tls-port", "off");
             ChatClient watcher = ChatClient.registered(server.tcpPort(), "watcher");
             DatagramSocket forger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<String> relayOut = new CopyOnWriteArrayList<>();
            List<String> relayErr = new CopyOnWriteArrayList<>();
            java("tools/target/chat-tools.jar", relayOut, relayErr, "impair", "--listen", "127.0.0.1:0",
                    "--forward", "127.0.0.1:" + server.udpPort());
            await("relay READY").atMost(PATIENCE).until(() -> !relayOut.isEmpty());
            Matcher ready = READY.matcher(relayOut.get(0));
            assertThat(ready.matches()).as("%s %s", relayOut, relayErr).isTrue();
            int relayPort = Integer.parseInt(ready.group(1));

            List<String> clientOut = new CopyOnWriteArrayList<>();
            List<String> clientErr = new CopyOnWriteArrayList<>();
            Process client = java("client-cli/target/chat-client.jar", clientOut, clientErr, "--port",
                    Integer.toString(server.tcpPort()), "--udp-port", Integer.toString(relayPort), "--nick", "ann",
                    "--beacon-interval", "200ms", "--follow", "--trace");
            client.getOutputStream().close();

            await("ann listed verified").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> find(watcher.peers(), "ann").map(PeerInfo::verified).orElse(false));
            String annAddress = find(watcher.peers(), "ann").orElseThrow().address();
            assertThat(clientErr).as("the client's trace shows signed beacons")
                    .anyMatch(l -> l.startsWith(">> udp ") && l.contains("\"nick\":\"ann\"") && l.contains("\"sig\":\""));

            // a forger, from another port, straight to the server: ann away, ann gone
            InetSocketAddress udp = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort());
            for (String status : List.of(Beacon.AWAY, Beacon.OFFLINE)) {
                byte[] d = MessageCodec.encodeFrame(new Beacon.ClientBeacon("ann", status, 1_000_000,
                        System.currentTimeMillis(), 60_000));
                forger.send(new DatagramPacket(d, d.length, udp));
            }
            // then a beacon of a free nick from the same socket: once it is listed, the forgeries were handled
            byte[] marker = MessageCodec.encodeFrame(new Beacon.ClientBeacon("marker", Beacon.ONLINE, 1,
                    System.currentTimeMillis(), 60_000));
            forger.send(new DatagramPacket(marker, marker.length, udp));
            await("marker listed").atMost(PATIENCE).until(() -> find(watcher.peers(), "marker").isPresent());
            String metrics = new String(new java.net.URL("http://127.0.0.1:" + server.httpPort() + "/metrics")
                    .openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(metrics).contains("chat_beacons_dropped_total{reason=\"unsigned\"} 2.0");
            PeerInfo ann = find(watcher.peers(), "ann").orElseThrow();
            assertThat(ann.address()).as("the relay's address, not the forger's").isEqualTo(annAddress)
                    .isNotEqualTo("127.0.0.1:" + forger.getLocalPort());
            assertThat(ann.status()).isEqualTo(Beacon.ONLINE);
            assertThat(ann.verified()).isTrue();
            assertThat(watcher.kept()).as("no forged status reached anyone")
                    .noneMatch(m -> m instanceof ServerMessage.Presence p && p.nick().equals("ann")
                            && !p.status().equals(Beacon.ONLINE));

            // the client's own goodbye (signed, through the relay) removes it at once
            client.destroy();
            watcher.await(ServerMessage.Presence.class, p -> p.nick().equals("ann") && p.status().equals(Beacon.OFFLINE));
            assertThat(find(watcher.peers(), "ann")).isEmpty();
        }
    }
}
