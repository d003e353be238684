package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --discover} end to end with a real server announcing itself on loopback (multicast
 * group 239.255.74.20, its UDP port, interface lo: nothing leaves the machine): the client finds
 * it, connects, and its presence beacons reach the server's UDP port, so {@code peers} lists it
 * while it runs, and its goodbye removes it at once when it exits. The server's announcements
 * leave from a socket of their own, so this also checks that the client aims its beacons at the
 * port the announcements were sent to, not at their source port.
 */
@Timeout(180)
class DiscoverConnectIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void findsTheAnnouncingServerChatsAndBeaconsToItsUdpPort() throws Exception {
        try (ServerProcess server = ServerProcess.startAnnouncing("--beacon-interval", "200ms");
             ClientProcess listener = ClientProcess.startReady("--port", String.valueOf(server.tcpPort), "--nick",
                     "lis", "--room", "found", "--follow", "--beacon-interval", "0s")) {
            ClientProcess c = ClientProcess.start("--discover", "--discover-port", String.valueOf(server.udpPort),
                    "--discover-timeout", "1500ms", "--nick", "finder", "--room", "found", "--beacon-interval", "200ms");
            c.writeLine("found you");
            listener.awaitOutLine("#found <finder> found you");
            assertThat(c.err.joined()).contains("at 127.0.0.1:" + server.tcpPort);

            await("finder in peers").atMost(ClientProcess.WAIT)
                    .until(() -> peers(server.tcpPort).contains("finder online"));
            c.closeStdin();
            assertThat(c.waitFor()).isZero();
            await("finder's goodbye removes it from peers").atMost(ClientProcess.WAIT)
                    .until(() -> !peers(server.tcpPort).contains("finder online"));
        }
    }

    @Test
    void listShowsTheServerInColumnsSizedToTheirContent() throws Exception {
        try (ServerProcess server = ServerProcess.startAnnouncing("--beacon-interval", "200ms", "--name", "lister")) {
            ClientProcess c = ClientProcess.start("--discover", "--list", "--discover-port",
                    String.valueOf(server.udpPort), "--discover-timeout", "1500ms");
            assertThat(c.waitFor()).isZero();
            c.awaitOut(l -> l.startsWith("lister"));
            List<String> lines = c.out.all();
            String header = lines.get(0);
            String row = lines.stream().filter(l -> l.startsWith("lister")).findFirst().orElseThrow();
            // NODE is as wide as the longest node id (12 characters here), then two spaces: no padding to 36
            assertThat(header).matches("NAME +ADDRESS +NODE +AGE");
            int node = header.indexOf("NODE");
            assertThat(header.indexOf("AGE") - node).isEqualTo(Math.max(4, server.node.length()) + 2);
            assertThat(row.substring(node)).startsWith(server.node + "  ");
        }
    }

    /** Asks the server for {@code peers} over a raw connection: "nick status" per peer. */
    private static List<String> peers(int tcpPort) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            write(out, "{\"type\":\"hello\",\"id\":1,\"nick\":\"probe" + System.nanoTime() % 100_000 + "\"}");
            write(out, "{\"type\":\"peers\",\"id\":2}");
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                byte[] payload = new byte[in.readInt()];
                in.readFully(payload);
                JsonNode m = JSON.readTree(payload);
                if ("peers".equals(m.path("type").asText())) {
                    List<String> out2 = new ArrayList<>();
                    for (JsonNode p : m.path("peers")) {
                        out2.add(p.path("nick").asText() + " " + p.path("status").asText());
                    }
                    return out2;
                }
                if ("error".equals(m.path("type").asText())) {
                    throw new IOException("server said " + m);
                }
            }
        }
    }

    private static void write(OutputStream out, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(4).putInt(b.length).array());
        out.write(b);
        out.flush();
    }
}
