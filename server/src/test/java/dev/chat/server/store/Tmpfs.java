package dev.chat.server.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test (a disk that fills up, or one that is read-only). Needs root;
 * without it the test is skipped with a message, except under {@code CI=true}, where it fails.
 */
final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs with {@code options} (e.g. {@code size=2m}, {@code ro}) on {@code dir}, created if needed. */
    static Tmpfs mount(Path dir, String options) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String out = run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
        if (out != null) {
            String why = "cannot mount a tmpfs (" + out.trim() + "): this test needs root";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return new Tmpfs(dir);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        String out;
        try {
            out = run(List.of("umount", dir.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + dir, e);
        }
        if (out != null) {
            throw new IOException("umount " + dir + ": " + out.trim());
        }
    }

    /** Runs a command; null if it succeeded, else what it printed. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return cmd + " did not finish";
        }
        return p.exitValue() == 0 ? null : out.isBlank() ? cmd + " exited " + p.exitValue() : out;
    }
}
