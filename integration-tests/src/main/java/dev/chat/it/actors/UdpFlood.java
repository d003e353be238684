package dev.chat.it.actors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.Frames;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Floods a server's UDP port with COUNT garbage datagrams at about PER_SECOND: random bytes,
 * headers declaring oversized, zero and mismatched lengths, frames that are not JSON, and
 * well-formed JSON that is not a valid beacon. Unicast to the one target, bounded in count.
 *
 * Prints {@code ATTACKING} when it starts.
 *
 * <pre>usage: UdpFlood HOST PORT COUNT PER_SECOND</pre>
 *
 * Prints {@code {"sent":n,"bytes":b,"millis":t}}.
 */
public final class UdpFlood {
    private UdpFlood() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: UdpFlood HOST PORT COUNT PER_SECOND");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        int perSecond = Integer.parseInt(args[3]);
        Random random = new Random(7);
        System.out.println("ATTACKING");
        System.out.flush();
        byte[][] garbage = {
            null, // random bytes, filled per datagram
            withHeader(5000, 16),
            withHeader(0, 16),
            withHeader(100, 10),
            Frames.frame("not json at all".getBytes(StandardCharsets.UTF_8)),
            Frames.frame("{\"type\":\"beacon\",\"role\":\"client\"}".getBytes(StandardCharsets.UTF_8)),
            Frames.frame("{\"type\":\"beacon\",\"role\":\"client\",\"nick\":\"bad nick!\",\"status\":\"online\",\"seq\":1,\"ts\":1,\"interval_ms\":1000}"
                    .getBytes(StandardCharsets.UTF_8)),
        };
        long bytes = 0;
        long start = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] noise = new byte[1400];
            for (int i = 0; i < count; i++) {
                byte[] data = garbage[i % garbage.length];
                int length;
                if (data == null) {
                    random.nextBytes(noise);
                    data = noise;
                    length = 1 + random.nextInt(noise.length);
                } else {
                    length = data.length;
                }
                socket.send(new DatagramPacket(data, length, target));
                bytes += length;
                // pace in batches: keep to about PER_SECOND without a timer per datagram
                if (i % 100 == 99) {
                    long due = start + (long) ((i + 1) * 1e9 / perSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        }
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("sent", count);
        result.put("bytes", bytes);
        result.put("millis", (System.nanoTime() - start) / 1_000_000);
        System.out.println(result);
    }

    private static byte[] withHeader(int declared, int total) {
        byte[] d = new byte[total];
        Frames.writeHeader(d, 0, declared);
        return d;
    }
}
