package dev.chat.it.actors;

import dev.chat.testsupport.ChatClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.Frames;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A client that sends garbage over TCP: every malformed input of docs/PROTOCOL.md section 2, each on
 * its own connection, then a blast of random bytes; ROUNDS times. For each kind it records the
 * error codes the server answered, whether it closed the connection, and whether the connection
 * still answered a {@code ping} afterwards.
 *
 * Prints {@code ATTACKING} when it starts.
 *
 * <pre>usage: GarbageClient HOST PORT ROUNDS RANDOM_KIB</pre>
 *
 * Prints {@code {"rounds":n,"random_bytes":b,"kinds":{kind:{"codes":{code:n},"closed":n,"alive":n}}}}.
 */
public final class GarbageClient {
    private static final int ANSWER_WAIT_MS = 5_000;

    private GarbageClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: GarbageClient HOST PORT ROUNDS RANDOM_KIB");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int randomKib = Integer.parseInt(args[3]);
        Random random = new Random(42);
        System.out.println("ATTACKING");
        System.out.flush();

        Map<String, byte[]> kinds = new LinkedHashMap<>();
        kinds.put("zero_length", new byte[] {0, 0, 0, 0});
        kinds.put("huge_length", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        kinds.put("over_max_frame", header(Frames.DEFAULT_MAX_FRAME + 1));
        kinds.put("not_json", Frames.frame("hello there".getBytes(StandardCharsets.UTF_8)));
        kinds.put("bad_utf8", Frames.frame(new byte[] {'"', (byte) 0xC3, 0x28, '"'}));
        kinds.put("json_array", Frames.frame("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        kinds.put("trailing_garbage", Frames.frame("{\"type\":\"ping\"} x".getBytes(StandardCharsets.UTF_8)));
        kinds.put("no_type", Frames.frame("{\"nick\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        kinds.put("unknown_type", Frames.frame("{\"type\":\"launch\"}".getBytes(StandardCharsets.UTF_8)));
        kinds.put("before_hello", Frames.frame("{\"type\":\"say\",\"room\":\"x\",\"text\":\"y\"}"
                .getBytes(StandardCharsets.UTF_8)));

        ObjectMapper json = new ObjectMapper();
        ObjectNode result = json.createObjectNode();
        ObjectNode byKind = json.createObjectNode();
        Map<String, Map<String, Integer>> codes = new TreeMap<>();
        Map<String, Integer> closed = new TreeMap<>();
        Map<String, Integer> alive = new TreeMap<>();
        long randomBytes = 0;

        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, byte[]> kind : kinds.entrySet()) {
                String name = kind.getKey();
                codes.computeIfAbsent(name, k -> new TreeMap<>());
                try (ChatClient c = ChatClient.connect(host, port)) {
                    c.sendRaw(kind.getValue());
                    ServerMessage answer = c.next(ANSWER_WAIT_MS);
                    if (answer instanceof ServerMessage.Error e) {
                        codes.get(name).merge(e.code(), 1, Integer::sum);
                    } else if (answer != null) {
                        codes.get(name).merge("unexpected:" + answer.type(), 1, Integer::sum);
                    }
                    c.send(new Ping("alive"));
                    if (c.next(ANSWER_WAIT_MS) instanceof Pong p && "alive".equals(p.id())) {
                        alive.merge(name, 1, Integer::sum);
                    }
                } catch (EOFException | java.net.SocketException e) {
                    closed.merge(name, 1, Integer::sum);
                }
            }
            // random bytes: most first headers declare far more than --max-frame
            try (ChatClient c = ChatClient.connect(host, port)) {
                byte[] noise = new byte[1024];
                for (int k = 0; k < randomKib; k++) {
                    random.nextBytes(noise);
                    c.sendRaw(noise);
                    randomBytes += noise.length;
                }
            } catch (IOException e) {
                // the server closed it mid-blast: expected for garbage
            }
        }
        for (String name : kinds.keySet()) {
            ObjectNode k = byKind.putObject(name);
            ObjectNode c = k.putObject("codes");
            codes.getOrDefault(name, Map.of()).forEach(c::put);
            k.put("closed", closed.getOrDefault(name, 0));
            k.put("alive", alive.getOrDefault(name, 0));
        }
        result.put("rounds", rounds);
        result.put("random_bytes", randomBytes);
        result.set("kinds", byKind);
        System.out.println(json.writeValueAsString(result));
    }

    private static byte[] header(int length) {
        byte[] h = new byte[Frames.HEADER_LENGTH];
        Frames.writeHeader(h, 0, length);
        return h;
    }
}
