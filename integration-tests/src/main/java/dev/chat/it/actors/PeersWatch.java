package dev.chat.it.actors;

import dev.chat.testsupport.ChatClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches a server's {@code peers} list the way a user's {@code /peers} does, many times a
 * second: registers as NICK, then asks {@code peers} every INTERVAL_MS until its stdin ends or
 * MAX_SECONDS pass, printing each reply as one JSON line stamped with the wall clock:
 * {@code {"t":epochMs,"peers":[{"nick","address","status","last_seen_ms","loss","jitter_ms"}...]}}.
 * Prints {@code WATCHING} once registered.
 *
 * <pre>usage: PeersWatch HOST PORT NICK INTERVAL_MS MAX_SECONDS</pre>
 */
public final class PeersWatch {
    private PeersWatch() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: PeersWatch HOST PORT NICK INTERVAL_MS MAX_SECONDS");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String nick = args[2];
        long interval = Long.parseLong(args[3]);
        long until = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        ObjectMapper json = new ObjectMapper();
        Thread stdinWatch = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // nothing to read: only the end matters
                }
            } catch (IOException e) {
                // treat as the end
            }
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();

        try (ChatClient c = ChatClient.connect(host, port)) {
            c.send(new ClientMessage.Hello("h", nick));
            if (!(next(c, 10_000) instanceof ServerMessage.Welcome)) {
                System.err.println("PeersWatch: no welcome");
                System.exit(3);
            }
            System.out.println("WATCHING");
            System.out.flush();
            long n = 0;
            while (stdinWatch.isAlive() && System.nanoTime() < until) {
                String id = "p" + n++;
                c.send(new ClientMessage.ListPeers(id));
                ServerMessage reply;
                do {
                    reply = next(c, 10_000);
                } while (reply != null && !(reply instanceof ServerMessage.PeerList pl && id.equals(pl.id())));
                if (reply == null) {
                    System.err.println("PeersWatch: no peers reply within 10 s");
                    System.exit(1);
                }
                ObjectNode line = json.createObjectNode();
                line.put("t", System.currentTimeMillis());
                ArrayNode peers = line.putArray("peers");
                for (ServerMessage.PeerInfo p : ((ServerMessage.PeerList) reply).peers()) {
                    peers.addObject().put("nick", p.nick()).put("address", p.address()).put("status", p.status())
                            .put("last_seen_ms", p.lastSeenMs()).put("loss", p.loss()).put("jitter_ms", p.jitterMs());
                }
                System.out.println(line);
                System.out.flush();
                Thread.sleep(interval);
            }
            c.send(new ClientMessage.Quit(null, "watch done"));
        }
    }

    /** The next message that is not a ping (pings are answered on the way). */
    private static ServerMessage next(ChatClient c, int timeoutMs) throws IOException {
        while (true) {
            ServerMessage m = c.next(timeoutMs);
            if (m instanceof Ping p) {
                c.send(new Pong(p.id()));
                continue;
            }
            return m;
        }
    }
}
