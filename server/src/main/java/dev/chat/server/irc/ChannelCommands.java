package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Channel commands ("Modern IRC", section "Channel Operations"): channel {@code #room} is the
 * chat room {@code room}. {@code JOIN} (several, keys ignored, {@code JOIN 0}) is {@code join},
 * {@code PART} is {@code part}, {@code NAMES} and {@code WHO #room} are {@code who},
 * {@code LIST} is {@code rooms}. Topics go through {@link IrcHooks#topic}; modes are those the
 * server has ({@link IrcServerInfo#channelModes()}) and nobody can change them (no operators).
 */
final class ChannelCommands {

    static final String ROOM_RULE = "a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on this server";

    private final IrcSession s;

    ChannelCommands(IrcSession s) {
        this.s = s;
    }

    /** The room for an IRC channel name, or {@code null}: {@code #} is required here (CHANTYPES=#). */
    static String room(String channel) {
        return channel.startsWith("#") ? Names.normalizeRoom(channel) : null;
    }

    void join(IrcLine line, Response r) {
        if (line.param(0).equals("0")) {
            for (String room : List.copyOf(s.joined)) {
                part(room, null, r);
            }
            return;
        }
        for (String channel : line.param(0).split(",")) {
            if (channel.isEmpty()) {
                continue;
            }
            String room = room(channel);
            if (room == null) {
                r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, channel));
            } else if (!s.joined.contains(room)) {
                s.call(id -> new ClientMessage.Join(id, room), r, reply -> {
                    if (reply instanceof ServerMessage.Joined j) {
                        joined(j, r);
                    } else if (reply instanceof ServerMessage.Error e) {
                        r.add(joinError(e, channel));
                    }
                });
            }
        }
    }

    private void joined(ServerMessage.Joined j, Response r) {
        if (!s.joined.add(j.room())) {
            return; // a second JOIN of the same room, sent before the first was answered
        }
        r.add(s.renderer().join(s.nick(), j.room(), s.caps(), s.now()));
        IrcHooks.Topic topic = s.core().topic(j.room());
        if (topic != null) {
            topicLines(j.room(), topic, r);
        }
        names(j.room(), j.members(), r);
    }

    private IrcLine joinError(ServerMessage.Error e, String channel) {
        Replies rep = s.replies();
        return switch (e.code()) {
            case ErrorCode.TOO_MANY_ROOMS -> rep.because(Numeric.ERR_TOOMANYCHANNELS,
                    "at most " + s.info().maxRoomsPerSession() + " per connection", channel);
            case ErrorCode.ROOM_FULL -> rep.std(Numeric.ERR_CHANNELISFULL, channel);
            case ErrorCode.INVALID -> rep.because(Numeric.ERR_NOSUCHCHANNEL, e.message(), channel);
            case ErrorCode.UNAVAILABLE -> rep.num(Numeric.RPL_TRYAGAIN, "JOIN",
                    "Could not join " + channel + ": " + e.message() + "; please try again");
            default -> rep.num(Numeric.ERR_UNKNOWNERROR, "JOIN", "Could not join " + channel + ": " + e.message());
        };
    }

    void part(IrcLine line, Response r) {
        String reason = line.param(1);
        for (String channel : line.param(0).split(",")) {
            if (channel.isEmpty()) {
                continue;
            }
            String room = room(channel);
            if (room == null) {
                r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, channel));
            } else {
                part(room, reason, r);
            }
        }
    }

    private void part(String room, String reason, Response r) {
        String told = reason == null || reason.isEmpty() ? null : Names.cleanReason(reason); // the others see it
        s.call(id -> new ClientMessage.Part(id, room, told), r, reply -> {
            if (reply instanceof ServerMessage.Parted p) {
                s.joined.remove(p.room());
                List<String> params = reason == null || reason.isEmpty() ? List.of("#" + p.room())
                        : List.of("#" + p.room(), reason);
                r.add(s.renderer().from(s.nick(), s.caps(), s.now(), "PART", params, params.size() > 1));
            } else if (reply instanceof ServerMessage.Error e) {
                r.add(ErrorCode.NOT_IN_ROOM.equals(e.code()) ? s.replies().std(Numeric.ERR_NOTONCHANNEL, "#" + room)
                        : s.replies().num(Numeric.ERR_UNKNOWNERROR, "PART", "Could not leave #" + room + ": "
                        + e.message()));
            }
        });
    }

    void names(IrcLine line, Response r) {
        if (line.params().isEmpty()) {
            r.add(s.replies().std(Numeric.RPL_ENDOFNAMES, "*"));
            return;
        }
        for (String channel : line.param(0).split(",")) {
            String room = channel.isEmpty() ? null : room(channel);
            if (room == null) {
                r.add(s.replies().std(Numeric.RPL_ENDOFNAMES, channel.isEmpty() ? "*" : channel));
                continue;
            }
            s.call(id -> new ClientMessage.Who(id, room), r, reply -> {
                if (reply instanceof ServerMessage.WhoReply w) {
                    names(room, w.members(), r);
                } else {
                    r.add(s.replies().std(Numeric.RPL_ENDOFNAMES, channel));
                }
            });
        }
    }

    /** {@code 353} lines (as many as the members need) and {@code 366}. */
    void names(String room, List<String> members, Response r) {
        String channel = "#" + room;
        String head = ":" + s.info().serverName() + " 353 " + s.nick() + " = " + channel + " :";
        int budget = IrcLine.MAX_BODY_BYTES - 2 - TextSplitter.utf8Length(head);
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (String member : members) {
            String entry = s.memberPrefix(room, member) + (Capability.USERHOST_IN_NAMES.in(s.caps())
                    ? s.info().mask(member) : member);
            int size = TextSplitter.utf8Length(entry);
            if (used > 0 && used + 1 + size > budget) {
                r.add(s.replies().num(Numeric.RPL_NAMREPLY, "=", channel, sb.toString()));
                sb.setLength(0);
                used = 0;
            }
            used += (used == 0 ? 0 : 1) + size;
            sb.append(sb.length() == 0 ? "" : " ").append(entry);
        }
        if (sb.length() > 0) {
            r.add(s.replies().num(Numeric.RPL_NAMREPLY, "=", channel, sb.toString()));
        }
        r.add(s.replies().std(Numeric.RPL_ENDOFNAMES, channel));
    }

    /** {@code LIST [#a,#b | >n,<n]}: all rooms, or those named, or by member count (ELIST=U). */
    void list(IrcLine line, Response r) {
        List<String> names = new ArrayList<>();
        int more = -1;
        int fewer = Integer.MAX_VALUE;
        if (line.param(0) != null) {
            for (String f : line.param(0).split(",")) {
                if (f.matches("[<>]\\d{1,9}")) {
                    int n = Integer.parseInt(f.substring(1));
                    if (f.charAt(0) == '>') {
                        more = Math.max(more, n);
                    } else {
                        fewer = Math.min(fewer, n);
                    }
                } else if (room(f) != null) {
                    names.add(room(f));
                }
            }
        }
        int min = more;
        int max = fewer;
        s.call(id -> new ClientMessage.ListRooms(id), r, reply -> {
            r.add(s.replies().std(Numeric.RPL_LISTSTART, "Channel"));
            if (reply instanceof ServerMessage.RoomList list) {
                for (ServerMessage.RoomInfo room : list.rooms()) {
                    if ((names.isEmpty() || names.contains(room.room())) && room.members() > min
                            && room.members() < max) {
                        IrcHooks.Topic topic = s.core().topic(room.room());
                        r.add(s.replies().num(Numeric.RPL_LIST, "#" + room.room(), String.valueOf(room.members()),
                                topic == null ? "" : topic.text()));
                    }
                }
            }
            r.add(s.replies().std(Numeric.RPL_LISTEND));
        });
    }

    void topic(IrcLine line, Response r) {
        String channel = line.param(0);
        String room = room(channel);
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, channel));
            return;
        }
        if (line.params().size() == 1) {
            IrcHooks.Topic topic = s.core().topic(room);
            if (topic == null) {
                r.add(s.replies().std(Numeric.RPL_NOTOPIC, "#" + room));
            } else {
                topicLines(room, topic, r);
            }
            return;
        }
        if (!s.joined.contains(room)) {
            r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, "#" + room));
            return;
        }
        String text = line.param(1);
        if (text.length() > s.info().topicLength()) { // TOPICLEN: cut, as the spec allows
            text = text.substring(0, Character.isLowSurrogate(text.charAt(s.info().topicLength()))
                    ? s.info().topicLength() - 1 : s.info().topicLength());
        }
        Response.Slot slot = r.open();
        s.core().setTopic(room, text, result -> r.complete(slot, () -> {
            switch (result) {
                case OK -> { } // the core tells every member, this one too (IrcSession.onTopic)
                case NOT_IN_ROOM -> r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, "#" + room));
                case NOT_ALLOWED -> r.add(s.replies().std(Numeric.ERR_CHANOPRIVSNEEDED, "#" + room));
                case UNSUPPORTED -> r.add(s.replies().because(Numeric.ERR_CHANOPRIVSNEEDED,
                        "topics cannot be set on this server yet", "#" + room));
            }
        }));
    }

    private void topicLines(String room, IrcHooks.Topic topic, Response r) {
        r.add(s.replies().num(Numeric.RPL_TOPIC, "#" + room, topic.text()));
        r.add(new IrcLine(null, s.info().serverName(), Numeric.RPL_TOPICWHOTIME.code(), List.of(s.nick(), "#" + room,
                topic.setBy(), String.valueOf(Instant.ofEpochMilli(topic.setAtMillis()).getEpochSecond())), false));
    }

    /**
     * {@code MODE #room}: {@code 324 +n}. List queries ({@code b}, {@code e}, {@code I}) get an
     * empty list. Changing a mode: {@code 472} for modes this server does not have, {@code 482}
     * for those it has (nobody is an operator).
     */
    void mode(IrcLine line, Response r) {
        String target = line.param(0);
        if (!target.startsWith("#")) {
            userMode(line, r);
            return;
        }
        String room = room(target);
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, target));
            return;
        }
        String channel = "#" + room;
        if (line.params().size() == 1) {
            if (s.joined.contains(room)) {
                r.add(channelModeIs(channel));
                return;
            }
            s.call(id -> new ClientMessage.Who(id, room), r, reply -> r.add(
                    reply instanceof ServerMessage.WhoReply w && !w.members().isEmpty() ? channelModeIs(channel)
                            : s.replies().std(Numeric.ERR_NOSUCHCHANNEL, target)));
            return;
        }
        String modes = line.param(1);
        boolean setting = line.params().size() > 2;
        boolean refused = false;
        for (char c : modes.toCharArray()) {
            if (c == '+' || c == '-') {
                continue;
            }
            if (!setting && (c == 'b' || c == 'e' || c == 'I')) {
                Numeric end = c == 'b' ? Numeric.RPL_ENDOFBANLIST : c == 'e' ? Numeric.RPL_ENDOFEXCEPTLIST
                        : Numeric.RPL_ENDOFINVITELIST;
                r.add(s.replies().std(end, channel));
            } else if (s.info().channelModes().indexOf(c) < 0) {
                r.add(s.replies().std(Numeric.ERR_UNKNOWNMODE, String.valueOf(c)));
            } else if (!refused) {
                refused = true;
                r.add(s.replies().because(Numeric.ERR_CHANOPRIVSNEEDED, "nobody can change modes on this server",
                        channel));
            }
        }
    }

    private IrcLine channelModeIs(String channel) {
        String modes = "+" + s.info().channelModes();
        return new IrcLine(null, s.info().serverName(), Numeric.RPL_CHANNELMODEIS.code(),
                List.of(s.nick(), channel, modes), false);
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

    /** {@code KICK}: nobody is a channel operator. */
    void kick(IrcLine line, Response r) {
        String room = room(line.param(0));
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, line.param(0)));
        } else if (!s.joined.contains(room)) {
            r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, "#" + room));
        } else {
            r.add(s.replies().because(Numeric.ERR_CHANOPRIVSNEEDED, "nobody can kick on this server", "#" + room));
        }
    }
}
