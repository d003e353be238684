package dev.chat.it.irc;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Debian's ngIRCd as a reference IRC server: started in the foreground with its own
 * configuration in a temporary directory (never the system one), listening on loopback on a
 * port that was free a moment ago. Used to prove the IRC test harness against a real server,
 * and as the comparison server of the IRC benchmark.
 */
public final class Ngircd implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private Ngircd(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts ngircd with a configuration written into {@code dir}; waits until it accepts connections. */
    public static Ngircd start(Path dir) {
        Tools.require("ngircd");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken before ngircd binds it
            try {
                int port = freePort();
                Path conf = dir.resolve("ngircd.conf");
                Files.writeString(conf, String.join("\n",
                        "[Global]",
                        "    Name = irc.harness.test",
                        "    Info = chat IRC test harness",
                        "    AdminInfo1 = chat integration tests",
                        "    AdminInfo2 = loopback only",
                        "    AdminEMail = nobody@invalid",
                        "    Listen = 127.0.0.1",
                        "    Ports = " + port,
                        "    MotdPhrase = ngircd for the chat IRC harness",
                        "    PidFile = " + dir.resolve("ngircd.pid"),
                        "[Limits]",
                        "    MaxConnectionsIP = 0",
                        "[Options]",
                        "    DNS = no",
                        "    Ident = no",
                        "    PAM = no",
                        ""), StandardCharsets.UTF_8);
                Path log = dir.resolve("ngircd.log");
                Process p = new ProcessBuilder(Tools.find("ngircd"), "-n", "-f", conf.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                Ngircd server = new Ngircd(p, port, log);
                if (server.awaitListening(Duration.ofSeconds(20))) {
                    return server;
                }
                server.close();
                last = new IOException("ngircd did not listen on port " + port + "; its log:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("cannot start ngircd", last);
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    private boolean awaitListening(Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.isAlive()) {
                    return true;
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            return false;
        }
        return process.isAlive();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** ngircd's own log, for a failing test's message. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
