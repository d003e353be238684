package dev.chat.tools;

import dev.chat.tools.impair.ImpairCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code chat-tools.jar}: the tools shipped with the product, one picocli subcommand each
 * ({@code ./chat impair ...} runs {@code java -jar chat-tools.jar impair ...}). Exit codes: 2 with one
 * line on stderr for bad options, 1 with one line for a failure; never a stack trace.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, version = "chat tools 0.1.0",
        description = "Tools for the chat system.",
        subcommands = {
            ImpairCommand.class,
        })
public final class ToolsMain implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: one-line errors, exit 2 for usage, 1 for failures. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ToolsMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage())
                    + " (see --help)");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, command, parseResult) -> {
            PrintWriter err = command.getErr();
            err.println(command.getCommandSpec().qualifiedName() + ": " + oneLine(String.valueOf(ex.getMessage())));
            err.flush();
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: " + String.join(", ", spec.subcommands().keySet()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
