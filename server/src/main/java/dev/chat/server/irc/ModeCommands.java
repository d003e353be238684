package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code MODE} ("Modern IRC", section "MODE message", and "Channel Modes") over the chat's room
 * moderation: {@code +i}, {@code +m}, {@code +s} are the room's {@code mode} flags (one
 * {@code mode} request per line), {@code +o}/{@code -o} are {@code op}/{@code deop},
 * {@code +v}/{@code -v} {@code voice}/{@code devoice}, {@code +b}/{@code -b mask}
 * {@code ban}/{@code unban} ({@link BanMasks}), and {@code MODE #room b} the ban list. {@code n}
 * and {@code t} are fixed: only members send to a room, and only operators set the topic of a
 * room that has operators. What changed is told by the core's events ({@code MODE} lines to the
 * whole channel, the changer too), never by the reply.
 */
final class ModeCommands {

    /** {@code MODES}: modes with a parameter taken per {@code MODE} line. */
    static final int MAX_PARAM_MODES = 4;
    /** {@code CHANMODES}: type A (lists) {@code b}; no type B or C; type D (flags). */
    static final String CHANMODES = "b,,,imnst";
    /** {@code PREFIX}. */
    static final String PREFIX = "(ov)@+";
    /** Every channel mode ({@code 004}). */
    static final String ALL_CHANNEL_MODES = "bimnostv";
    /** The channel modes that take a parameter ({@code 004}). */
    static final String PARAM_CHANNEL_MODES = "bov";

    private final IrcSession s;

    ModeCommands(IrcSession s) {
        this.s = s;
    }

    void mode(IrcLine line, Response r) {
        String target = line.param(0);
        if (!target.startsWith("#")) {
            userMode(line, r);
            return;
        }
        String room = ChannelCommands.room(target);
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ChannelCommands.ROOM_RULE, target));
            return;
        }
        String channel = "#" + room;
        if (line.params().size() == 1) {
            query(room, r, reply -> r.add(channelModeIs(channel, reply)));
            return;
        }
        change(line, room, r);
    }

    /** A {@code mode} query; {@code then} runs with the reply, errors are answered here. */
    private void query(String room, Response r, java.util.function.Consumer<ServerMessage.Mode> then) {
        s.call(id -> new ClientMessage.Mode(id, room), r, reply -> {
            if (reply instanceof ServerMessage.Mode m) {
                then.accept(m);
            } else if (reply instanceof ServerMessage.Error e) {
                r.add(ErrorCode.NOT_IN_ROOM.equals(e.code()) ? s.replies().std(Numeric.ERR_NOSUCHCHANNEL, "#" + room)
                        : error(e, "MODE", "#" + room, null));
            }
        });
    }

    /** {@code 324 #room +nt...}: {@code t} when the room has an operator among its members. */
    private IrcLine channelModeIs(String channel, ServerMessage.Mode m) {
        StringBuilder modes = new StringBuilder("+");
        if (m.inviteOnly()) {
            modes.append('i');
        }
        if (m.moderated()) {
            modes.append('m');
        }
        modes.append('n');
        if (m.secret()) {
            modes.append('s');
        }
        if (!m.operators().isEmpty()) {
            modes.append('t');
        }
        return new IrcLine(null, s.info().serverName(), Numeric.RPL_CHANNELMODEIS.code(),
                List.of(s.nick(), channel, modes.toString()), false);
    }

    private void change(IrcLine line, String room, Response r) {
        String channel = "#" + room;
        String modes = line.param(1);
        int arg = 2;
        boolean plus = true;
        Boolean inviteOnly = null;
        Boolean moderated = null;
        Boolean secret = null;
        boolean listedBans = false;
        boolean fixedTold = false;
        java.util.Set<Character> told = new java.util.HashSet<>(); // one answer per mode char and line
        int paramModes = 0;
        List<Runnable> requests = new ArrayList<>();
        boolean[] refused = {false}; // one 482 per line is enough
        for (char c : modes.toCharArray()) {
            switch (c) {
                case '+' -> plus = true;
                case '-' -> plus = false;
                case 'i' -> inviteOnly = plus;
                case 'm' -> moderated = plus;
                case 's' -> secret = plus;
                case 'n', 't' -> {
                    if (!fixedTold) {
                        fixedTold = true;
                        r.add(s.replies().num(Numeric.ERR_UNKNOWNERROR, "MODE", "Modes n and t are fixed on this "
                                + "server: only members send to a room, and only operators set the topic of a room "
                                + "that has operators"));
                    }
                }
                case 'e', 'I' -> {
                    if (line.param(arg) == null) {
                        if (told.add(c)) {
                            r.add(s.replies().std(c == 'e' ? Numeric.RPL_ENDOFEXCEPTLIST
                                    : Numeric.RPL_ENDOFINVITELIST, channel));
                        }
                    } else {
                        arg++;
                        if (told.add(c)) {
                            r.add(s.replies().std(Numeric.ERR_UNKNOWNMODE, String.valueOf(c)));
                        }
                    }
                }
                case 'b' -> {
                    String mask = line.param(arg);
                    if (mask == null) {
                        if (!listedBans) {
                            listedBans = true;
                            requests.add(() -> banList(room, r));
                        }
                    } else if (++paramModes > MAX_PARAM_MODES) {
                        arg++;
                    } else {
                        arg++;
                        BanMasks.Parsed p = BanMasks.fromIrc(mask, s.info().userHost());
                        if (p.glob() == null) {
                            r.add(s.replies().num(Numeric.ERR_INVALIDMODEPARAM, channel, "b", Replies.word(mask),
                                    "Ban mask not taken: " + p.problem()));
                        } else {
                            boolean ban = plus;
                            requests.add(() -> changeRequest(room, ban ? id -> new ClientMessage.Ban(id, room, p.glob())
                                    : id -> new ClientMessage.Unban(id, room, p.glob()), null, refused, r));
                        }
                    }
                }
                case 'o', 'v' -> {
                    String nick = line.param(arg);
                    if (nick == null) {
                        if (told.add(c)) {
                            r.add(s.replies().because(Numeric.ERR_NEEDMOREPARAMS, "+" + c + " needs a nick", "MODE"));
                        }
                    } else if (++paramModes > MAX_PARAM_MODES) {
                        arg++;
                    } else {
                        arg++;
                        if (!Names.isValidNick(nick)) {
                            r.add(s.replies().std(Numeric.ERR_NOSUCHNICK, nick));
                        } else {
                            boolean give = plus;
                            IrcSession.Request req = c == 'o'
                                    ? give ? id -> new ClientMessage.Op(id, room, nick)
                                           : id -> new ClientMessage.Deop(id, room, nick)
                                    : give ? id -> new ClientMessage.Voice(id, room, nick)
                                           : id -> new ClientMessage.Devoice(id, room, nick);
                            requests.add(() -> changeRequest(room, req, nick, refused, r));
                        }
                    }
                }
                default -> {
                    if (told.add(c)) {
                        r.add(s.replies().std(Numeric.ERR_UNKNOWNMODE, String.valueOf(c)));
                    }
                }
            }
        }
        if (paramModes > MAX_PARAM_MODES) {
            r.add(s.replies().num(Numeric.ERR_UNKNOWNERROR, "MODE", "At most " + MAX_PARAM_MODES
                    + " modes with a parameter per MODE (MODES=" + MAX_PARAM_MODES + "); the others were not done"));
        }
        boolean flags = inviteOnly != null || moderated != null || secret != null;
        boolean changes = flags || requests.size() > (listedBans ? 1 : 0);
        if (changes && !s.joined.contains(room)) {
            r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, channel));
            if (listedBans) {
                banList(room, r);
            }
            return;
        }
        if (flags) { // one request for all of them, first (as IRC applies a line's modes in order, flags aside)
            Boolean i = inviteOnly;
            Boolean m = moderated;
            Boolean sec = secret;
            changeRequest(room, id -> new ClientMessage.Mode(id, room, i, m, sec), null, refused, r);
        }
        requests.forEach(Runnable::run);
    }

    /** One change request; its {@code ok} says nothing (the core's event is the answer), its error a numeric. */
    private void changeRequest(String room, IrcSession.Request request, String nick, boolean[] refused, Response r) {
        s.call(request, r, reply -> {
            if (reply instanceof ServerMessage.Error e) {
                if (ErrorCode.NOT_OPERATOR.equals(e.code())) {
                    if (!refused[0]) {
                        refused[0] = true;
                        r.add(s.replies().std(Numeric.ERR_CHANOPRIVSNEEDED, "#" + room));
                    }
                } else {
                    r.add(error(e, "MODE", "#" + room, nick));
                }
            }
        });
    }

    /** {@code 367} per ban, {@code 368}. */
    private void banList(String room, Response r) {
        String channel = "#" + room;
        query(room, r, m -> {
            for (String ban : m.bans()) {
                r.add(new IrcLine(null, s.info().serverName(), Numeric.RPL_BANLIST.code(),
                        List.of(s.nick(), channel, BanMasks.toIrc(ban)), false));
            }
            r.add(s.replies().std(Numeric.RPL_ENDOFBANLIST, channel));
        });
    }

    /**
     * The numeric for a moderation request's error (MODE, KICK, INVITE, TOPIC): {@code 482} not
     * an operator, {@code 441} target not in the room, {@code 442} not in it oneself.
     */
    IrcLine error(ServerMessage.Error e, String command, String channel, String nick) {
        Replies rep = s.replies();
        return switch (e.code()) {
            case ErrorCode.NOT_OPERATOR -> rep.std(Numeric.ERR_CHANOPRIVSNEEDED, channel);
            case ErrorCode.NO_SUCH_USER -> nick == null ? rep.num(Numeric.ERR_UNKNOWNERROR, command, e.message())
                    : rep.std(Numeric.ERR_USERNOTINCHANNEL, nick, channel);
            case ErrorCode.NOT_IN_ROOM -> rep.std(Numeric.ERR_NOTONCHANNEL, channel);
            case ErrorCode.UNAVAILABLE -> rep.num(Numeric.RPL_TRYAGAIN, command, e.message() + "; please try again");
            default -> rep.num(Numeric.ERR_UNKNOWNERROR, command, channel + ": " + e.message());
        };
    }

    /** {@code MODE nick}: {@code 221 +}; nobody can set a user mode ({@code +o} is ignored, as the spec says). */
    private void userMode(IrcLine line, Response r) {
        String target = line.param(0);
        if (!s.isMe(target)) {
            r.add(Names.isValidNick(target) ? s.replies().std(Numeric.ERR_USERSDONTMATCH)
                    : s.replies().std(Numeric.ERR_NOSUCHNICK, target));
            return;
        }
        if (line.params().size() == 1) {
            r.add(new IrcLine(null, s.info().serverName(), Numeric.RPL_UMODEIS.code(), List.of(s.nick(), "+"), false));
            return;
        }
        for (char c : line.param(1).toCharArray()) {
            if (c != '+' && c != '-' && c != 'o') {
                r.add(s.replies().std(Numeric.ERR_UMODEUNKNOWNFLAG));
                return;
            }
        }
    }
}
