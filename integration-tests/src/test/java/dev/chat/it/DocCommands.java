package dev.chat.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the tests that run a document's commands (docs/TUTORIAL.md: {@link TutorialIT}, the
 * README's tour: {@link ReadmeTourIT}) share: free ports for the reader's fixed ones, a process's
 * output collected line by line, and stopping a command as the reader's Ctrl-C would.
 */
final class DocCommands {
    private DocCommands() {
    }

    /** A port free for both TCP and UDP on 127.0.0.1, kept bound in {@code held} until all are picked (so all differ). */
    static int freePort(List<AutoCloseable> held) {
        try {
            for (int attempt = 0; attempt < 50; attempt++) {
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                held.add(tcp);
                try {
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getLocalPort()));
                    held.add(udp);
                    return tcp.getLocalPort();
                } catch (IOException taken) {
                    // UDP side busy: try another
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no free port");
    }

    /** Collects {@code in}'s lines into {@code lines} on a daemon thread until the stream ends. */
    static Thread collect(InputStream in, List<String> lines, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = br.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "collect-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** What the reader's Ctrl-C does: SIGTERM to the process and its children, then SIGKILL if one lingers. */
    static void kill(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                h.destroyForcibly();
            }
        }
    }
}
