package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chat.server.config.ServerConfig;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** One source of truth for defaults: what {@code --help} shows is what the builder and the command line use. */
class HelpDefaultsTest {

    @Test
    void theCommandLineWithoutOptionsBuildsTheBuildersDefaults() {
        assumeTrue(System.getenv().keySet().stream().noneMatch(k -> k.startsWith("CHAT_")), "CHAT_* variables are set");
        CommandLine cl = ServerMain.commandLine();
        cl.parseArgs();
        ServerMain main = cl.getCommand();
        ServerConfig parsed = main.toConfig();
        ServerConfig defaults = ServerConfig.builder().name(parsed.name()).build();
        assertThat(parsed).isEqualTo(defaults);
    }

    /**
     * {@code --help} fits 80 columns and breaks lines only between words: every word of the help
     * as printed is a word of the same help printed without a width limit (picocli would otherwise
     * break a URL or a HOST:PORT after its colon).
     */
    @Test
    void helpFitsEightyColumnsAndNeverBreaksAWord() {
        String help = ServerMain.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(help.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        CommandLine unlimited = ServerMain.commandLine();
        unlimited.getCommandSpec().usageMessage().width(10_000);
        java.util.Set<String> words = new java.util.HashSet<>(java.util.List.of(unlimited.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\s+")));
        assertThat(help.split("\\s+")).allSatisfy(w -> assertThat(words).as("'%s' is a whole word", w).contains(w));
        assertThat(help).contains("postgresql://user:password@host:port/db");
    }

    @Test
    void helpShowsEachDefaultTheOptionReallyHas() {
        assumeTrue(System.getenv().keySet().stream().noneMatch(k -> k.startsWith("CHAT_")), "CHAT_* variables are set");
        CommandLine cl = ServerMain.commandLine();
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        int shown = 0;
        for (OptionSpec o : cl.getCommandSpec().options()) {
            String dflt = o.defaultValue();
            if (dflt == null || !String.join(" ", o.description()).contains("(default: ")) {
                continue;
            }
            // in the list of options (not the synopsis, where "=<name>" or "=LABEL" is followed by "]")
            Matcher m = Pattern.compile(Pattern.quote(o.longestName()) + "=(?:<[^>]+>|[A-Z]+) (?!\\[)(.*?)\\(default: ([^)]*)\\)").matcher(help);
            assertThat(m.find()).as("help of %s shows a default", o.longestName()).isTrue();
            assertThat(m.group(2)).as("the default %s shows", o.longestName()).isEqualTo(dflt);
            shown++;
        }
        assertThat(shown).as("options with a default in their help").isGreaterThan(20);
        assertThat(help).contains("--tcp-port=<tcpPort> Chat clients (framed JSON); 0 = any free port, off = TLS only (default: "
                + ServerConfig.DEFAULT_TCP_PORT + ")");
        assertThat(help).contains("(default: " + ServerConfig.DEFAULT_REQUEST_TIMEOUT_TEXT + ")");
        assertThat(help).contains("(default: " + ServerConfig.DEFAULT_FRAME_TIMEOUT_TEXT + ")");
    }
}
