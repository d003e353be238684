package dev.chat.server.irc;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a chat text (up to 4000 characters, any of them, line breaks included) into IRC message
 * texts: one per line, each short enough for its line. Cuts fall between code points, never
 * inside a UTF-8 sequence or a UTF-16 surrogate pair, and preferably after a space (which stays
 * at the end of the piece, as IRCv3 "Multiline messages" recommends).
 */
final class TextSplitter {

    /** NUL cannot travel in an IRC line; it is shown as U+2400 SYMBOL FOR NULL instead. */
    static final char NUL_SYMBOL = '\u2400';

    private TextSplitter() {
    }

    /** The text's lines: CR LF, CR and LF each end a line. Empty lines are kept. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(1);
        StringBuilder line = new StringBuilder(Math.min(text.length(), 512));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                out.add(line.toString());
                line.setLength(0);
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                line.append(c == '\0' ? NUL_SYMBOL : c);
            }
        }
        out.add(line.toString());
        return out;
    }

    /**
     * Cuts one line (no line breaks) into pieces of at most {@code maxBytes} UTF-8 bytes. An empty
     * line is one empty piece. {@code maxBytes} must be at least 4 (one code point always fits).
     */
    static List<String> chunks(String line, int maxBytes) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " < 4");
        }
        List<String> out = new ArrayList<>(1);
        int len = line.length();
        int start = 0;
        do {
            int bytes = 0;
            int i = start;
            int afterSpace = -1;
            while (i < len) {
                int cp = line.codePointAt(i);
                int b = utf8Length(cp);
                if (bytes + b > maxBytes) {
                    break;
                }
                bytes += b;
                i += Character.charCount(cp);
                if (cp == ' ') {
                    afterSpace = i;
                }
            }
            int end = i;
            if (end < len && afterSpace > start && (afterSpace - start) * 2 >= end - start) {
                end = afterSpace; // a word break in the second half of the piece
            }
            out.add(line.substring(start, end));
            start = end;
        } while (start < len);
        return out;
    }

    /** The longest prefix of {@code s} that is at most {@code maxBytes} UTF-8 bytes. */
    static String prefixFitting(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int b = utf8Length(cp);
            if (bytes + b > maxBytes) {
                break;
            }
            bytes += b;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    /** UTF-8 length of a string (a lone surrogate counts 3 bytes, like '?' replacement would not). */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += utf8Length(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    static int utf8Length(int cp) {
        if (cp < 0x80) {
            return 1;
        } else if (cp < 0x800) {
            return 2;
        } else if (cp < 0x10000) {
            return 3;
        }
        return 4;
    }
}
