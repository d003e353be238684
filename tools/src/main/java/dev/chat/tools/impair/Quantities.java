package dev.chat.tools.impair;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The other quantities of the command line: probabilities ({@code 0.2} or {@code 20%}), byte
 * rates ({@code 125000}, {@code 125k}, {@code 1m}, {@code 8mbit}, optionally with {@code /s}; decimal
 * units as usual for links) and sizes ({@code 1500}, {@code 64k}, {@code 1m}; binary units as for
 * buffers).
 */
final class Quantities {
    private static final Pattern PROBABILITY = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,9})?|\\.\\d{1,9})(%?)");
    private static final Pattern RATE = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,6})?)(|k|m|g|bit|kbit|mbit|gbit)(?:/s)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})(|k|m)");

    private Quantities() {
    }

    /** A probability in [0, 1]. */
    static double probability(String text) {
        Matcher m = PROBABILITY.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a probability (write e.g. 0.2 or 20%)");
        }
        double p = Double.parseDouble(m.group(1));
        if (!m.group(2).isEmpty()) {
            p /= 100;
        }
        if (p > 1) {
            throw new IllegalArgumentException("'" + text + "' is not a probability: it must lie between 0 and 1 (or 0% and 100%)");
        }
        return p;
    }

    /** Bytes per second, at least 1. */
    static long rate(String text) {
        Matcher m = RATE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate (write bytes per second, e.g. 125000, 125k, 1m, or bits: 8mbit)");
        }
        double v = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
            case "k" -> 1e3;
            case "m" -> 1e6;
            case "g" -> 1e9;
            case "bit" -> 1 / 8.0;
            case "kbit" -> 1e3 / 8;
            case "mbit" -> 1e6 / 8;
            case "gbit" -> 1e9 / 8;
            default -> 1;
        };
        if (v < 1) {
            throw new IllegalArgumentException("'" + text + "' is too slow: the least rate is 1 byte per second");
        }
        if (v > 1e12) {
            throw new IllegalArgumentException("'" + text + "' is too fast: leave --rate out for no limit");
        }
        return Math.round(v);
    }

    /** A byte count, at least 1. */
    static int size(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (write e.g. 1500, 64k, 1m)");
        }
        long v = Long.parseLong(m.group(1)) * switch (m.group(2)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            default -> 1L;
        };
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is out of range (1 byte to 2 GiB)");
        }
        return (int) v;
    }

    /** A rate as a person would write it back: {@code 125kB/s}. */
    static String formatRate(long bytesPerSecond) {
        if (bytesPerSecond % 1_000_000 == 0) {
            return bytesPerSecond / 1_000_000 + "MB/s";
        }
        if (bytesPerSecond % 1000 == 0) {
            return bytesPerSecond / 1000 + "kB/s";
        }
        return bytesPerSecond + "B/s";
    }
}
