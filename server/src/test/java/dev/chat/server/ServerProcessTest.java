package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ServerMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server as a real process: READY line, exit codes, graceful SIGTERM. */
@Timeout(180)
class ServerProcessTest {
    static final Pattern READY = Pattern.compile(
            "READY tcp=(\\S+):(\\d+) udp=(\\S+):(\\d+) http=(\\S+):(\\d+) node=(\\S+)");

    private static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true",
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CHAT_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String stderrOf(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void assertUsageError(Process p, String mentions) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = stderrOf(p);
        assertThat(p.exitValue()).as(err).isEqualTo(2);
        List<String> lines = err.lines().toList();
        assertThat(lines).hasSizeBetween(1, 2);
        assertThat(lines.get(0)).startsWith("chat server: ").contains(mentions);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void badOptionsExitTwoWithOneLine() throws Exception {
        assertUsageError(start(Map.of(), "--tcp-port", "abc"), "--tcp-port");
        assertUsageError(start(Map.of(), "--bogus"), "--bogus");
        assertUsageError(start(Map.of(), "--heartbeat", "5 minutes"), "duration");
        assertUsageError(start(Map.of(), "--tcp-port", "70000"), "tcp port");
        assertUsageError(start(Map.of("CHAT_UDP_PORT", "x"), "--tcp-port", "0"), "--udp-port");
    }

    @Test
    void aPortInUseIsOneLineAndExitOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Process p = start(Map.of(), "--host", "127.0.0.1", "--tcp-port", String.valueOf(taken.getLocalPort()),
                    "--udp-port", "0", "--http-port", "0");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = stderrOf(p);
            assertThat(p.exitValue()).as(err).isEqualTo(1);
            assertThat(err.lines().filter(l -> l.startsWith("chat server:")).toList()).hasSize(1);
            assertThat(err).doesNotContain("\tat ");
        }
    }

    @Test
    void sigtermSaysByeToEveryClientAndExitsZero() throws Exception {
        Process p = start(Map.of("CHAT_NAME", "envname", "CHAT_HOST", "127.0.0.1"),
                "--tcp-port", "0", "--udp-port", "0", "--http-port", "0");
        Path log = Files.createTempFile("server", ".err");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Thread drain = new Thread(() -> {
                try {
                    Files.copy(p.getErrorStream(), log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            String ready = out.readLine();
            assertThat(ready).as("stdout's first line").isNotNull();
            Matcher m = READY.matcher(ready);
            assertThat(m.matches()).as(ready).isTrue();
            assertThat(m.group(1)).isEqualTo("127.0.0.1");
            int port = Integer.parseInt(m.group(2));
            try (ChatClient a = ChatClient.connect(port);
                 ChatClient b = ChatClient.registered(port, "bob")) {
                a.send(new dev.chat.protocol.ClientMessage.Hello(1L, "alice"));
                ServerMessage.Welcome w = (ServerMessage.Welcome) a.next();
                assertThat(w.server()).isEqualTo("envname");
                assertThat(w.node()).isEqualTo(m.group(7));
                long t0 = System.nanoTime();
                p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of the pipes)
                for (ChatClient c : List.of(a, b)) {
                    ServerMessage.Bye bye = c.nextOf(ServerMessage.Bye.class);
                    assertThat(bye.reason()).isNotBlank();
                    assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
                }
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of SIGTERM").isTrue();
                assertThat(p.exitValue()).isZero();
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(10);
            }
            assertThat(out.readLine()).as("stdout carries only the READY line").isNull();
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
