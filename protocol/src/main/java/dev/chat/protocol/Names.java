package dev.chat.protocol;

import java.util.Locale;

/** The syntax of nicks, rooms and texts, and how names compare. */
public final class Names {
    public static final int MAX_NICK = 32;
    public static final int MAX_ROOM = 64;
    public static final int MAX_TEXT = 4000;
    /** Longest reason of a {@code part} (and what a server passes on of a {@code quit} reason). */
    public static final int MAX_REASON = 400;
    /** The longest password, in bytes of UTF-8: longer ones are refused before any hashing. */
    public static final int MAX_PASSWORD_BYTES = 1024;
    /** Longest room topic, in Unicode code points. */
    public static final int MAX_TOPIC = 390;
    /** Longest ban mask. */
    public static final int MAX_MASK = 64;

    private Names() {
    }

    /** 1 to 32 of {@code A-Z a-z 0-9 _ -}. */
    public static boolean isValidNick(String nick) {
        if (nick == null || nick.isEmpty() || nick.length() > MAX_NICK) {
            return false;
        }
        for (int i = 0; i < nick.length(); i++) {
            char c = nick.charAt(i);
            if (!(isAlnum(c) || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The key under which a nick is unique: nicks compare ignoring case. */
    public static String nickKey(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the canonical room name ({@code "#Ops"} becomes {@code "ops"}), or {@code null}
     * when the name is not an optional {@code #} followed by 1 to 64 of {@code A-Z a-z 0-9 _ - .}.
     */
    public static String normalizeRoom(String room) {
        if (room == null) {
            return null;
        }
        String name = room.startsWith("#") ? room.substring(1) : room;
        if (name.isEmpty() || name.length() > MAX_ROOM) {
            return null;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isAlnum(c) || c == '_' || c == '-' || c == '.')) {
                return null;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * 1 to 4000 Unicode code points. A lone UTF-16 surrogate (a JSON string can carry one as an
     * escape) is not a character of any text and makes the text invalid.
     */
    public static boolean isValidText(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        int codePoints = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i += 2;
            } else if (Character.isSurrogate(c)) {
                return false;
            } else {
                i++;
            }
            if (++codePoints > MAX_TEXT) {
                return false;
            }
        }
        return true;
    }

    /** A {@code part} reason: at most 400 Unicode code points, no lone surrogate (may be empty). */
    public static boolean isValidReason(String reason) {
        return reason != null && reason.codePointCount(0, reason.length()) <= MAX_REASON
                && reason.codePoints().noneMatch(Names::isLoneSurrogate);
    }

    /** 1 to {@link #MAX_PASSWORD_BYTES} bytes of UTF-8, without lone surrogates (which have no UTF-8 form). */
    public static boolean isValidPassword(String password) {
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_BYTES
                || password.codePoints().anyMatch(Names::isLoneSurrogate)) {
            return false;
        }
        return password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES;
    }

    /**
     * A reason as a server passes it on to others: lone surrogates dropped, cut after 400 code
     * points; null stays null. A {@code quit} reason is not checked when it arrives (the
     * connection closes anyway), so servers clean it with this before putting it in a
     * {@code member} event.
     */
    public static String cleanReason(String reason) {
        if (reason == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(reason.length(), 2 * MAX_REASON));
        reason.codePoints().filter(cp -> !isLoneSurrogate(cp)).limit(MAX_REASON).forEach(b::appendCodePoint);
        return b.toString();
    }

    /** A room topic: at most 390 Unicode code points, no lone surrogate; {@code ""} (no topic) is valid. */
    public static boolean isValidTopic(String topic) {
        return topic != null && topic.codePointCount(0, topic.length()) <= MAX_TOPIC
                && topic.codePoints().noneMatch(Names::isLoneSurrogate);
    }

    /**
     * A ban mask: 1 to 64 of the nick characters and the wildcards {@code *} (any run, also empty)
     * and {@code ?} (one character).
     */
    public static boolean isValidMask(String mask) {
        if (mask == null || mask.isEmpty() || mask.length() > MAX_MASK) {
            return false;
        }
        for (int i = 0; i < mask.length(); i++) {
            char c = mask.charAt(i);
            if (!(isAlnum(c) || c == '_' || c == '-' || c == '*' || c == '?')) {
                return false;
            }
        }
        return true;
    }

    /** Whether a nick (or an account key) matches a ban mask ({@link #isValidMask}), ignoring case. */
    public static boolean maskMatches(String mask, String nick) {
        if (mask == null || nick == null) {
            return false;
        }
        String m = mask.toLowerCase(Locale.ROOT);
        String n = nick.toLowerCase(Locale.ROOT);
        // iterative glob with backtracking to the last '*': linear in practice, no recursion
        int mi = 0;
        int ni = 0;
        int star = -1;
        int mark = 0;
        while (ni < n.length()) {
            if (mi < m.length() && (m.charAt(mi) == '?' || m.charAt(mi) == n.charAt(ni))) {
                mi++;
                ni++;
            } else if (mi < m.length() && m.charAt(mi) == '*') {
                star = mi++;
                mark = ni;
            } else if (star >= 0) {
                mi = star + 1;
                ni = ++mark;
            } else {
                return false;
            }
        }
        while (mi < m.length() && m.charAt(mi) == '*') {
            mi++;
        }
        return mi == m.length();
    }

    // String.codePoints() yields a surrogate value only for one that is not half of a pair.
    private static boolean isLoneSurrogate(int codePoint) {
        return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
