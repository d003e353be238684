package dev.chat.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes of the command line: {@code 65536}, {@code 64k}, {@code 1m}, {@code 2g} (binary units). */
public final class Sizes {
    private static final Pattern FORM = Pattern.compile("(\\d{1,10})(|b|k|kb|kib|m|mb|mib)");
    private static final Pattern LONG_FORM = Pattern.compile("(\\d{1,15})(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    private Sizes() {
    }

    public static int parse(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (write e.g. 65536, 64k, 1m)");
        }
        long n = Long.parseLong(m.group(1));
        long mult = switch (m.group(2)) {
            case "k", "kb", "kib" -> 1024;
            case "m", "mb", "mib" -> 1024 * 1024;
            default -> 1;
        };
        long v = n * mult;
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return (int) v;
    }

    /** A size that may exceed 2 GiB ({@code 512m}, {@code 4g}). */
    public static long parseLong(String text) {
        Matcher m = LONG_FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (write e.g. 64m, 1g)");
        }
        long mult = switch (m.group(2)) {
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }
}
