package dev.chat.client.text;

/**
 * Makes text from the network safe to print on a terminal. Other users choose what we print;
 * without this a message could carry {@code ESC [ 2 J} (clear the screen), set the window title,
 * move the cursor over our prompt, or reverse text direction to disguise a link.
 *
 * <p>Every C0 control, DEL and C1 control is shown in caret notation ({@code ESC} becomes
 * {@code ^[}, {@code BEL} {@code ^G}, C1 controls {@code ^[@} to {@code ^[_} as their 7-bit
 * forms), bidirectional overrides and isolates, line and paragraph separators become
 * {@code <U+202E>}, and an unpaired surrogate becomes U+FFFD.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /** Safe text on one line: newlines and tabs are escaped too. */
    public static String singleLine(String s) {
        return sanitize(s, false);
    }

    /**
     * Safe text that may span lines: {@code \n} is kept (and {@code \r\n} becomes {@code \n}),
     * a tab becomes spaces, everything else as in {@link #singleLine}.
     */
    public static String multiLine(String s) {
        return sanitize(s, true);
    }

    /** Whether {@code s} would be printed unchanged by {@link #singleLine}. */
    public static boolean isSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a well-formed pair: a character outside the BMP
            } else if (isControl(c) || isFormatHazard(c) || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String sanitize(String s, boolean keepNewlines) {
        if (s == null) {
            return "";
        }
        if (isSafe(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (keepNewlines && c == '\n') {
                b.append('\n');
            } else if (keepNewlines && c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                // dropped: the \n that follows makes the line break
            } else if (keepNewlines && c == '\t') {
                b.append("    ");
            } else if (c < 0x20) {
                b.append('^').append((char) (c + 0x40));
            } else if (c == 0x7F) {
                b.append("^?");
            } else if (c >= 0x80 && c <= 0x9F) {
                b.append("^[").append((char) (c - 0x40)); // C1 = ESC + (c - 0x40)
            } else if (isFormatHazard(c)) {
                b.append(String.format("<U+%04X>", (int) c));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    // Characters that change how the rest of the line is shown without being visible themselves.
    private static boolean isFormatHazard(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u2028' || c == '\u2029';
    }
}
