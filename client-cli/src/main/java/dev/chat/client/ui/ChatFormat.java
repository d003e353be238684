package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.multiLine;
import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * How the interactive client shows things: {@code 14:02 <alice> hi} in a room's window
 * ({@code 14:02 #ops <bob> deploy?} when shown elsewhere), {@code 14:02 * alice waves} for an
 * action, {@code 14:03 *carol* psst} for a direct message, {@code -- dave left #ops (lunch)}
 * for members. A message that mentions us is highlighted. Every string from the network goes
 * through {@link dev.chat.client.text.TerminalText} first.
 */
public final class ChatFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle STATUS = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();
    /** A message that mentions us: the text stands out. */
    static final AttributedStyle MENTION = AttributedStyle.DEFAULT.bold().foreground(AttributedStyle.BLACK)
            .background(AttributedStyle.YELLOW);

    private final ZoneId zone;

    public ChatFormat(ZoneId zone) {
        this.zone = zone;
    }

    /** A chat message; {@code currentRoom} decides whether the room is named. */
    public AttributedString chat(ChatMessage m, boolean own, String currentRoom) {
        return chat(m, own, currentRoom, false);
    }

    /**
     * A chat message; {@code shownIn} (a room) decides whether the room is named, and
     * {@code mention} highlights the text.
     */
    public AttributedString chat(ChatMessage m, boolean own, String shownIn, boolean mention) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.styled(DIM, time(m.ts())).append(' ');
        String from = singleLine(m.from());
        AttributedStyle nickStyle = own ? NickColors.style(m.from()).bold() : NickColors.style(m.from());
        if (m.isDirect()) {
            if (own) {
                b.append("-> ").styled(NickColors.style(m.to()).bold(), "*" + singleLine(m.to()) + "*");
                if (m.action()) {
                    b.append(" * ").styled(nickStyle, from);
                }
            } else if (m.action()) {
                b.styled(nickStyle.bold(), "* " + from);
            } else {
                b.styled(nickStyle.bold(), "*" + from + "*");
            }
        } else {
            if (!m.room().equals(shownIn)) {
                b.styled(DIM, "#" + singleLine(m.room())).append(' ');
            }
            if (m.action()) {
                b.append("* ").styled(nickStyle, from);
            } else {
                b.append('<').styled(nickStyle, from).append('>');
            }
        }
        b.append(' ');
        appendText(b, m.text(), mention ? MENTION : AttributedStyle.DEFAULT);
        return b.toAttributedString();
    }

    /** A direct message we sent (the server does not echo those back to us). */
    public AttributedString sentDirect(String to, String text, long ts) {
        return sentDirect(to, "", text, false, ts);
    }

    /** A direct message or action ({@code -> *bob* * alice waves}) that {@code me} sent. */
    public AttributedString sentDirect(String to, String me, String text, boolean action, long ts) {
        return chat(ChatMessage.direct(to, me, text, action, ts), true, null, false);
    }

    /**
     * Whether {@code text} mentions {@code nick}: the nick as a whole word, ignoring case
     * ({@code bob:}, {@code @bob}, {@code hi bob!}; not {@code bobby}).
     */
    public static boolean mentions(String text, String nick) {
        if (text == null || nick == null || nick.isEmpty()) {
            return false;
        }
        String t = text.toLowerCase(java.util.Locale.ROOT);
        String n = nick.toLowerCase(java.util.Locale.ROOT);
        for (int at = t.indexOf(n); at >= 0; at = t.indexOf(n, at + 1)) {
            boolean startOk = at == 0 || !isNickChar(t.charAt(at - 1));
            int end = at + n.length();
            boolean endOk = end == t.length() || !isNickChar(t.charAt(end));
            if (startOk && endOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNickChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /** Someone joined, left, quit or was renamed. */
    public AttributedString member(ServerMessage.Member m) {
        String nick = singleLine(m.nick());
        String room = "#" + singleLine(m.room());
        String what = switch (m.event()) {
            case ServerMessage.Member.JOIN -> nick + " joined " + room;
            case ServerMessage.Member.PART -> nick + " left " + room;
            case ServerMessage.Member.QUIT -> nick + " quit";
            case ServerMessage.Member.NICK -> singleLine(m.old()) + " is now " + nick;
            case ServerMessage.Member.OP -> nick + " is an operator of " + room + by(m.by());
            case ServerMessage.Member.DEOP -> nick + " is no longer an operator of " + room + by(m.by());
            case ServerMessage.Member.VOICE -> nick + " may speak in " + room + by(m.by());
            case ServerMessage.Member.DEVOICE -> nick + " is no longer voiced in " + room + by(m.by());
            case ServerMessage.Member.KICK -> nick + " was kicked from " + room + by(m.by());
            default -> nick + " " + singleLine(m.event()) + " " + room;
        };
        if (m.reason() != null && !m.reason().isBlank()) {
            what += " (" + singleLine(m.reason()) + ")";
        }
        return new AttributedStringBuilder().styled(DIM, "-- " + what).toAttributedString();
    }

    private static String by(String nick) {
        return nick == null ? "" : " (by " + singleLine(nick) + ")";
    }

    /** An operator changed a room's settings or its bans. */
    public AttributedString modeChange(ServerMessage.ModeChange c) {
        String room = "#" + singleLine(c.room());
        String what;
        if (c.inviteOnly() != null) {
            what = room + (c.inviteOnly() ? " is invite-only now" : " is open to everyone now");
        } else if (c.moderated() != null) {
            what = room + (c.moderated() ? " is moderated now: only operators and voiced members speak"
                    : " is not moderated any more");
        } else if (c.secret() != null) {
            what = room + (c.secret() ? " is secret now: hidden from those not in it" : " is public now");
        } else if (c.ban() != null) {
            what = singleLine(c.ban()) + " is banned from " + room;
        } else if (c.unban() != null) {
            what = singleLine(c.unban()) + " is no longer banned from " + room;
        } else {
            what = room + "'s settings changed";
        }
        return new AttributedStringBuilder().styled(DIM, "-- " + what + by(c.by())).toAttributedString();
    }

    /** An operator invited us. */
    public AttributedString invited(ServerMessage.Invited i) {
        String room = singleLine(i.room());
        return new AttributedStringBuilder().styled(STATUS, "*** " + singleLine(i.by()) + " invites you to #" + room
                + " (/join " + room + ")").toAttributedString();
    }

    /** Nicks with their roles, as IRC shows them: {@code @alice} (operator), {@code +bob} (voiced), {@code carol}. */
    public static String withRoles(List<String> members, List<String> operators,
                                   List<String> voiced) {
        List<String> out = new ArrayList<>(members.size());
        for (String n : members) {
            out.add((contains(operators, n) ? "@" : contains(voiced, n) ? "+" : "") + singleLine(n));
        }
        return String.join(", ", out);
    }

    private static boolean contains(List<String> nicks, String nick) {
        for (String n : nicks) {
            if (n.equalsIgnoreCase(nick)) {
                return true;
            }
        }
        return false;
    }

    /** A room's settings: the answer to {@code /mode}. */
    public AttributedString mode(ServerMessage.Mode m) {
        List<String> flags = new ArrayList<>();
        flags.add(m.inviteOnly() ? "invite-only" : "open");
        flags.add(m.moderated() ? "moderated" : "not moderated");
        flags.add(m.secret() ? "secret" : "public");
        StringBuilder b = new StringBuilder("#" + singleLine(m.room()) + ": " + String.join(", ", flags));
        b.append(String.format("%n  operators: %s", m.operators().isEmpty() ? "none here"
                : singleLine(String.join(", ", m.operators()))));
        if (!m.voiced().isEmpty()) {
            b.append(String.format("%n  voiced: %s", singleLine(String.join(", ", m.voiced()))));
        }
        b.append(String.format("%n  bans: %s", m.bans().isEmpty() ? "none" : singleLine(String.join(", ", m.bans()))));
        return new AttributedString(b.toString());
    }

    /** A room's topic: the answer to {@code /topic}, or someone changed it. */
    public AttributedString topic(ServerMessage.Topic t) {
        String room = "#" + singleLine(t.room());
        String by = t.by() == null ? "" : " (set by " + singleLine(t.by())
                + (t.ts() == null ? "" : " at " + time(t.ts())) + ")";
        String text = t.topic().isEmpty() ? room + " has no topic" : "topic of " + room + ": " + singleLine(t.topic());
        return new AttributedStringBuilder().styled(DIM, "-- ").append(text + by).toAttributedString();
    }

    /** A LAN peer's presence, and whether the server verified its beacons (signed by the nick's session). */
    public AttributedString presence(ServerMessage.Presence p) {
        return new AttributedStringBuilder().styled(DIM, "-- " + singleLine(p.nick()) + " is "
                + singleLine(p.status()) + " (" + singleLine(p.address()) + ", "
                + (p.verified() ? "verified" : "unverified") + ")").toAttributedString();
    }

    /** A line about the connection. */
    public AttributedString status(String text) {
        return new AttributedStringBuilder().styled(STATUS, "*** " + singleLine(text)).toAttributedString();
    }

    /** A problem: refused request, bad input. */
    public AttributedString error(String text) {
        return new AttributedStringBuilder().styled(ERROR, "!!! " + singleLine(text)).toAttributedString();
    }

    /** Plain information (command output); may span lines. */
    public AttributedString info(String text) {
        return new AttributedString(multiLine(text));
    }

    /** A trace line. */
    public AttributedString trace(String line) {
        return new AttributedStringBuilder().styled(DIM, line).toAttributedString();
    }

    private void appendText(AttributedStringBuilder b, String text, AttributedStyle style) {
        // Continuation lines are indented under the text, so a multi-line message reads as one.
        b.styled(style, multiLine(text).replace("\n", "\n      "));
    }

    private String time(long ts) {
        return TIME.format(Instant.ofEpochMilli(ts).atZone(zone));
    }
}
