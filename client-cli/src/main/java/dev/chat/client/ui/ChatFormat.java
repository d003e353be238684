package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.multiLine;
import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * How the interactive client shows things: {@code 14:02 <alice> hi} for the current room,
 * {@code 14:02 #ops <bob> deploy?} for another, {@code 14:03 *carol* psst} for a direct
 * message, {@code -- dave joined #ops} for members. Every string from the network goes
 * through {@link dev.chat.client.text.TerminalText} first.
 */
public final class ChatFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle STATUS = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();

    private final ZoneId zone;

    public ChatFormat(ZoneId zone) {
        this.zone = zone;
    }

    /** A chat message; {@code currentRoom} decides whether the room is named. */
    public AttributedString chat(ChatMessage m, boolean own, String currentRoom) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.styled(DIM, time(m.ts())).append(' ');
        String from = singleLine(m.from());
        AttributedStyle nickStyle = own ? NickColors.style(m.from()).bold() : NickColors.style(m.from());
        if (m.isDirect()) {
            if (own) {
                b.append("-> ").styled(NickColors.style(m.to()).bold(), "*" + singleLine(m.to()) + "*");
            } else {
                b.styled(nickStyle.bold(), "*" + from + "*");
            }
        } else {
            if (!m.room().equals(currentRoom)) {
                b.styled(DIM, "#" + singleLine(m.room())).append(' ');
            }
            b.append('<').styled(nickStyle, from).append('>');
        }
        b.append(' ');
        appendText(b, m.text());
        return b.toAttributedString();
    }

    /** A direct message we sent (the server does not echo those back to us). */
    public AttributedString sentDirect(String to, String text, long ts) {
        return chat(ChatMessage.direct(to, "", text, ts), true, null);
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
            default -> nick + " " + singleLine(m.event()) + " " + room;
        };
        return new AttributedStringBuilder().styled(DIM, "-- " + what).toAttributedString();
    }

    /** A LAN peer's presence. */
    public AttributedString presence(ServerMessage.Presence p) {
        return new AttributedStringBuilder().styled(DIM, "-- " + singleLine(p.nick()) + " is "
                + singleLine(p.status()) + " (" + singleLine(p.address()) + ")").toAttributedString();
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

    private void appendText(AttributedStringBuilder b, String text) {
        // Continuation lines are indented under the text, so a multi-line message reads as one.
        b.append(multiLine(text).replace("\n", "\n      "));
    }

    private String time(long ts) {
        return TIME.format(Instant.ofEpochMilli(ts).atZone(zone));
    }
}
