package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Script mode and {@code --send} of the real client jar against the real server jar. */
@Timeout(180)
class ScriptModeIT {
    private static ServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        // No rate limit here: these tests are about order and acknowledgements.
        server = ServerProcess.start("--rate-limit", "0");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String[] args(String nick, String room, String... more) {
        List<String> a = new ArrayList<>(List.of("--port", String.valueOf(server.tcpPort), "--udp-port",
                String.valueOf(server.udpPort), "--nick", nick, "--room", room));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void twoScriptsTalkThroughStdinAndStdout() throws Exception {
        try (ClientProcess alice = ClientProcess.startReady(args("alice", "talk", "--follow"));
             ClientProcess bob = ClientProcess.startReady(args("bob", "talk", "--follow"))) {
            alice.writeLine("hi bob");
            bob.awaitOutLine("#talk <alice> hi bob");
            bob.writeLine("hello alice, 日本語 too");
            alice.awaitOutLine("#talk <bob> hello alice, 日本語 too");

            // --follow: stdin ends, the client keeps printing what arrives
            alice.closeStdin();
            bob.writeLine("still there?");
            alice.awaitOutLine("#talk <bob> still there?");
            assertThat(alice.isAlive()).isTrue();

            // own messages are not printed back to the script that sent them
            assertThat(alice.out.all()).containsExactly("#talk <bob> hello alice, 日本語 too",
                    "#talk <bob> still there?");
            assertThat(alice.terminate()).as("exit code on SIGTERM: 128 + 15").isEqualTo(143);
            // SIGTERM: the client said quit, so the server told the others at once
            bob.awaitErr(l -> l.contains("\"type\":\"member\"") && l.contains("\"nick\":\"alice\"")
                    && l.contains("\"event\":\"quit\""));
        }
    }

    @Test
    void sendExitsZeroOnceTheServerSaidOk() throws Exception {
        try (ClientProcess listener = ClientProcess.startReady(args("lis", "sendroom", "--follow", "--json"))) {
            ClientProcess sender = ClientProcess.start(args("snd", "sendroom", "--send", "one shot", "--trace"));
            assertThat(sender.waitFor()).isZero();
            // the ok for the say arrived before the client quit
            List<String> trace = sender.err.all();
            int say = indexOf(trace, l -> l.startsWith(">> tcp") && l.contains("\"type\":\"say\""));
            Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(trace.get(say));
            assertThat(id.find()).isTrue();
            int ok = indexOf(trace, l -> l.startsWith("<< tcp") && l.contains("{\"type\":\"ok\",\"id\":" + id.group(1) + "}"));
            int quit = indexOf(trace, l -> l.startsWith(">> tcp") && l.contains("\"type\":\"quit\""));
            assertThat(say).isLessThan(ok);
            assertThat(ok).isLessThan(quit);

            listener.awaitOut(l -> l.contains("\"text\":\"one shot\""));
            JsonNode m = new ObjectMapper().readTree(listener.out.all().stream()
                    .filter(l -> l.contains("one shot")).findFirst().orElseThrow());
            assertThat(m.get("type").asText()).isEqualTo("message");
            assertThat(m.get("room").asText()).isEqualTo("sendroom");
            assertThat(m.get("from").asText()).isEqualTo("snd");
            assertThat(m.get("seq").asLong()).isPositive();
            assertThat(m.get("ts").asLong()).isPositive();
            // --json shows member events too, one JSON object per line
            assertThat(listener.out.all()).anySatisfy(l -> assertThat(l).contains("\"type\":\"member\"")
                    .contains("\"nick\":\"snd\"").contains("\"event\":\"join\""));
            for (String line : listener.out.all()) {
                assertThat(new ObjectMapper().readTree(line).isObject()).isTrue();
            }
        }
    }

    @Test
    void sendWithTextPipedToStdinTooIsAUsageError() throws Exception {
        // echo text | ./chat client --send x: the piped text would be dropped; say so instead
        Process p = new ProcessBuilder("bash", "-c", "echo piped text | '" + Jars.java() + "' -jar '" + Jars.client()
                + "' --port " + server.tcpPort + " --nick piper --send x").start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(err).startsWith("chat client: --send sends TEXT only, but stdin has data too")
                .contains("Try './chat client --help'");
    }

    @Test
    void aKilledServerGivesAScriptConnectionNewsNotAStackTrace() throws Exception {
        ServerProcess doomed = ServerProcess.start();
        try (ClientProcess c = ClientProcess.startReady("--port", String.valueOf(doomed.tcpPort), "--udp-port",
                String.valueOf(doomed.udpPort), "--nick", "survivor", "--room", "r", "--follow",
                "--beacon-interval", "100ms")) {
            c.awaitErr(l -> l.startsWith(">> udp"));
            doomed.kill();
            c.awaitErr(l -> l.contains("connection to 127.0.0.1:" + doomed.tcpPort + " lost"));
            c.awaitErr(l -> l.contains("cannot reconnect"));
            assertThat(c.terminate()).isEqualTo(143);
            assertThat(c.err.all()).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
        } finally {
            doomed.close();
        }
    }

    /**
     * docs/CLIENT.md: without {@code --follow} a connection lost for 30 s ends the script with 3;
     * with {@code --follow} the client keeps trying past that, comes back when the server does,
     * and only SIGTERM (143) ends it.
     */
    @Test
    void aScriptGivesUpWithThreeAfter30sButFollowRetriesForever() throws Exception {
        try (TcpProxy proxy = new TcpProxy(server.tcpPort);
             ClientProcess script = ClientProcess.startReady("--port", String.valueOf(proxy.port()), "--nick", "quitter",
                     "--room", "outage", "--beacon-interval", "0s");
             ClientProcess bot = ClientProcess.startReady("--port", String.valueOf(proxy.port()), "--nick", "stayer",
                     "--room", "outage", "--follow", "--beacon-interval", "0s")) {
            proxy.refuse(true);
            proxy.sever();
            long lost = System.nanoTime();
            assertThat(script.waitFor()).as(script.err.joined()).isEqualTo(3);
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lost);
            assertThat(seconds).as("gave up after 30 s of outage, not before").isBetween(29L, 59L);
            assertThat(script.err.all()).anyMatch(l -> l.contains("giving up"));

            // the --follow bot is still trying, past the 30 s, and comes back with the server
            assertThat(bot.isAlive()).isTrue();
            proxy.refuse(false);
            bot.awaitErr(l -> l.contains("reconnected to"));
            try (ClientProcess peer = ClientProcess.startReady(args("peer", "outage"))) {
                peer.writeLine("welcome back");
                bot.awaitOutLine("#outage <peer> welcome back");
            }
            assertThat(bot.terminate()).isEqualTo(143);
        }
    }

    @Test
    void aNickTakenExitsOneWithTheServersReason() throws Exception {
        try (ClientProcess holder = ClientProcess.startReady(args("taken", "x", "--follow"))) {
            ClientProcess second = ClientProcess.start(args("TAKEN", "x", "--send", "hi"));
            assertThat(second.waitFor()).isEqualTo(1);
            assertThat(second.err.joined()).contains("nick_taken");
            assertThat(second.err.all()).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
        }
    }

    @Test
    void whenStdinEndsTheClientExitsOnlyAfterEveryLineIsAcknowledged() throws Exception {
        int n = 300;
        try (ClientProcess listener = ClientProcess.startReady(args("sink", "bulk", "--follow"))) {
            ClientProcess sender = ClientProcess.start(args("source", "bulk", "--trace"));
            for (int i = 1; i <= n; i++) {
                sender.writeLine("line " + i);
            }
            sender.closeStdin();
            assertThat(sender.waitFor()).isZero();
            List<String> trace = sender.err.all();
            long says = trace.stream().filter(l -> l.startsWith(">> tcp") && l.contains("\"type\":\"say\"")).count();
            assertThat(says).isEqualTo(n);
            assertThat(sender.framesIn("ok")).isEqualTo(n);
            int lastOk = lastIndexOf(trace, l -> l.startsWith("<< tcp") && l.contains("\"type\":\"ok\""));
            int quit = indexOf(trace, l -> l.startsWith(">> tcp") && l.contains("\"type\":\"quit\""));
            assertThat(lastOk).isLessThan(quit);

            listener.awaitOutLine("#bulk <source> line " + n);
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                expected.add("#bulk <source> line " + i);
            }
            assertThat(listener.out.all()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void longTextIsSplitIntoSeveralMessagesNotRefused() throws Exception {
        String text = "0123456789".repeat(900); // 9000 code points: three messages
        try (ClientProcess listener = ClientProcess.startReady(args("long-r", "long", "--follow", "--json"))) {
            ClientProcess sender = ClientProcess.start(args("long-s", "long", "--send", text));
            assertThat(sender.waitFor()).isZero();
            listener.awaitOut(l -> l.contains("\"text\":\"" + text.substring(8000)));
            ObjectMapper json = new ObjectMapper();
            StringBuilder joined = new StringBuilder();
            int messages = 0;
            for (String line : listener.out.all()) {
                JsonNode m = json.readTree(line);
                if (m.get("type").asText().equals("message")) {
                    messages++;
                    joined.append(m.get("text").asText());
                }
            }
            assertThat(messages).isEqualTo(3);
            assertThat(joined.toString()).isEqualTo(text);
        }
    }

    @Test
    void receivedControlCharactersCannotReachTheTerminal() throws Exception {
        try (ClientProcess listener = ClientProcess.startReady(args("safe-r", "safe", "--follow"))) {
            ClientProcess sender = ClientProcess.start(args("safe-s", "safe", "--send", "\u001b[2J\u001b]0;owned\u0007 hi"));
            assertThat(sender.waitFor()).isZero();
            listener.awaitOut(l -> l.startsWith("#safe <safe-s>"));
            assertThat(listener.out.all()).containsExactly("#safe <safe-s> ^[[2J^[]0;owned^G hi");
        }
    }

    @Test
    void traceShowsEveryFrameWithItsLengthHeader() throws Exception {
        ClientProcess c = ClientProcess.start(args("tracer", "tr", "--trace"));
        c.writeLine("traced é"); // é: the header counts bytes, not characters
        c.closeStdin();
        assertThat(c.waitFor()).isZero();
        Pattern line = Pattern.compile("(>>|<<) (tcp|udp) ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) "
                + "(\\{.*\\})( (to|from) \\S+)?");
        List<String> lines = c.err.all();
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as(l).isTrue();
            int header = Integer.parseInt(m.group(3) + m.group(4) + m.group(5) + m.group(6), 16);
            assertThat(header).as("header of " + l).isEqualTo(m.group(7).getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(lines.get(0)).startsWith(">> tcp").contains("{\"type\":\"hello\"");
        assertThat(lines.get(1)).startsWith("<< tcp").contains("{\"type\":\"welcome\"");
        assertThat(lines).anyMatch(l -> l.startsWith(">> tcp") && l.contains("\"text\":\"traced é\""));
        // presence beacons are frames too: to the server's UDP port
        assertThat(lines).anyMatch(l -> l.startsWith(">> udp") && l.contains("\"role\":\"client\"")
                && l.endsWith("to 127.0.0.1:" + server.udpPort));
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such line in:\n" + String.join("\n", lines));
    }

    private static int lastIndexOf(List<String> lines, java.util.function.Predicate<String> p) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such line in:\n" + String.join("\n", lines));
    }
}
