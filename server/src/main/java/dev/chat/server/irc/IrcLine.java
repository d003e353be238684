package dev.chat.server.irc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One IRC message, as the "Modern IRC Client Protocol" (section "Messages", "Wire format in
 * ABNF") and IRCv3 "Message Tags" describe it:
 *
 * <pre>
 *   message  =  [ "@" tags SPACE ] [ ":" source SPACE ] command [ params ] CRLF
 *   tags     =  tag *[ ";" tag ]          tag = key [ "=" escaped-value ]
 *   params   =  *( SPACE middle ) [ SPACE ":" trailing ]
 *   SPACE    =  one or more 0x20
 *
 *   @time=2026-01-01T00:00:00.000Z;msgid=general:42 :alice!alice@chat PRIVMSG #general :hi all
 *   \________________ tags _______________________/ \____ source ____/ \cmd__/ \_ params _/
 * </pre>
 *
 * Limits (checked on bytes by {@link IrcLineReader}, before a line becomes an {@code IrcLine}):
 * at most {@value #MAX_BODY_BYTES} bytes for everything after the tags, CRLF included, and at
 * most {@value #MAX_CLIENT_TAG_DATA} bytes of tag data from a client ({@value #MAX_TAG_SECTION}
 * for the whole tag section, '@' and space included).
 *
 * <p>Tag values are held unescaped; a tag without a value has the value {@code ""} (the spec
 * makes "missing" and "empty" equal). {@code trailing} records that the last parameter is (or
 * must be) written with a leading ':'; it is forced on when the last parameter needs it.
 */
public record IrcLine(Map<String, String> tags, String source, String command, List<String> params,
                      boolean trailing) {

    /** Bytes after the tag section, the final CR LF included. */
    public static final int MAX_BODY_BYTES = 512;
    /** The whole tag section, the leading '@' and the trailing space included. */
    public static final int MAX_TAG_SECTION = 8191;
    /** Tag data (between '@' and the space) a client may send, and a server may add. */
    public static final int MAX_CLIENT_TAG_DATA = 4094;

    private static final byte[] CRLF = {'\r', '\n'};

    public IrcLine {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || !isToken(command) || command.charAt(0) == '@' || command.charAt(0) == ':') {
            throw new IllegalArgumentException("bad command '" + command + "'");
        }
        tags = tags == null || tags.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        params = List.copyOf(params);
        if (source != null && (source.isEmpty() || !isToken(source))) {
            throw new IllegalArgumentException("bad source '" + source + "'");
        }
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            if (hasLineBreakOrNul(p)) {
                throw new IllegalArgumentException("parameter " + i + " contains CR, LF or NUL");
            }
            if (i < params.size() - 1 && needsTrailing(p)) {
                throw new IllegalArgumentException("only the last parameter may be empty, hold a space or start with ':'");
            }
        }
        trailing = !params.isEmpty() && (trailing || needsTrailing(params.get(params.size() - 1)));
    }

    /** A line without tags; the last parameter is written as trailing only if it needs to be. */
    public static IrcLine of(String source, String command, String... params) {
        return new IrcLine(Map.of(), source, command, List.of(params), false);
    }

    /** A line whose last parameter is always written with ':' (human text, by convention). */
    public static IrcLine withText(String source, String command, String... params) {
        return new IrcLine(Map.of(), source, command, List.of(params), true);
    }

    /** This line with one more tag (server tags go first: add them before client tags). */
    public IrcLine withTag(String key, String value) {
        Map<String, String> t = new LinkedHashMap<>(tags);
        t.put(key, value == null ? "" : value);
        return new IrcLine(t, source, command, params, trailing);
    }

    /** This line with {@code extra} tags placed before its own. */
    public IrcLine withTagsFirst(Map<String, String> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        Map<String, String> t = new LinkedHashMap<>(extra);
        for (Map.Entry<String, String> e : tags.entrySet()) {
            t.putIfAbsent(e.getKey(), e.getValue());
        }
        return new IrcLine(t, source, command, params, trailing);
    }

    /** The {@code i}-th parameter, or {@code null}. */
    public String param(int i) {
        return i < params.size() ? params.get(i) : null;
    }

    /** The tag's unescaped value ({@code ""} for a tag without value), or {@code null} if absent. */
    public String tag(String key) {
        return tags.get(key);
    }

    /**
     * Parses one line (without CR LF; it must not contain CR, LF or NUL: the reader checks that).
     * Sources sent by clients are parsed but carry no meaning.
     *
     * @throws MalformedLineException when the line has no command
     */
    public static IrcLine parse(String line) {
        int n = line.length();
        int i = skipSpaces(line, 0);
        Map<String, String> tags = Map.of();
        if (i < n && line.charAt(i) == '@') {
            int end = indexOfSpace(line, i);
            tags = parseTags(line.substring(i + 1, end));
            i = skipSpaces(line, end);
        }
        String source = null;
        if (i < n && line.charAt(i) == ':') {
            int end = indexOfSpace(line, i);
            source = line.substring(i + 1, end);
            if (source.isEmpty()) {
                source = null;
            }
            i = skipSpaces(line, end);
        }
        int end = indexOfSpace(line, i);
        if (i >= n || end == i) {
            throw new MalformedLineException("the line has no command");
        }
        String command = line.substring(i, end);
        if (command.charAt(0) == '@' || command.charAt(0) == ':') {
            throw new MalformedLineException("the line has no command");
        }
        i = skipSpaces(line, end);
        List<String> params = new ArrayList<>(4);
        boolean trailing = false;
        while (i < n) {
            if (line.charAt(i) == ':') {
                params.add(line.substring(i + 1));
                trailing = true;
                break;
            }
            end = indexOfSpace(line, i);
            params.add(line.substring(i, end));
            i = skipSpaces(line, end);
        }
        return new IrcLine(tags, source, command, params, trailing);
    }

    /** The line as text, without CR LF. */
    public String render() {
        StringBuilder sb = new StringBuilder(64);
        if (!tags.isEmpty()) {
            sb.append('@');
            boolean first = true;
            for (Map.Entry<String, String> e : tags.entrySet()) {
                if (!first) {
                    sb.append(';');
                }
                first = false;
                String key = e.getKey();
                if (key.isEmpty() || !isTagKey(key)) {
                    throw new IllegalArgumentException("bad tag key '" + key + "'");
                }
                sb.append(key);
                if (!e.getValue().isEmpty()) {
                    sb.append('=');
                    escapeTagValue(e.getValue(), sb);
                }
            }
            sb.append(' ');
        }
        if (source != null) {
            sb.append(':').append(source).append(' ');
        }
        sb.append(command);
        for (int i = 0; i < params.size(); i++) {
            sb.append(' ');
            if (i == params.size() - 1 && trailing) {
                sb.append(':');
            }
            sb.append(params.get(i));
        }
        return sb.toString();
    }

    /**
     * The line as UTF-8 bytes with CR LF. If the part after the tags would exceed
     * {@value #MAX_BODY_BYTES} bytes, the last parameter is cut at a character boundary so that
     * it fits: a safety net; callers split long texts themselves ({@link TextSplitter}).
     */
    public byte[] encode() {
        String text = render();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int tagEnd = tags.isEmpty() ? 0 : indexOfSpace(text, 0) + 1;
        int tagBytes = tagEnd == 0 ? 0 : text.substring(0, tagEnd).getBytes(StandardCharsets.UTF_8).length;
        int body = bytes.length - tagBytes;
        if (body + 2 > MAX_BODY_BYTES && trailing) {
            String last = params.get(params.size() - 1);
            int over = body + 2 - MAX_BODY_BYTES;
            int keep = last.getBytes(StandardCharsets.UTF_8).length - over;
            List<String> p = new ArrayList<>(params);
            p.set(p.size() - 1, TextSplitter.prefixFitting(last, Math.max(0, keep)));
            return new IrcLine(tags, source, command, p, true).encode();
        }
        byte[] out = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        System.arraycopy(CRLF, 0, out, bytes.length, 2);
        return out;
    }

    @Override
    public String toString() {
        return render();
    }

    /** Unescapes a tag value (IRCv3 "Message Tags", section "Escaping values"). */
    public static String unescapeTagValue(String v) {
        if (v.indexOf('\\') < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i == v.length()) {
                break; // a lone backslash at the end: no output character
            }
            char e = v.charAt(i);
            switch (e) {
                case ':' -> sb.append(';');
                case 's' -> sb.append(' ');
                case '\\' -> sb.append('\\');
                case 'r' -> sb.append('\r');
                case 'n' -> sb.append('\n');
                default -> sb.append(e); // an invalid escape: the backslash is dropped
            }
        }
        return sb.toString();
    }

    /** Escapes a tag value: {@code ; SPACE \ CR LF} become {@code \: \s \\ \r \n}. */
    public static void escapeTagValue(String v, StringBuilder out) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case ';' -> out.append("\\:");
                case ' ' -> out.append("\\s");
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\0' -> throw new IllegalArgumentException("a tag value cannot hold NUL");
                default -> out.append(c);
            }
        }
    }

    private static Map<String, String> parseTags(String raw) {
        Map<String, String> tags = new LinkedHashMap<>();
        int i = 0;
        while (i <= raw.length()) {
            int semi = raw.indexOf(';', i);
            if (semi < 0) {
                semi = raw.length();
            }
            String tag = raw.substring(i, semi);
            int eq = tag.indexOf('=');
            String key = eq < 0 ? tag : tag.substring(0, eq);
            if (!key.isEmpty()) {
                tags.remove(key); // the last occurrence counts
                tags.put(key, eq < 0 ? "" : unescapeTagValue(tag.substring(eq + 1)));
            }
            i = semi + 1;
        }
        return tags;
    }

    private static boolean needsTrailing(String p) {
        return p.isEmpty() || p.charAt(0) == ':' || p.indexOf(' ') >= 0;
    }

    private static boolean hasLineBreakOrNul(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return true;
            }
        }
        return false;
    }

    /** A command, source or tag key: no space, CR, LF or NUL. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\r' || c == '\n' || c == '\0') {
                return false;
            }
        }
        return true;
    }

    private static boolean isTagKey(String s) {
        return isToken(s) && s.indexOf('=') < 0 && s.indexOf(';') < 0;
    }

    private static int indexOfSpace(String s, int from) {
        int i = s.indexOf(' ', from);
        return i < 0 ? s.length() : i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
