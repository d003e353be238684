package dev.chat.client;

import dev.chat.client.ui.Terminals;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of {@code ./chat client}: see {@link ClientCommand} for the options. */
public final class ClientMain {

    private ClientMain() {
    }

    public static void main(String[] args) {
        // UTF-8 whatever the locale says: chat text is Unicode, and a C locale would print '?'.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, System.in, out, err, Terminals.stdinIsTerminal());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Parses {@code args} and runs the client; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        return commandLine(in, out, err, terminal).execute(args);
    }

    /**
     * The configured picocli command line. Usage errors print one line naming the problem and
     * one pointing to {@code --help} on stderr and give {@link ExitCode#USAGE}; an unexpected
     * failure prints one line, never a stack trace.
     */
    public static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        CommandLine cl = new CommandLine(new ClientCommand(in, out, err, terminal));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println("chat client: " + firstLine(ex.getMessage()));
            err.println("Try './chat client --help' for more information.");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("chat client: unexpected failure: " + firstLine(String.valueOf(ex)));
            return ExitCode.SERVER_ERROR;
        });
        return cl;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
