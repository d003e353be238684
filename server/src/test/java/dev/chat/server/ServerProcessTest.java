package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.IrcClient;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server as a real process: READY line, exit codes, graceful SIGTERM. */
@Timeout(180)
class ServerProcessTest {
    static final Pattern READY = Pattern.compile(
            "READY tcp=(\\S+):(\\d+) udp=(\\S+):(\\d+) http=(\\S+):(\\d+) node=(\\S+)(?: \\S+=\\S+)*");

    /** Each started server gets a data directory of its own in here. */
    @org.junit.jupiter.api.io.TempDir
    static Path dataDirs;

    private static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true",
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CHAT_"));
        pb.environment().put("CHAT_DATA_DIR", Files.createTempDirectory(dataDirs, "data").toString());
        pb.environment().put("CHAT_TLS_PORT", "off"); // 7443, the default, would collide between test servers
        pb.environment().put("CHAT_IRC_PORT", "0"); // not the default 6667: test servers run side by side
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
        List<String> ours = lines.stream().filter(l -> l.startsWith("chat server: ")).toList();
        assertThat(ours).as(err).hasSize(1);
        assertThat(ours.get(0)).contains(mentions);
        assertThat(lines.stream().filter(l -> !l.startsWith("Try ") && !l.contains(" INFO ")).toList())
                .as("besides the logs of a start that got this far: one line, and maybe one pointing to --help")
                .containsExactlyElementsOf(ours);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void badOptionsExitTwoWithOneLine() throws Exception {
        assertUsageError(start(Map.of(), "--tcp-port", "abc"), "--tcp-port");
        assertUsageError(start(Map.of(), "--bogus"), "--bogus");
        assertUsageError(start(Map.of(), "--heartbeat", "5 minutes"), "duration");
        assertUsageError(start(Map.of(), "--tcp-port", "70000"), "--tcp-port");
        assertUsageError(start(Map.of(), "--log-level", "loud"), "--log-level");
        assertUsageError(start(Map.of(), "--request-timeout", "50ms"), "--request-timeout");
        assertUsageError(start(Map.of("CHAT_UDP_PORT", "x"), "--tcp-port", "0"), "--udp-port");
        assertUsageError(start(Map.of(), "--irc-port", "ircd"), "--irc-port");
        assertUsageError(start(Map.of(), "--irc-port", "70000"), "--irc-port");
        assertUsageError(start(Map.of("CHAT_IRC_PORT", "on"), "--tcp-port", "0"), "--irc-port");
    }

    @Test
    void aPortInUseNamesTheOptionTheAddressAndThePortAndExitsTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertUsageError(start(Map.of(), "--host", "127.0.0.1", "--tcp-port", String.valueOf(port),
                    "--udp-port", "0", "--http-port", "0"), "--tcp-port " + port + " (127.0.0.1:" + port + ") is in use");
            assertUsageError(start(Map.of(), "--host", "127.0.0.1", "--tcp-port", "0",
                    "--udp-port", "0", "--http-port", String.valueOf(port)), "--http-port " + port + " (127.0.0.1:" + port + ") is in use");
            assertUsageError(start(Map.of(), "--host", "127.0.0.1", "--tcp-port", "0", "--udp-port", "0",
                    "--http-port", "0", "--irc-port", String.valueOf(port)), "--irc-port " + port + " (127.0.0.1:" + port + ") is in use");
        }
    }

    /**
     * One client's visit (connect, hello, join, close) at the given log level, then SIGTERM: what
     * the server wrote on stderr.
     */
    private static String logOfOneVisit(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--tcp-port", "0", "--udp-port", "0",
                "--http-port", "0"));
        all.addAll(List.of(args));
        Process p = start(env, all.toArray(String[]::new));
        Path log = Files.createTempFile(dataDirs, "server", ".err");
        try {
            Thread drain = new Thread(() -> {
                try {
                    Files.copy(p.getErrorStream(), log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            String ready = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Matcher m = READY.matcher(String.valueOf(ready));
            assertThat(m.matches()).as(ready + "\n" + Files.readString(log)).isTrue();
            int port = Integer.parseInt(m.group(2));
            try (ChatClient visitor = ChatClient.registered(port, "visitor")) {
                visitor.request(id -> new dev.chat.protocol.ClientMessage.Join(id, "hall"));
            }
            p.toHandle().destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            drain.join(10_000);
            return Files.readString(log);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void connectionsAreLoggedAtDebugOnlyAndTheLevelIsAnOptionOrTheEnvironment() throws Exception {
        String info = logOfOneVisit(Map.of());
        assertThat(info).as("INFO: nothing per connection").contains(" INFO ChatServer - ")
                .doesNotContain("open #").doesNotContain("hello #").doesNotContain("close #").doesNotContain(" DEBUG ");

        String debug = logOfOneVisit(Map.of("CHAT_LOG_LEVEL", "debug"));
        assertThat(debug).as("CHAT_LOG_LEVEL=debug: each connection's open, hello and close")
                .containsPattern("DEBUG ChatLoop - open #\\d+ \\(tcp /?127\\.0\\.0\\.1:\\d+\\)")
                .containsPattern("DEBUG Commands - hello #\\d+ visitor ")
                .containsPattern("DEBUG ChatLoop - close #\\d+ visitor ");

        String warn = logOfOneVisit(Map.of("CHAT_LOG_LEVEL", "debug"), "--log-level", "WARN");
        assertThat(warn).as("--log-level wins over CHAT_LOG_LEVEL").doesNotContain(" INFO ").doesNotContain(" DEBUG ");
    }

    @Test
    void sigtermSaysByeToEveryClientAndExitsZero() throws Exception {
        Process p = start(Map.of("CHAT_NAME", "envname", "CHAT_HOST", "127.0.0.1"),
                "--tcp-port", "0", "--udp-port", "0", "--http-port", "0", "--rate-limit", "0", "--tcp-instances", "2");
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
            Matcher irc = Pattern.compile(" irc=127\\.0\\.0\\.1:(\\d+)").matcher(ready);
            assertThat(irc.find()).as("the IRC port in " + ready).isTrue();
            List<ChatClient> idle = new ArrayList<>();
            // clients that keep connecting while the server stops: accepted ones get bye, the rest a refusal
            AtomicBoolean churning = new AtomicBoolean(true);
            Thread churn = new Thread(() -> {
                while (churning.get()) {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        s.getInputStream().read();
                    } catch (IOException refusedOrReset) {
                        // the server is going away
                    }
                }
            }, "churn");
            churn.setDaemon(true);
            try (ChatClient a = ChatClient.connect(port);
                 ChatClient b = ChatClient.registered(port, "bob");
                 IrcClient ircUser = IrcClient.registered(Integer.parseInt(irc.group(1)), "carol")) {
                for (int i = 0; i < 20; i++) {
                    ChatClient c = ChatClient.registered(port, "idle" + i);
                    idle.add(c);
                    c.request(id -> new dev.chat.protocol.ClientMessage.Join(id, "busy"));
                }
                // a room in full flow when the signal comes: deliveries and requests in flight
                // between the loops and the hub while they stop
                ChatClient talker = ChatClient.registered(port, "talker");
                idle.add(talker);
                talker.request(id -> new dev.chat.protocol.ClientMessage.Join(id, "busy"));
                Thread talk = new Thread(() -> {
                    try {
                        // at most ~300 KB to each member that does not read until bye (the backlog limit is 1 MiB)
                        for (long i = 0; churning.get() && i < 3000; i++) {
                            talker.send(new dev.chat.protocol.ClientMessage.Say(talker.newId(), "busy", "line " + i, false));
                        }
                    } catch (IOException closed) {
                        // the server said bye and closed
                    }
                }, "talk");
                talk.setDaemon(true);
                a.send(new dev.chat.protocol.ClientMessage.Hello(1L, "alice"));
                ServerMessage.Welcome w = (ServerMessage.Welcome) a.next();
                assertThat(w.server()).isEqualTo("envname");
                assertThat(w.node()).isEqualTo(m.group(7));
                churn.start();
                talk.start();
                long t0 = System.nanoTime();
                p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of the pipes)
                for (ChatClient c : List.of(a, b)) {
                    ServerMessage.Bye bye = c.nextOf(ServerMessage.Bye.class);
                    assertThat(bye.reason()).isNotBlank();
                    assertThat(c.awaitClose(ChatClient.TIMEOUT)).isTrue();
                }
                for (ChatClient c : idle) {
                    if (c != talker) {
                        assertThat(c.nextOf(ServerMessage.Bye.class).reason()).isEqualTo("server shutting down");
                    }
                }
                assertThat(ircUser.awaitLine(l -> l.startsWith("ERROR ")))
                        .isEqualTo("ERROR :Closing link: server shutting down");
                assertThat(ircUser.awaitClose()).isTrue();
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of SIGTERM").isTrue();
                assertThat(p.exitValue()).isZero();
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(10);
            } finally {
                churning.set(false);
                for (ChatClient c : idle) {
                    c.close();
                }
            }
            assertThat(out.readLine()).as("stdout carries only the READY line").isNull();
            drain.join(10_000);
            String err = Files.readString(log);
            assertThat(err).as("a quiet stop: no stack trace, no warning").doesNotContain("\tat ")
                    .doesNotContain("Failed to register").doesNotContain("WARN").doesNotContain("ERROR");
            assertThat(err).contains("chat server: listening on 127.0.0.1 (that interface only): tcp " + port);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
