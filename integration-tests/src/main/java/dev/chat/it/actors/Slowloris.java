package dev.chat.it.actors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slowloris: opens CONNECTIONS connections, sends each a frame header declaring a large (but
 * allowed) payload one byte at a time, BYTE_INTERVAL_MS apart, then goes silent, holding every
 * connection open. A server that waits for the rest forever runs out of connections; the
 * contract says it closes connections that send no {@code hello} in time. Waits at most
 * WAIT_SECONDS for the server to close them.
 *
 * Prints {@code ATTACKING} when it starts.
 *
 * <pre>usage: Slowloris HOST PORT CONNECTIONS BYTE_INTERVAL_MS WAIT_SECONDS</pre>
 *
 * Prints {@code {"connections":n,"closed_by_server":k,"min_open_ms":a,"max_open_ms":b,"still_open":m}},
 * open times measured from the connect to the server's close.
 */
public final class Slowloris {
    private Slowloris() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Slowloris HOST PORT CONNECTIONS BYTE_INTERVAL_MS WAIT_SECONDS");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long interval = Long.parseLong(args[3]);
        long waitSeconds = Long.parseLong(args[4]);
        System.out.println("ATTACKING");
        System.out.flush();

        byte[] header = new byte[Frames.HEADER_LENGTH];
        Frames.writeHeader(header, 0, Frames.DEFAULT_MAX_FRAME - 1);
        List<Socket> sockets = new ArrayList<>();
        long[] connectedAt = new long[n];
        long[] closedAt = new long[n];
        CountDownLatch allClosed = new CountDownLatch(n);
        AtomicLong closedCount = new AtomicLong();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 10_000);
            connectedAt[i] = System.nanoTime();
            sockets.add(s);
            int index = i;
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = s.getInputStream();
                    byte[] sink = new byte[4096];
                    while (in.read(sink) >= 0) {
                        // whatever the server says (an error frame at most), keep reading until it closes
                    }
                } catch (IOException e) {
                    // reset by the server, or closed by us at the end
                }
                if (!s.isClosed()) {
                    closedAt[index] = System.nanoTime();
                    closedCount.incrementAndGet();
                }
                allClosed.countDown();
            }, "slowloris-" + i);
            reader.setDaemon(true);
            reader.start();
        }
        for (int b = 0; b < header.length; b++) {
            for (Socket s : sockets) {
                try {
                    s.getOutputStream().write(header[b]);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // already closed by the server
                }
            }
            if (b < header.length - 1) {
                Thread.sleep(interval);
            }
        }
        allClosed.await(waitSeconds, TimeUnit.SECONDS);
        long closedByServer = closedCount.get();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < n; i++) {
            if (closedAt[i] != 0) {
                long ms = (closedAt[i] - connectedAt[i]) / 1_000_000;
                min = Math.min(min, ms);
                max = Math.max(max, ms);
            }
        }
        for (Socket s : sockets) {
            s.close();
        }
        ObjectNode result = new ObjectMapper().createObjectNode();
        result.put("connections", n);
        result.put("closed_by_server", closedByServer);
        result.put("min_open_ms", closedByServer == 0 ? -1 : min);
        result.put("max_open_ms", closedByServer == 0 ? -1 : max);
        result.put("still_open", n - closedByServer);
        System.out.println(result);
    }
}
