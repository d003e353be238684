package dev.chat.tools;

import dev.chat.tools.bench.BenchCommand;
import dev.chat.tools.impair.ImpairCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code chat-tools.jar}: {@code ./chat bench ...} and {@code ./chat impair ...}
 * run {@code java -jar chat-tools.jar bench|impair ...}. Exit codes: 0 ok, 1 failure, 2 usage, 3 could not connect.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, version = "chat tools 0.1.0",
        description = "Tools shipped with the chat: the load generator (bench) and the network impairment relay (impair).",
        subcommands = {BenchCommand.class, ImpairCommand.class})
public final class ToolsMain implements Runnable {

    /** Exit code for bad options. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The load generator reads millions of small frames per second through Netty: no leak
        // sampling (with stack traces) and no bounds re-checks of its own well-bounded reads, and
        // the pooled allocator (4.2's default adaptive one costs more per buffer). Set before any
        // Netty class loads; a -D on the command line wins.
        setDefault("io.netty.leakDetection.level", "disabled");
        setDefault("io.netty.buffer.checkBounds", "false");
        setDefault("io.netty.buffer.checkAccessible", "false");
        setDefault("io.netty.allocator.type", "pooled");
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line: a bad option is one line on stderr (plus a pointer to
     * {@code --help}) and exit 2; an unexpected failure is one line and exit 1, never a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ToolsMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine sub = ex.getCommandLine();
            PrintWriter err = sub.getErr();
            err.println(sub.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage()));
            err.println("Try '" + sub.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, sub, parsed) -> {
            PrintWriter err = sub.getErr();
            err.println(sub.getCommandSpec().qualifiedName() + ": " + oneLine(String.valueOf(ex.getMessage())));
            err.flush();
            return 1;
        });
        return cl;
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: " + String.join(", ", spec.subcommands().keySet()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
