package dev.chat.tools.impair;

import dev.chat.protocol.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.tools.ToolsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line: values, defaults and every refusal (exit 2, one line on stderr). */
class ImpairOptionsTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = ToolsMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** One line naming the problem, optionally followed by one pointing to --help (docs/IMPAIR.md). */
    static void assertOneLineUsageError(Run r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().strip().lines().toList();
        assertThat(lines.get(0)).startsWith("chat impair: ").contains(expected);
        assertThat(lines).hasSizeLessThanOrEqualTo(2);
        if (lines.size() == 2) {
            assertThat(lines.get(1)).contains("--help");
        }
        assertThat(r.err()).doesNotContain("\tat ", "Exception");
        assertThat(r.out()).isEmpty();
    }

    static String[] impair(String... options) {
        List<String> a = new ArrayList<>(List.of("impair", "--listen", "127.0.0.1:0", "--forward", "127.0.0.1:7421"));
        a.addAll(List.of(options));
        return a.toArray(String[]::new);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--tcp --loss 0.1                 | --loss cannot apply to --tcp",
        "--tcp --duplicate 0.1 --reorder 1% | --duplicate, --reorder cannot apply to --tcp",
        "--tcp --no-reorder-by-jitter     | --no-reorder-by-jitter cannot apply to --tcp",
        "--udp --tcp                      | mutually exclusive",
        "--chunk 100                      | --chunk applies to --tcp only",
        "--loss 1.5                       | not a probability",
        "--loss 120%                      | not a probability",
        "--loss abc                       | not a probability",
        "--burst 4                        | it needs a --loss",
        "--burst 0.5 --loss 0.1           | at least 1",
        "--burst 1 --loss 0.7             | B/(B+1)",
        "--delay 5                        | not a duration",
        "--delay -5ms                     | not a duration",
        "--jitter 11m                     | at most 10m",
        "--distribution cauchy            | 'cauchy' is not a distribution",
        "--rate 0                         | too slow",
        "--rate 10mb                      | not a rate",
        "--queue 1k                       | at least 64k",
        "--max-flows 0                    | --max-flows must lie between",
        "--seed x                         | x",
        "--bogus                          | --bogus",
    })
    void badOptionsExit2WithOneLine(String options, String expected) {
        assertOneLineUsageError(run(impair(options.trim().split("\\s+"))), expected);
    }

    @Test
    void aRelayToItselfIsRefused() {
        assertOneLineUsageError(run("impair", "--listen", "127.0.0.1:7521", "--forward", "127.0.0.1:7521"), "relay to itself");
        assertOneLineUsageError(run("impair", "--listen", "0.0.0.0:7521", "--forward", "127.0.0.1:7521"), "relay to itself");
    }

    @Test
    void aWildcardListenerMayForwardToTheSamePortOnAnotherHost() {
        // the relay host in front of a server host on a LAN: same port, another machine (not started)
        assertThat(ImpairCommand.config("--listen", "0.0.0.0:7421", "--forward", "192.0.2.10:7421", "--allow-remote")
                .forward().getPort()).isEqualTo(7421);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8:53", "192.168.1.1:7421", "10.0.0.1:7421"})
    void aRemoteForwardTargetNeedsAllowRemote(String target) {
        assertOneLineUsageError(run("impair", "--listen", "127.0.0.1:0", "--forward", target), "not a loopback address; add --allow-remote");
        // accepted (not started) with the flag
        assertThat(ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", target, "--allow-remote").forward().getPort())
                .isPositive();
    }

    @Test
    void missingAddressesAreNamed() {
        assertOneLineUsageError(run("impair", "--listen", "127.0.0.1:0"), "--forward");
        assertOneLineUsageError(run("impair", "--listen", "127.0.0.1", "--forward", "127.0.0.1:1"), "not host:port");
        assertOneLineUsageError(run("impair", "--listen", "127.0.0.1:70000", "--forward", "127.0.0.1:1"), "0 to 65535");
        assertOneLineUsageError(run("impair", "--listen", "127.0.0.1:0", "--forward", "[::1:1"), "[::1:1");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("chat: ");
        assertThat(run("nonsense").code()).isEqualTo(2);
    }

    @Test
    void helpSaysWhatItDoesAndExitsZero() {
        Run r = run("impair", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--allow-remote", "loopback", "Gilbert-Elliott", "pareto", "--no-reorder-by-jitter",
                "--one-way", "READY");
    }

    @Test
    void valuesAndDefaults() {
        ImpairConfig c = ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", "localhost:7421", "--loss", "20%",
                "--burst", "3", "--delay", "30ms", "--jitter", "2s", "--distribution", "PARETO", "--rate", "8mbit",
                "--reorder", "0.05", "--duplicate", ".01", "--seed", "-4", "--report", "2m");
        assertThat(c.transport()).isEqualTo(ImpairConfig.Transport.UDP);
        assertThat(c.forward().getAddress().isLoopbackAddress()).isTrue();
        assertThat(c.loss()).isEqualTo(0.2);
        assertThat(c.burst()).isEqualTo(3);
        assertThat(c.delay()).isEqualTo(Duration.ofMillis(30));
        assertThat(c.jitter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.distribution()).isEqualTo(Distribution.PARETO);
        assertThat(c.rate()).isEqualTo(1_000_000);
        assertThat(c.reorder()).isEqualTo(0.05);
        assertThat(c.duplicate()).isEqualTo(0.01);
        assertThat(c.seed()).isEqualTo(-4);
        assertThat(c.report()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.reorderByJitter()).isTrue();

        ImpairConfig d = ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", "127.0.0.1:7421");
        assertThat(d.loss()).isZero();
        assertThat(d.delay()).isZero();
        assertThat(d.rate()).isZero();
        assertThat(d.report()).isZero();
        assertThat(d.maxFlows()).isEqualTo(ImpairConfig.DEFAULT_MAX_FLOWS);
        assertThat(d.queueBytes()).isEqualTo(ImpairConfig.DEFAULT_QUEUE_BYTES);
        assertThat(d.describe(d.listen())).contains("loss=0%", "seed=" + d.seed(), "replies impaired too");
    }

    @Test
    void quantities() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Quantities.rate("125k")).isEqualTo(125_000);
        assertThat(Quantities.rate("1m/s")).isEqualTo(1_000_000);
        assertThat(Quantities.rate("100kbit")).isEqualTo(12_500);
        assertThat(Quantities.size("64k")).isEqualTo(65_536);
        assertThat(Quantities.probability("12.5%")).isEqualTo(0.125);
        assertThatThrownBy(() -> Quantities.rate("0.5")).hasMessageContaining("too slow");
        assertThatThrownBy(() -> Quantities.probability("-0.1")).hasMessageContaining("not a probability");
    }
}
