package dev.chat.client.text;

import dev.chat.protocol.Names;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a long text into pieces the server accepts, instead of refusing it: at most
 * {@link Names#MAX_TEXT} code points each (never inside a surrogate pair), and small enough
 * that the frame stays under the server's {@code max_frame} once JSON-escaped. A cut prefers
 * the last whitespace in the second half of a piece, so words stay whole when they can.
 */
public final class TextSplitter {
    /** Bytes kept free in a frame for everything but the text: type, id, room. */
    static final int FRAME_OVERHEAD = 200;

    private TextSplitter() {
    }

    /** Pieces of at most {@link Names#MAX_TEXT} code points, for a server with {@code maxFrame}. */
    public static List<String> split(String text, int maxFrame) {
        return split(text, Names.MAX_TEXT, Math.max(64, maxFrame - FRAME_OVERHEAD));
    }

    /**
     * Pieces of at most {@code maxCodePoints} code points and {@code maxJsonBytes} bytes of
     * JSON string content each. Empty input gives no pieces.
     */
    public static List<String> split(String text, int maxCodePoints, int maxJsonBytes) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = start;
            int points = 0;
            int bytes = 0;
            int lastSpace = -1;
            while (end < n && points < maxCodePoints) {
                int cp = text.codePointAt(end);
                int size = jsonBytes(cp);
                if (bytes + size > maxJsonBytes) {
                    break;
                }
                bytes += size;
                points++;
                end += Character.charCount(cp);
                if (Character.isWhitespace(cp)) {
                    lastSpace = end;
                }
            }
            if (end < n && lastSpace > start + (end - start) / 2) {
                end = lastSpace; // the whitespace stays at the end of this piece
            }
            if (end == start) {
                throw new IllegalArgumentException("maxJsonBytes " + maxJsonBytes + " cannot hold one character");
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    private static int jsonBytes(int cp) {
        if (cp < 0x20) {
            return 6; // backslash, u and four hex digits
        }
        if (cp == '"' || cp == '\\') {
            return 2;
        }
        if (cp < 0x80) {
            return 1;
        }
        if (cp < 0x800) {
            return 2;
        }
        return cp < 0x10000 ? 3 : 4;
    }
}
