package dev.chat.tools.bench;

import dev.chat.tools.ToolsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code chat bench ...} in-process as the jar would, capturing exit code, stdout and stderr. */
record BenchRunner(int exitCode, String out, String err) {

    static BenchRunner run(String... args) {
        CommandLine cl = ToolsMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new BenchRunner(code, out.toString(), err.toString());
    }
}
