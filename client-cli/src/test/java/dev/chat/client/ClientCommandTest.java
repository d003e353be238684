package dev.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
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
