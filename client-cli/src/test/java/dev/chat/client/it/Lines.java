package dev.chat.client.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects the lines of a process's output stream on a thread of its own. */
final class Lines {
    private final List<String> lines = new ArrayList<>();

    Lines(InputStream stream, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    List<String> all() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    long count(Predicate<String> p) {
        return all().stream().filter(p).count();
    }

    boolean any(Predicate<String> p) {
        return all().stream().anyMatch(p);
    }

    String joined() {
        return String.join("\n", all());
    }
}
