package dev.chat.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Exit codes and one-line messages for bad options and unreachable servers. */
class BenchUsageTest {

    private static void assertUsage(BenchRunner r, String expected) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        String[] lines = r.err().strip().split("\\R");
        assertThat(lines[0]).contains(expected);
        assertThat(lines.length).isLessThanOrEqualTo(2);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void needsAScenario() {
        assertUsage(BenchRunner.run("bench"), "missing scenario");
    }

    @Test
    void needsExactlyOneOfRateAndWindow() {
        assertUsage(BenchRunner.run("bench", "fanout", "--clients", "10", "--senders", "1", "--room-size", "10"),
                "--rate");
        assertUsage(BenchRunner.run("bench", "fanout", "--clients", "10", "--senders", "1", "--room-size", "10",
                "--rate", "10", "--window", "4"), "mutually exclusive");
    }

    @Test
    void roomSizeMustDivideTheClients() {
        assertUsage(BenchRunner.run("bench", "fanout", "--clients", "10", "--senders", "1", "--room-size", "3",
                "--rate", "10"), "--room-size");
    }

    @Test
    void boundsTheNumbers() {
        assertUsage(BenchRunner.run("bench", "fanout", "--clients", "100000", "--senders", "1", "--room-size", "10",
                "--rate", "10"), "--clients");
        assertUsage(BenchRunner.run("bench", "fanout", "--clients", "10", "--senders", "1", "--room-size", "10",
                "--rate", "10", "--duration", "2h"), "--duration");
        assertUsage(BenchRunner.run("bench", "idle", "--clients", "10", "--duration", "1s"), "--duration");
    }

    @Test
    void protocolOptionsAreChecked() {
        assertUsage(BenchRunner.run("bench", "idle", "--clients", "10", "--protocol", "xmpp"),
                "--protocol must be framed, irc or ws");
        assertUsage(BenchRunner.run("bench", "idle", "--clients", "10", "--irc-setup", "OPER a b"),
                "--irc-setup needs --protocol irc");
        assertUsage(BenchRunner.run("bench", "idle", "--clients", "10", "--protocol", "ws", "--ws-path", "ws"),
                "--ws-path must start with /");
        assertUsage(BenchRunner.run("bench", "idle", "--clients", "10", "--setup-in-flight", "0"),
                "--setup-in-flight must be 1..1024");
    }

    @Test
    void badDurationIsAUsageError() {
        assertUsage(BenchRunner.run("bench", "idle", "--clients", "10", "--hold", "soon"), "not a duration");
    }

    @Test
    void aServerThatDoesNotListenExitsThree() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        BenchRunner r = BenchRunner.run("bench", "idle", "--server", "127.0.0.1:" + port, "--clients", "3",
                "--prime", "0", "--setup-timeout", "20s");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("could not connect").contains("127.0.0.1:" + port);
        assertThat(r.out()).isEmpty();
    }
}
