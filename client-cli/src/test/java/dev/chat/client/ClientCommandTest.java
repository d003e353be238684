package dev.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Options and exit codes, through picocli's {@code execute()} as {@code ./chat client} runs them. */
class ClientCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--bogus                              | Unknown option: '--bogus'",
        "--port                               | Missing required parameter for option '--port'",
        "--port abc                           | 'abc' is not an int",
        "--port 0                             | --port must be 1 to 65535, not 0",
        "--port 70000                         | --port must be 1 to 65535, not 70000",
        "--udp-port -1                        | --udp-port must be 1 to 65535",
        "--server nocolon                     | 'nocolon' is not host:port",
        "--server h:1 --host x                | use either --server or --host/--port, not both",
        "--server h:1 --port 9                | use either --server or --host/--port, not both",
        "--discover --server h:1              | --discover finds the server itself",
        "--list                               | --list only works with --discover",
        "--nick bad!nick                      | invalid nick 'bad!nick'",
        "--nick 123456789012345678901234567890123 | invalid nick",
        "--room has/slash                     | invalid room 'has/slash'",
        "--room #                             | invalid room '#'",
        "--send ''                            | --send needs a non-empty TEXT",
        "--send hi --follow                   | --send and --follow do not go together",
        "--discover-timeout soon              | 'soon' is not a duration",
        "--discover-timeout 0s                | --discover-timeout must be above 0",
        "--beacon-interval 5ms                | --beacon-interval must be 0s (off) or at least 100ms",
        "--discover --list --discover-interface nosuchif0 --discover-timeout 100ms | no network interface named 'nosuchif0'",
        "extra                                | Unmatched argument at index 0: 'extra'",
    })
    void badOptionsExitTwoWithOneLineNamingTheProblem(String args, String expected) {
        CliRun r = CliRun.of(split(args));
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().get(0)).startsWith("chat client: ").contains(expected);
        assertThat(r.errLines().get(1)).isEqualTo("Try './chat client --help' for more information.");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void helpListsTheOptionsOnStdoutAndExitsZero() {
        CliRun r = CliRun.of("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--server=HOST:PORT", "--nick=NICK", "--room=ROOM", "--discover", "--send=TEXT",
                "--json", "--trace", "--follow", "Exit codes: 0 ok, 1 error from the server, 2 usage, 3 could not connect");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void sendRefusesTextPipedToStdinInsteadOfDroppingIt() {
        CliRun r = CliRun.withInput("piped text\n", "--send", "x", "--nick", "x", "--port", "1");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().get(0)).isEqualTo("chat client: --send sends TEXT only, but stdin has data too:"
                + " pipe the text or use --send, not both");
    }

    /**
     * {@code --help} fits 80 columns and wraps its sentences at word boundaries: each line of a
     * paragraph is as full as it can be (the next word would not fit), never cut where a source
     * line happened to end, and never inside a path.
     */
    @Test
    void helpFitsEightyColumnsAndWrapsAtWords() {
        String help = CliRun.of("--help").out();
        List<String> lines = help.lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        int start = lines.indexOf("The terminal client of the LAN chat.");
        assertThat(start).isPositive();
        for (int i = start + 1; !lines.get(i + 1).isBlank() && !lines.get(i + 1).startsWith("Exit codes"); i++) {
            String next = lines.get(i + 1);
            String firstWord = next.strip().split(" ")[0];
            assertThat(lines.get(i).length() + 1 + firstWord.length()).as("'%s' could take '%s'", lines.get(i), firstWord)
                    .isGreaterThan(80);
        }
        assertThat(help).doesNotContain("~/. ").contains("Exit codes: 0 ok, 1 error from the server, 2 usage, 3 could"
                + " not").contains("--log-dir=DIR").contains("--no-bell");
        assertThat(optionText(lines, "--history-file")).isEqualTo(
                "Interactive input history (default: .chat_history in your home directory).");
        // no word broken across lines (picocli breaks after a colon: HOST:PORT, URLs)
        picocli.CommandLine unlimited = ClientMain.commandLine(new java.io.ByteArrayInputStream(new byte[0]), System.out,
                System.err, false);
        unlimited.getCommandSpec().usageMessage().width(10_000);
        java.util.Set<String> words = new java.util.HashSet<>(java.util.List.of(unlimited.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF)
                .split("\\s+")));
        assertThat(help.split("\\s+")).allSatisfy(w -> assertThat(words).as("'%s' is a whole word", w).contains(w));
    }

    /** An option's description, its continuation lines joined. */
    private static String optionText(List<String> lines, String option) {
        int i = 0;
        while (!lines.get(i).strip().startsWith(option)) {
            i++;
        }
        StringBuilder b = new StringBuilder(lines.get(i).strip().replaceFirst("^\\S+\\s*", ""));
        while (lines.get(i + 1).startsWith("                             ")) {
            b.append(b.isEmpty() ? "" : " ").append(lines.get(++i).strip());
        }
        return b.toString();
    }

    @Test
    void versionExitsZero() {
        CliRun r = CliRun.of("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("chat client ");
    }

    @Test
    void nothingListeningExitsThreeNamingTheAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } // closed: connecting is refused
        CliRun r = CliRun.of("--port", String.valueOf(port), "--nick", "x", "--send", "hi", "--beacon-interval", "0s");
        assertThat(r.code()).isEqualTo(ExitCode.CONNECT);
        assertThat(r.err()).contains("could not connect").contains("127.0.0.1:" + port).contains("connection refused");
        assertThat(r.errLines()).hasSize(1);
    }

    @Test
    void everyServerIsTriedBeforeGivingUp() throws IOException {
        int a;
        int b;
        try (ServerSocket s1 = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ServerSocket s2 = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            a = s1.getLocalPort();
            b = s2.getLocalPort();
        }
        CliRun r = CliRun.withInput("hello\n", "--server", "127.0.0.1:" + a, "--server", "127.0.0.1:" + b,
                "--nick", "x", "--beacon-interval", "0s");
        assertThat(r.code()).isEqualTo(ExitCode.CONNECT);
        assertThat(r.err()).contains("127.0.0.1:" + a + ": connection refused")
                .contains("127.0.0.1:" + b + ": connection refused");
    }

    private static String[] split(String args) {
        // '' stands for an empty argument
        return java.util.Arrays.stream(args.trim().split("\\s+")).map(s -> s.equals("''") ? "" : s)
                .toArray(String[]::new);
    }
}
