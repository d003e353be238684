package dev.chat.client.ui;

import static dev.chat.client.text.TerminalText.singleLine;

import dev.chat.client.session.ServerError;
import dev.chat.client.session.Session;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The commands of room operators, for the room of the current window: {@code /op}, {@code /deop},
 * {@code /voice}, {@code /devoice}, {@code /kick}, {@code /ban}, {@code /unban}, {@code /mode},
 * {@code /invite} (docs/PROTOCOL.md, "Room operators"). What they change comes back as events
 * that every member sees, us included, so an {@code ok} needs no line of its own; a refusal
 * ({@code not_operator}, ...) is shown as an error. Part of {@link SlashCommands}.
 */
final class ModerationCommands {

    /** How {@link SlashCommands} takes a command into its table. */
    interface Table {
        void add(String name, String usage, String help, List<ChatCommand.Arg> args, Consumer<String> action);
    }

    private final Session session;
    private final ChatScreen screen;
    private final ChatFormat format;

    ModerationCommands(Session session, ChatScreen screen, ChatFormat format) {
        this.session = session;
        this.screen = screen;
        this.format = format;
    }

    void fill(Table t) {
        List<ChatCommand.Arg> nick = List.of(ChatCommand.Arg.NICK);
        t.add("/op", "/op <nick>", "make a member an operator of this room (operators only)", nick,
                a -> onNick("/op <nick>", a, (room, n) -> id -> new ClientMessage.Op(id, room, n)));
        t.add("/deop", "/deop <nick>", "take operator rights from a member (operators only)", nick,
                a -> onNick("/deop <nick>", a, (room, n) -> id -> new ClientMessage.Deop(id, room, n)));
        t.add("/voice", "/voice <nick>", "let a member speak in a moderated room (operators only)", nick,
                a -> onNick("/voice <nick>", a, (room, n) -> id -> new ClientMessage.Voice(id, room, n)));
        t.add("/devoice", "/devoice <nick>", "take the voice back (operators only)", nick,
                a -> onNick("/devoice <nick>", a, (room, n) -> id -> new ClientMessage.Devoice(id, room, n)));
        t.add("/kick", "/kick <nick> [reason]", "put a member out of this room (operators only)",
                List.of(ChatCommand.Arg.NICK, ChatCommand.Arg.TEXT), this::kick);
        t.add("/ban", "/ban <mask>", "keep a nick or account out of this room: alice, troll*, guest?? (operators only)",
                nick, a -> onMask("/ban <mask>", a, true));
        t.add("/unban", "/unban <mask>", "lift a ban (operators only)", List.of(), a -> onMask("/unban <mask>", a, false));
        t.add("/mode", "/mode [+i|-i] [+m|-m] [+s|-s]", "show this room's settings, operators and bans, or change"
                + " them: invite-only, moderated, secret", List.of(), this::mode);
        t.add("/invite", "/invite <nick> [room]", "invite someone to this room (operators of invite-only rooms)",
                List.of(ChatCommand.Arg.NICK, ChatCommand.Arg.JOINED_ROOM), this::invite);
    }

    /** A request about one member of the current window's room. */
    private interface Build {
        LongFunction<ClientMessage> with(String room, String nick);
    }

    private void onNick(String usage, String arg, Build build) {
        String room = currentRoom(usage);
        if (room == null) {
            return;
        }
        String nick = arg.strip();
        if (!Names.isValidNick(nick)) {
            error("usage: " + usage);
            return;
        }
        send(room, build.with(room, nick), null);
    }

    private void kick(String arg) {
        String room = currentRoom("/kick <nick> [reason]");
        if (room == null) {
            return;
        }
        String[] parts = arg.strip().split("\\s+", 2);
        if (!Names.isValidNick(parts[0])) {
            error("usage: /kick <nick> [reason]");
            return;
        }
        String reason = parts.length > 1 ? parts[1] : null;
        if (reason != null && !Names.isValidReason(reason)) {
            error("a reason is at most " + Names.MAX_REASON + " characters");
            return;
        }
        send(room, id -> new ClientMessage.Kick(id, room, parts[0], reason), null);
    }

    private void onMask(String usage, String arg, boolean ban) {
        String room = currentRoom(usage);
        if (room == null) {
            return;
        }
        String mask = arg.strip();
        if (!Names.isValidMask(mask)) {
            error("usage: " + usage + " (a nick, or a pattern of nick characters with * and ?, at most "
                    + Names.MAX_MASK + ")");
            return;
        }
        send(room, ban ? id -> new ClientMessage.Ban(id, room, mask) : id -> new ClientMessage.Unban(id, room, mask),
                null);
    }

    private void mode(String arg) {
        String room = currentRoom("/mode [+i|-i] [+m|-m] [+s|-s]");
        if (room == null) {
            return;
        }
        Boolean inviteOnly = null;
        Boolean moderated = null;
        Boolean secret = null;
        for (String word : arg.isBlank() ? new String[0] : arg.strip().split("\\s+")) {
            if (word.length() < 2 || (word.charAt(0) != '+' && word.charAt(0) != '-')) {
                error("usage: /mode [+i|-i] [+m|-m] [+s|-s] (i: invite-only, m: moderated, s: secret)");
                return;
            }
            boolean on = word.charAt(0) == '+';
            for (char c : word.substring(1).toCharArray()) {
                switch (c) {
                    case 'i' -> inviteOnly = on;
                    case 'm' -> moderated = on;
                    case 's' -> secret = on;
                    default -> {
                        error("unknown mode '" + c + "': i (invite-only), m (moderated), s (secret);"
                                + " operators, voice and bans have their own commands");
                        return;
                    }
                }
            }
        }
        Boolean i = inviteOnly;
        Boolean m = moderated;
        Boolean s = secret;
        send(room, id -> new ClientMessage.Mode(id, room, i, m, s), reply -> {
            if (reply instanceof ServerMessage.Mode settings) {
                screen.info(format.mode(settings));
            }
        });
    }

    private void invite(String arg) {
        String[] parts = arg.strip().split("\\s+");
        if (parts.length < 1 || parts.length > 2 || !Names.isValidNick(parts[0])) {
            error("usage: /invite <nick> [room]");
            return;
        }
        String room = parts.length == 2 ? SlashCommands.room(screen, format, parts[1], "/invite <nick> [room]")
                : currentRoom("/invite <nick> [room]");
        if (room == null) {
            return;
        }
        send(room, id -> new ClientMessage.Invite(id, room, parts[0]),
                reply -> screen.info(format.info("invited " + singleLine(parts[0]) + " to #" + room)));
    }

    private void send(String room, LongFunction<ClientMessage> request, Consumer<ServerMessage> then) {
        session.request(request).whenComplete((m, ex) -> {
            Throwable t = SlashCommands.unwrap(ex);
            if (t instanceof ServerError se && ErrorCode.UNKNOWN_TYPE.equals(se.code())) {
                error("this server has no room operators");
            } else if (ex != null) {
                error("#" + room + ": " + SlashCommands.describe(ex));
            } else if (then != null) {
                then.accept(m);
            }
        });
    }

    /** The room of the current window, or null after saying that this needs one. */
    private String currentRoom(String usage) {
        Window w = screen.current();
        if (w == null || !w.isRoom()) {
            error(usage.split(" ")[0] + " works on a room: use it in a room's window");
            return null;
        }
        return w.name();
    }

    private void error(String text) {
        screen.info(format.error(text));
    }
}
