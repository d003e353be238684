package dev.chat.server.irc;

import static dev.chat.server.irc.Capability.ACCOUNT_TAG;
import static dev.chat.server.irc.Capability.BATCH;
import static dev.chat.server.irc.Capability.EXTENDED_JOIN;
import static dev.chat.server.irc.Capability.MESSAGE_TAGS;
import static dev.chat.server.irc.Capability.MULTILINE;
import static dev.chat.server.irc.Capability.SERVER_TIME;

import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders chat events as IRC lines for a given set of capabilities. Pure: the same event and
 * capabilities always give the same lines, which is what lets {@link RenderCache} share them
 * between recipients.
 *
 * <ul>
 *   <li>a room {@code message} is {@code :from!from@host PRIVMSG #room :text}, with
 *       {@code time} (server-time), {@code msgid=room:seq} (message-tags) and {@code account}
 *       (account-tag); a direct one is {@code PRIVMSG <recipient>} without msgid;</li>
 *   <li>a text with line breaks, or too long for one line, becomes one {@code PRIVMSG} per
 *       piece (empty lines left out; tags on every line, msgid on the first only), or one
 *       {@code draft/multiline} batch that rebuilds the exact text when the client has
 *       {@code draft/multiline} and {@code batch};</li>
 *   <li>{@code member} events become {@code JOIN} (extended-join: account and real name),
 *       {@code PART}, {@code QUIT} and {@code NICK}; an operator's {@code op}, {@code deop},
 *       {@code voice}, {@code devoice} become {@code :by MODE #room +o nick} (and {@code -o},
 *       {@code +v}, {@code -v}), {@code kick} becomes {@code :by KICK #room nick :reason};</li>
 *   <li>{@code mode} events become {@code :by MODE #room +i} ({@code m}, {@code s}, and
 *       {@code +b}/{@code -b glob!*@*}); {@code topic} events {@code :by TOPIC #room :topic}.</li>
 * </ul>
 */
final class EventRenderer {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** The reason shown for a member who left the chat without giving one (a closed connection). */
    static final String QUIT_REASON = "Connection closed";

    private static final int MESSAGE_MASK = SERVER_TIME.bit() | MESSAGE_TAGS.bit() | ACCOUNT_TAG.bit()
            | MULTILINE.bit() | BATCH.bit();
    private static final int JOIN_MASK = SERVER_TIME.bit() | ACCOUNT_TAG.bit() | EXTENDED_JOIN.bit();
    private static final int EVENT_MASK = SERVER_TIME.bit() | ACCOUNT_TAG.bit();

    private final IrcServerInfo info;
    private final IrcHooks hooks;

    EventRenderer(IrcServerInfo info, IrcHooks hooks) {
        this.info = info;
        this.hooks = hooks;
    }

    /** The capabilities that change how {@code event} looks: a session's caps masked by this are its render key. */
    static int keyMask(ServerMessage event) {
        if (event instanceof ChatMessage) {
            return MESSAGE_MASK;
        } else if (event instanceof Member m && Member.JOIN.equals(m.event())) {
            return JOIN_MASK;
        }
        return EVENT_MASK;
    }

    /** The lines for a fanned-out event; empty for events IRC has no line for. */
    List<IrcLine> render(ServerMessage event, int caps, long nowMillis) {
        if (event instanceof ChatMessage m) {
            return message(m, caps, "PRIVMSG", null);
        } else if (event instanceof Member m) {
            return List.of(member(m, caps, nowMillis));
        } else if (event instanceof ServerMessage.ModeChange c) {
            return List.of(modeChange(c, caps, nowMillis));
        } else if (event instanceof ServerMessage.Topic t) {
            long at = t.ts() != null ? t.ts() : nowMillis;
            return List.of(new IrcLine(eventTags(caps, at, t.by()), source(t.by()), "TOPIC",
                    List.of("#" + t.room(), t.topic()), true));
        }
        return List.of();
    }

    byte[] encode(ServerMessage event, int caps, long nowMillis) {
        return encode(render(event, caps, nowMillis));
    }

    static byte[] encode(List<IrcLine> lines) {
        if (lines.size() == 1) {
            return lines.get(0).encode();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 128);
        for (IrcLine l : lines) {
            out.writeBytes(l.encode());
        }
        return out.toByteArray();
    }

    /**
     * A chat message as {@code command} lines ({@code PRIVMSG}, or {@code NOTICE} for the echo of
     * a notice), inside batch {@code outer} when that is not null (chathistory).
     */
    List<IrcLine> message(ChatMessage m, int caps, String command, String outer) {
        String target = m.isDirect() ? m.to() : "#" + m.room();
        String mask = info.mask(m.from());
        Map<String, String> tags = new LinkedHashMap<>();
        if (outer != null) {
            tags.put("batch", outer);
        }
        if (SERVER_TIME.in(caps)) {
            tags.put("time", TIME.format(Instant.ofEpochMilli(m.ts())));
        }
        if (MESSAGE_TAGS.in(caps) && !m.isDirect()) {
            tags.put("msgid", m.room() + ":" + m.seq());
        }
        putAccount(tags, caps, m.from());
        int budget = IrcLine.MAX_BODY_BYTES - 2
                - TextSplitter.utf8Length(":" + mask + " " + command + " " + target + " :");
        List<String> textLines = TextSplitter.lines(m.text());
        boolean multi = Capability.usable(MULTILINE, caps)
                && (textLines.size() > 1 || TextSplitter.utf8Length(textLines.get(0)) > budget);
        List<IrcLine> out = new ArrayList<>(multi ? textLines.size() + 2 : 1);
        if (multi) {
            String ref = "ml" + (m.seq() != null ? m.seq().toString() : "d");
            out.add(new IrcLine(tags, mask, "BATCH", List.of("+" + ref, "draft/multiline", target), false));
            for (String line : textLines) {
                boolean first = true;
                for (String piece : TextSplitter.chunks(line, budget)) {
                    IrcLine l = new IrcLine(Map.of("batch", ref), mask, command, List.of(target, piece), true);
                    out.add(first ? l : l.withTag("draft/multiline-concat", ""));
                    first = false;
                }
            }
            Map<String, String> end = outer == null ? Map.of() : Map.of("batch", outer);
            out.add(new IrcLine(end, info.serverName(), "BATCH", List.of("-" + ref), false));
            return out;
        }
        for (String line : textLines) {
            if (line.isEmpty()) {
                continue; // "Servers MUST NOT send blank lines to clients that have not negotiated multiline"
            }
            for (String piece : TextSplitter.chunks(line, budget)) {
                out.add(new IrcLine(tags, mask, command, List.of(target, piece), true));
                tags.remove("msgid"); // the first line only
            }
        }
        if (out.isEmpty()) { // a text of line breaks only: still shown, as one blank-looking line
            out.add(new IrcLine(tags, mask, command, List.of(target, " "), true));
        }
        return out;
    }

    /** A {@code member} event: someone else joined, left, quit or changed nick. */
    IrcLine member(Member m, int caps, long nowMillis) {
        Map<String, String> tags = eventTags(caps, nowMillis, m.nick());
        return switch (m.event()) {
            case Member.JOIN -> join(tags, m.nick(), m.room(), caps);
            case Member.PART -> m.reason() == null || m.reason().isEmpty()
                    ? new IrcLine(tags, info.mask(m.nick()), "PART", List.of("#" + m.room()), false)
                    : new IrcLine(tags, info.mask(m.nick()), "PART", List.of("#" + m.room(), m.reason()), true);
            case Member.NICK -> new IrcLine(eventTags(caps, nowMillis, m.old()), info.mask(m.old()), "NICK",
                    List.of(m.nick()), false);
            case Member.OP, Member.DEOP, Member.VOICE, Member.DEVOICE -> new IrcLine(eventTags(caps, nowMillis, m.by()),
                    source(m.by()), "MODE", List.of("#" + m.room(), switch (m.event()) {
                        case Member.OP -> "+o";
                        case Member.DEOP -> "-o";
                        case Member.VOICE -> "+v";
                        default -> "-v";
                    }, m.nick()), false);
            case Member.KICK -> new IrcLine(eventTags(caps, nowMillis, m.by()), source(m.by()), "KICK",
                    List.of("#" + m.room(), m.nick(), m.reason() == null || m.reason().isEmpty()
                            ? (m.by() == null ? m.nick() : m.by()) : m.reason()), true);
            default -> new IrcLine(tags, info.mask(m.nick()), "QUIT",
                    List.of(m.reason() == null || m.reason().isEmpty() ? QUIT_REASON : "Quit: " + m.reason()), true);
        };
    }

    /** An operator changed a room's flag or ban list: {@code :by MODE #room +i}, {@code +b glob!*@*}... */
    IrcLine modeChange(ServerMessage.ModeChange c, int caps, long nowMillis) {
        List<String> params;
        if (c.ban() != null) {
            params = List.of("#" + c.room(), "+b", BanMasks.toIrc(c.ban()));
        } else if (c.unban() != null) {
            params = List.of("#" + c.room(), "-b", BanMasks.toIrc(c.unban()));
        } else {
            Boolean on = c.inviteOnly() != null ? c.inviteOnly() : c.moderated() != null ? c.moderated() : c.secret();
            char mode = c.inviteOnly() != null ? 'i' : c.moderated() != null ? 'm' : 's';
            params = List.of("#" + c.room(), (Boolean.TRUE.equals(on) ? "+" : "-") + mode);
        }
        return new IrcLine(eventTags(caps, nowMillis, c.by()), source(c.by()), "MODE", params, false);
    }

    /** The source of an operator's line: its mask, or the server for a change nobody made (null). */
    private String source(String by) {
        return by == null ? info.serverName() : info.mask(by);
    }

    /** {@code nick} joined {@code room}: {@code JOIN #room} or, with extended-join, {@code JOIN #room account :realname}. */
    IrcLine join(String nick, String room, int caps, long nowMillis) {
        return join(eventTags(caps, nowMillis, nick), nick, room, caps);
    }

    private IrcLine join(Map<String, String> tags, String nick, String room, int caps) {
        if (EXTENDED_JOIN.in(caps)) {
            String account = hooks.account(nick);
            String realname = hooks.realname(nick);
            return new IrcLine(tags, info.mask(nick), "JOIN", List.of("#" + room, account == null ? "*" : account,
                    realname == null || realname.isEmpty() ? nick : realname), true);
        }
        return new IrcLine(tags, info.mask(nick), "JOIN", List.of("#" + room), false);
    }

    /** A line from {@code nick} (PART, NICK, AWAY, TOPIC...) with the tags every event carries. */
    IrcLine from(String nick, int caps, long nowMillis, String command, List<String> params, boolean trailing) {
        return new IrcLine(eventTags(caps, nowMillis, nick), info.mask(nick), command, params, trailing);
    }

    private Map<String, String> eventTags(int caps, long nowMillis, String nick) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (SERVER_TIME.in(caps)) {
            tags.put("time", TIME.format(Instant.ofEpochMilli(nowMillis)));
        }
        if (nick != null) {
            putAccount(tags, caps, nick);
        }
        return tags;
    }

    private void putAccount(Map<String, String> tags, int caps, String nick) {
        if (ACCOUNT_TAG.in(caps)) {
            String account = hooks.account(nick);
            if (account != null) {
                tags.put("account", account);
            }
        }
    }
}
