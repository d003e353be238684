package dev.chat.client.it;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real server jar as a separate process on loopback, every port chosen by the OS. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("READY tcp=([^ ]+):(\\d+) udp=([^ ]+):(\\d+) .*node=(\\S+)");

    private final Process process;
    private final Lines out;
    private final Lines err;
    final int tcpPort;
    final int udpPort;
    final String node;

    private ServerProcess(Process process, Lines out, Lines err, Matcher ready) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.tcpPort = Integer.parseInt(ready.group(2));
        this.udpPort = Integer.parseInt(ready.group(4));
        this.node = ready.group(5);
    }

    static ServerProcess start(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--no-announce"));
        args.addAll(List.of(extra));
        return startWith(args);
    }

    /** A server that announces itself on loopback (its --host is 127.0.0.1) to the multicast group. */
    static ServerProcess startAnnouncing(String... extra) throws IOException {
        return startWith(List.of(extra));
    }

    private static ServerProcess startWith(List<String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Jars.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true", "-jar", Jars.server().toString(),
                "--host", "127.0.0.1", "--tcp-port", "0", "--udp-port", "0", "--http-port", "0"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        Lines out = new Lines(p.getInputStream(), "server-out");
        Lines err = new Lines(p.getErrorStream(), "server-err");
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> out.any(l -> l.startsWith("READY")) || !p.isAlive());
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        String line = out.all().stream().filter(l -> l.startsWith("READY")).findFirst().orElse(null);
        if (line == null) {
            fail("server did not start: " + err.joined());
        }
        Matcher m = READY.matcher(line);
        if (!m.find()) {
            p.destroyForcibly();
            fail("unexpected READY line: " + line);
        }
        return new ServerProcess(p, out, err, m);
    }

    String stderr() {
        return err.joined();
    }

    /** SIGKILL: the server vanishes without a word, as after a crash or {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
