package dev.chat.it.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.testsupport.ChatClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted protocol session: reads its whole stdin, then plays it line by line on one
 * connection. Each line is a JSON frame with an {@code id}: the actor sends it and reads until
 * the reply with that {@code id} arrives. Every frame received is printed as one JSON line, in
 * order; the server's pings are answered. Exits 0 at the end of the script, 1 if a reply did not
 * come (within the test client's timeout) or the server closed, 3 if it cannot connect.
 *
 * <pre>usage: Frames HOST PORT &lt; script</pre>
 */
public final class Frames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Frames HOST PORT < script");
            System.exit(2);
        }
        List<String> script = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    script.add(line.strip());
                }
            }
        }
        ChatClient c;
        try {
            c = ChatClient.connect(args[0], Integer.parseInt(args[1]));
        } catch (IOException e) {
            System.err.println("Frames: cannot connect: " + e);
            System.exit(3);
            return;
        }
        try (c) {
            for (String line : script) {
                String id = JSON.readTree(line).path("id").asText();
                c.sendJson(line);
                if (!readUntil(c, id)) {
                    System.err.println("Frames: no reply to " + line);
                    System.out.flush();
                    System.exit(1);
                }
            }
            c.sendJson("{\"type\":\"quit\",\"reason\":\"script done\"}");
        }
        System.out.flush();
    }

    /** Reads and prints frames until the reply {@code id}; false if the server closed or it did not come in time. */
    private static boolean readUntil(ChatClient c, String id) throws IOException {
        while (true) {
            byte[] payload;
            try {
                payload = c.nextRaw();
            } catch (AssertionError timeout) {
                return false;
            }
            if (payload == null) {
                return false;
            }
            JsonNode frame = JSON.readTree(payload);
            String frameType = frame.path("type").asText();
            if (frameType.equals("ping") && !frame.hasNonNull("id")) {
                c.sendJson("{\"type\":\"pong\"}");
                continue;
            }
            System.out.println(JSON.writeValueAsString(frame));
            if (frame.hasNonNull("id") && frame.path("id").asText().equals(id)) {
                return true;
            }
        }
    }
}
