package dev.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code --help} of {@code chat-tools.jar} (impair, bench and each benchmark) fits 80
 * columns, like the server's and the client's, and breaks lines only between words.
 */
class ToolsHelpTest {

    private static CommandLine command(List<String> path) {
        CommandLine cl = ToolsMain.commandLine();
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl;
    }

    @Test
    void everyHelpFitsEightyColumnsAndNeverBreaksAWord() {
        for (List<String> path : List.of(List.<String>of(), List.of("impair"), List.of("bench"), List.of("bench", "fanout"),
                List.of("bench", "idle"), List.of("bench", "soak"))) {
            String help = command(path).getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(help.lines()).as("%s --help", path)
                    .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
            CommandLine unlimited = command(path);
            unlimited.getCommandSpec().usageMessage().width(10_000);
            Set<String> words = new HashSet<>(List.of(unlimited.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\s+")));
            for (String w : help.split("\\s+")) {
                assertThat(words).as("%s --help: '%s' is a whole word", path, w).contains(w);
            }
        }
    }
}
