package dev.chat.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's results: a readable table on stderr, then exactly one JSON line on stdout (the
 * only thing the generator writes there), for scripts.
 */
final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    Report put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Latency percentiles in microseconds (one decimal) under {@code latency_us}. */
    Report latency(Histogram h) {
        Map<String, Object> l = new LinkedHashMap<>();
        long n = h == null ? 0 : h.getTotalCount();
        l.put("count", n);
        l.put("p50", n == 0 ? null : micros(h.getValueAtPercentile(50)));
        l.put("p90", n == 0 ? null : micros(h.getValueAtPercentile(90)));
        l.put("p99", n == 0 ? null : micros(h.getValueAtPercentile(99)));
        l.put("p999", n == 0 ? null : micros(h.getValueAtPercentile(99.9)));
        l.put("max", n == 0 ? null : micros(h.getMaxValue()));
        l.put("mean", n == 0 ? null : micros((long) h.getMean()));
        fields.put("latency_us", l);
        return this;
    }

    /** p50, p99, p99.9 and max in microseconds, or null if the histogram is empty. */
    static Map<String, Object> percentiles(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return null;
        }
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("p50", micros(h.getValueAtPercentile(50)));
        l.put("p99", micros(h.getValueAtPercentile(99)));
        l.put("p999", micros(h.getValueAtPercentile(99.9)));
        l.put("max", micros(h.getMaxValue()));
        return l;
    }

    String json() {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report", e);
        }
    }

    /** The table (stderr), then the JSON line (stdout). */
    void print(PrintWriter out, PrintWriter err) {
        err.println();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<?, ?> x : m.entrySet()) {
                    sb.append(sb.length() == 0 ? "" : "  ").append(x.getKey()).append(' ').append(show(x.getValue()));
                }
                err.println(String.format(Locale.ROOT, "  %-26s %s", e.getKey(), sb));
            } else {
                err.println(String.format(Locale.ROOT, "  %-26s %s", e.getKey(), show(e.getValue())));
            }
        }
        err.flush();
        out.println(json());
        out.flush();
    }

    private static String show(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%,.1f", d);
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        }
        return String.valueOf(v);
    }

    static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** 950, 12.3k, 3.01M. */
    static String count(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** Nanoseconds as milliseconds: 1.234ms. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }
}
