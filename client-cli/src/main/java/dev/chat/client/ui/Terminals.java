package dev.chat.client.ui;

import java.io.IOException;
import java.lang.reflect.Method;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Whether the standard streams are terminals. Asks isatty(3) through JLine's native provider;
 * without it, falls back to {@link System#console()} (which on JDK 22+ needs
 * {@code Console.isTerminal()} to mean the same).
 */
public final class Terminals {

    private Terminals() {
    }

    /** Whether stdin is a terminal: the client is interactive then. */
    public static boolean stdinIsTerminal() {
        return isTerminal(SystemStream.Input);
    }

    /** Whether stderr is a terminal (then trace lines go above the prompt instead). */
    public static boolean stderrIsTerminal() {
        return isTerminal(SystemStream.Error);
    }

    private static boolean isTerminal(SystemStream stream) {
        try {
            return TerminalProvider.load("jni").isSystemStream(stream);
        } catch (IOException | RuntimeException | LinkageError e) {
            return consoleFallback();
        }
    }

    private static boolean consoleFallback() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 a console exists only for a terminal
        }
    }
}
