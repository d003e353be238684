package dev.chat.tools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads a local server process's memory: resident set size from {@code /proc/PID/status}
 * ({@code VmRSS}), as it is or after asking the JVM for a full GC with {@code jcmd PID GC.run}; and the live
 * heap from {@code jcmd PID GC.class_histogram} (which collects first). Without jcmd (or for a
 * process that is not a JVM) the RSS is read without a GC and the heap is unknown.
 */
final class ServerMemory {
    private final long pid;
    private final Path status;
    private final String jcmd;
    private final boolean forceGc;
    private String gcProblem;

    /**
     * @param forceGc run a full GC (jcmd) before each reading and read the live heap; false: the
     *        RSS as it is
     * @throws IllegalArgumentException no such process
     */
    ServerMemory(long pid, boolean forceGc) {
        this.pid = pid;
        this.forceGc = forceGc;
        this.status = Path.of("/proc", Long.toString(pid), "status");
        if (pid <= 0 || !Files.isReadable(status)) {
            throw new IllegalArgumentException("no process " + pid + " to read the memory of");
        }
        Path bundled = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        this.jcmd = Files.isExecutable(bundled) ? bundled.toString() : "jcmd";
    }

    /** One reading: GC, then RSS, then live heap (-1 where unknown). */
    Reading read() {
        if (!forceGc) {
            return new Reading(rss(), -1, false);
        }
        boolean gc = run("GC.run") != null;
        long rss = rss();
        long heap = -1;
        String histogram = run("GC.class_histogram");
        if (histogram != null) {
            heap = totalBytes(histogram);
        }
        return new Reading(rss, heap, gc);
    }

    /** How the GC went: null if jcmd worked, else why not. */
    String gcProblem() {
        return gcProblem;
    }

    long rss() {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new BenchFailure(BenchFailure.FAILED, "cannot read " + status + ": " + e.getMessage());
        }
        throw new BenchFailure(BenchFailure.FAILED, status + " has no VmRSS line");
    }

    /** Runs a jcmd command against the process; its output, or null (and why, in gcProblem). */
    private String run(String command) {
        Process p;
        try {
            p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        } catch (IOException e) {
            gcProblem = "jcmd not available: " + e.getMessage();
            return null;
        }
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                gcProblem = "jcmd " + command + " failed: " + out.strip().lines().reduce((a, b) -> b).orElse("");
                return null;
            }
            return out;
        } catch (IOException e) {
            gcProblem = "jcmd " + command + " failed: " + e.getMessage();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return null;
        }
    }

    /** The bytes column of the histogram's {@code Total} line. */
    private static long totalBytes(String histogram) {
        for (String line : histogram.lines().toList()) {
            String t = line.trim();
            if (t.startsWith("Total")) {
                String[] parts = t.split("\\s+");
                try {
                    return Long.parseLong(parts[parts.length - 1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * @param rss resident set size, bytes
     * @param heapLive live heap objects after a full GC, bytes, or -1
     * @param gcDone whether a GC ran right before
     */
    record Reading(long rss, long heapLive, boolean gcDone) {
    }
}
