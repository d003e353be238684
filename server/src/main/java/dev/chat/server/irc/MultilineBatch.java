package dev.chat.server.irc;

/**
 * A client's open {@code draft/multiline} batch (IRCv3 "Multiline messages"): its
 * {@code PRIVMSG} lines joined by LF, or glued to the previous one when tagged
 * {@code draft/multiline-concat}, within {@code max-bytes} (each joining LF counts one byte) and
 * {@code max-lines}. Bounded by those limits.
 */
final class MultilineBatch {
    private final String ref;
    private final String target;
    private final Response response;
    private final int maxBytes;
    private final int maxLines;
    private final StringBuilder text = new StringBuilder();
    private int bytes;
    private int lines;
    private String failure;

    MultilineBatch(String ref, String target, Response response, int maxBytes, int maxLines) {
        this.ref = ref;
        this.target = target;
        this.response = response;
        this.maxBytes = maxBytes;
        this.maxLines = maxLines;
    }

    String ref() {
        return ref;
    }

    String target() {
        return target;
    }

    /** The response of the {@code BATCH +} command, held until the batch ends. */
    Response response() {
        return response;
    }

    String failure() {
        return failure;
    }

    void fail(String code) {
        failure = code;
        text.setLength(0);
    }

    /** Adds one {@code PRIVMSG} of the batch; returns a {@code FAIL BATCH} code, or null. */
    String add(IrcLine line) {
        String to = line.param(0);
        String piece = line.param(1) == null ? "" : line.param(1);
        if (to == null || !to.equalsIgnoreCase(target)) {
            return "MULTILINE_INVALID_TARGET";
        }
        boolean concat = line.tag("draft/multiline-concat") != null;
        int add = TextSplitter.utf8Length(piece) + (lines > 0 && !concat ? 1 : 0);
        if (++lines > maxLines) {
            return "MULTILINE_MAX_LINES";
        }
        if (bytes + add > maxBytes) {
            return "MULTILINE_MAX_BYTES";
        }
        if (lines > 1 && !concat) {
            text.append('\n');
        }
        text.append(piece);
        bytes += add;
        return null;
    }

    /** The combined message. */
    String text() {
        return text.toString();
    }

    IrcLine failLine(Replies replies, String code, String providedTarget) {
        return switch (code) {
            case "MULTILINE_MAX_LINES" -> replies.fail("BATCH", code,
                    "Multiline batch max-lines exceeded; nothing of it was sent", String.valueOf(maxLines));
            case "MULTILINE_MAX_BYTES" -> replies.fail("BATCH", code,
                    "Multiline batch max-bytes exceeded; nothing of it was sent", String.valueOf(maxBytes));
            case "MULTILINE_INVALID_TARGET" -> replies.fail("BATCH", code, "Invalid multiline target", target,
                    providedTarget == null ? "*" : providedTarget);
            default -> replies.fail("BATCH", code, "Only PRIVMSG lines may be in a multiline batch");
        };
    }
}
