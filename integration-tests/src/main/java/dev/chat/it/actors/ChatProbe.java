package dev.chat.it.actors;

import dev.chat.testsupport.ChatClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A well-behaved user, measured: says hello, joins ROOM, prints {@code JOINED}, waits for a line
 * on stdin (or its end: the test's "go"), then says COUNT messages INTERVAL_MS apart and times
 * each from its {@code say} to the arrival of its own {@code message} (what the user sees as
 * "my message went through"). Answers the server's pings.
 *
 * <pre>usage: ChatProbe HOST PORT NICK ROOM COUNT INTERVAL_MS</pre>
 *
 * Prints {@code {"sent":n,"echoed":e,"acked":a,"errors":{code:n},"p50_ms":x,"p99_ms":y,"max_ms":z}};
 * exits 3 if it cannot connect or register.
 */
public final class ChatProbe {
    private static final int SETTLE_MS = 10_000;

    private ChatProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ChatProbe HOST PORT NICK ROOM COUNT INTERVAL_MS");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String nick = args[2];
        String room = args[3];
        int count = Integer.parseInt(args[4]);
        long interval = Long.parseLong(args[5]);

        long[] sentAt = new long[count];
        long[] echoMs = new long[count];
        Arrays.fill(echoMs, -1);
        int echoed = 0;
        int acked = 0;
        Map<String, Integer> errors = new TreeMap<>();
        try (ChatClient c = ChatClient.connect(host, port)) {
            c.send(new ClientMessage.Hello("h", nick));
            if (!(awaitReply(c, "h") instanceof ServerMessage.Welcome)) {
                System.err.println("ChatProbe: no welcome");
                System.exit(3);
            }
            c.send(new ClientMessage.Join("j", room));
            if (!(awaitReply(c, "j") instanceof ServerMessage.Joined joined)) {
                System.err.println("ChatProbe: could not join " + room);
                System.exit(3);
                return;
            }
            String roomName = joined.room();
            System.out.println("JOINED " + roomName);
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                    .readLine();
            String prefix = "probe " + nick + " #";
            int next = 0;
            long nextDue = System.nanoTime();
            long settleUntil = Long.MAX_VALUE;
            while ((echoed < count || acked < count) && System.nanoTime() < settleUntil) {
                long now = System.nanoTime();
                if (next < count && now >= nextDue) {
                    sentAt[next] = now;
                    c.send(new ClientMessage.Say("s" + next, roomName, prefix + next));
                    next++;
                    nextDue += interval * 1_000_000;
                    if (next == count) {
                        settleUntil = System.nanoTime() + SETTLE_MS * 1_000_000L;
                    }
                }
                int wait = next < count ? (int) Math.max(1, (nextDue - System.nanoTime()) / 1_000_000) : 200;
                ServerMessage m = c.next(wait);
                if (m instanceof ServerMessage.ChatMessage cm && nick.equals(cm.from()) && cm.text().startsWith(prefix)) {
                    int i = Integer.parseInt(cm.text().substring(prefix.length()));
                    if (echoMs[i] < 0) {
                        echoMs[i] = (System.nanoTime() - sentAt[i]) / 1_000_000;
                        echoed++;
                    }
                } else if (m instanceof ServerMessage.Ok) {
                    acked++;
                } else if (m instanceof ServerMessage.Error e) {
                    errors.merge(e.code(), 1, Integer::sum);
                } else if (m instanceof Ping p) {
                    c.send(new Pong(p.id()));
                }
            }
            c.send(new ClientMessage.Quit(null, "probe done"));
        }
        long[] times = Arrays.stream(echoMs).filter(t -> t >= 0).sorted().toArray();
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("sent", count);
        result.put("echoed", echoed);
        result.put("acked", acked);
        ObjectNode e = result.putObject("errors");
        errors.forEach(e::put);
        result.put("p50_ms", percentile(times, 0.50));
        result.put("p99_ms", percentile(times, 0.99));
        result.put("max_ms", times.length == 0 ? -1 : times[times.length - 1]);
        System.out.println(result);
    }

    private static ServerMessage awaitReply(ChatClient c, String id) throws IOException {
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        while (System.currentTimeMillis() < deadline) {
            ServerMessage m = c.next(1000);
            if (m != null && id.equals(idOf(m))) {
                return m;
            }
        }
        return null;
    }

    private static Object idOf(ServerMessage m) {
        if (m instanceof ServerMessage.Welcome w) {
            return w.id();
        }
        if (m instanceof ServerMessage.Joined j) {
            return j.id();
        }
        if (m instanceof ServerMessage.Error e) {
            return e.id();
        }
        return null;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
