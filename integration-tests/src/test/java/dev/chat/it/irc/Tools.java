package dev.chat.it.irc;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Debian programs the IRC tests drive ({@code irssi}, {@code tmux}, {@code ngircd}): present,
 * or the test is skipped with the package to install; under {@code CI=true} (where {@code .ci/run}
 * installs them) a missing one is a failure.
 */
final class Tools {
    private Tools() {
    }

    /** Fails or skips unless every named program is on the PATH (or in /usr/sbin). */
    static void require(String... programs) {
        List<String> missing = new ArrayList<>();
        for (String p : programs) {
            if (find(p) == null) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the IRC tests need " + String.join(", ", missing) + " (Debian: apt-get install "
                + String.join(" ", missing) + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " [CI=true: a missing program is a failure]");
        }
        System.err.println("[chat-it] SKIPPED: " + message + " (under CI=true this fails)");
        Assumptions.abort(message + " (skipped; under CI=true this fails)");
    }

    /** The program's path, or {@code null}. */
    static String find(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin"));
        for (String dir : dirs) {
            File f = new File(dir, program);
            if (!dir.isEmpty() && f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
