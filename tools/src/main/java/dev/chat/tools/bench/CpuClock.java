package dev.chat.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by a process, to tell which side of a benchmark is saturated: this JVM (from
 * the platform MXBean) or another local process (user + system time from {@code /proc/PID/stat}).
 */
final class CpuClock {
    /** Kernel clock ticks per second for /proc times; 100 on every Linux we run on. */
    private static final long TICKS_PER_SECOND = 100;

    private final Path stat;

    private CpuClock(Path stat) {
        this.stat = stat;
    }

    static CpuClock self() {
        return new CpuClock(null);
    }

    /** @throws IllegalArgumentException no such process */
    static CpuClock of(long pid) {
        Path p = Path.of("/proc", Long.toString(pid), "stat");
        if (pid <= 0 || !Files.isReadable(p)) {
            throw new IllegalArgumentException("no process " + pid + " to read the CPU time of");
        }
        return new CpuClock(p);
    }

    /** CPU time used so far, nanoseconds; -1 if unknown. */
    long nanos() {
        if (stat == null) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
            return -1;
        }
        try {
            String s = Files.readString(stat);
            // fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Share of one core used between two readings over {@code wallNanos}, in percent (one decimal); null if unknown. */
    static Double percent(long before, long after, long wallNanos) {
        if (before < 0 || after < 0 || wallNanos <= 0) {
            return null;
        }
        return Math.round((after - before) * 1000.0 / wallNanos) / 10.0;
    }
}
