package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Channel commands ("Modern IRC", section "Channel Operations"): channel {@code #room} is the
 * chat room {@code room}. {@code JOIN} (several, keys ignored, {@code JOIN 0}) is {@code join},
 * {@code PART} is {@code part}, {@code NAMES} and {@code WHO #room} are {@code who},
 * {@code LIST} is {@code rooms}, {@code TOPIC} is {@code topic}, {@code KICK} is {@code kick},
 * {@code INVITE} is {@code invite} ({@code MODE}: {@link ModeCommands}). Operators and voiced
 * members carry the {@code @} and {@code +} prefixes ({@code PREFIX=(ov)@+}, all of them with
 * {@code multi-prefix}); secret rooms stay out of {@code LIST} and {@code NAMES} for non-members
 * because the core answers so.
 */
final class ChannelCommands {

    static final String ROOM_RULE = "a channel is # and 1 to 64 of A-Z a-z 0-9 _ - . on this server";
    /** {@code TARGMAX=KICK:4}. */
    static final int MAX_KICK_TARGETS = 4;

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
        s.roles().joined(j.room(), j.operators(), j.voiced(), j.topic());
        r.add(s.renderer().join(s.nick(), j.room(), s.caps(), s.now()));
        if (j.topic() != null && !j.topic().isEmpty()) {
            // who set it and when (333) are the topic reply's: asked for, 332 alone if that fails
            s.call(id -> new ClientMessage.Topic(id, j.room(), null), r, reply -> {
                topicLines(reply instanceof ServerMessage.Topic t ? t
                        : new ServerMessage.Topic(null, j.room(), j.topic(), null, null), r);
                names(j.room(), j.members(), s::memberPrefix, r);
            });
        } else {
            names(j.room(), j.members(), s::memberPrefix, r);
        }
    }

    private IrcLine joinError(ServerMessage.Error e, String channel) {
        Replies rep = s.replies();
        return switch (e.code()) {
            case ErrorCode.TOO_MANY_ROOMS -> rep.because(Numeric.ERR_TOOMANYCHANNELS,
                    "at most " + s.info().maxRoomsPerSession() + " per connection", channel);
            case ErrorCode.ROOM_FULL -> rep.std(Numeric.ERR_CHANNELISFULL, channel);
            case ErrorCode.BANNED -> rep.std(Numeric.ERR_BANNEDFROMCHAN, channel);
            case ErrorCode.INVITE_ONLY -> rep.because(Numeric.ERR_INVITEONLYCHAN,
                    "an operator of it must INVITE you", channel);
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
                s.roles().left(p.room());
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
                    names(room, w.members(), s.prefixes(w), r);
                } else {
                    r.add(s.replies().std(Numeric.RPL_ENDOFNAMES, channel));
                }
            });
        }
    }

    /** {@code 353} lines (as many as the members need) and {@code 366}. */
    void names(String room, List<String> members, BiFunction<String, String, String> prefix, Response r) {
        String channel = "#" + room;
        String head = ":" + s.info().serverName() + " 353 " + s.nick() + " = " + channel + " :";
        int budget = IrcLine.MAX_BODY_BYTES - 2 - TextSplitter.utf8Length(head);
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (String member : members) {
            String entry = prefix.apply(room, member) + (Capability.USERHOST_IN_NAMES.in(s.caps())
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
                        String topic = s.roles().topic(room.room());
                        IrcHooks.Topic hooked = topic == null ? s.core().topic(room.room()) : null;
                        r.add(s.replies().num(Numeric.RPL_LIST, "#" + room.room(), String.valueOf(room.members()),
                                topic != null ? topic : hooked != null ? hooked.text() : ""));
                    }
                }
            }
            r.add(s.replies().std(Numeric.RPL_LISTEND));
        });
    }

    /**
     * {@code TOPIC #room} asks the core ({@code 332}/{@code 333}, or {@code 331}); {@code TOPIC #room
     * :text} sets it ({@code ""} clears it): the core's {@code topic} event, to every member and the
     * setter too, is the answer ({@code TOPIC} line); {@code 482} when the room has operators and
     * this user is not one.
     */
    void topic(IrcLine line, Response r) {
        String channel = line.param(0);
        String room = room(channel);
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, channel));
            return;
        }
        if (line.params().size() == 1) {
            s.call(id -> new ClientMessage.Topic(id, room, null), r, reply -> {
                if (reply instanceof ServerMessage.Topic t) {
                    topicLines(t, r);
                } else if (reply instanceof ServerMessage.Error e) {
                    r.add(ErrorCode.NOT_IN_ROOM.equals(e.code()) ? s.replies().std(Numeric.ERR_NOSUCHCHANNEL, "#" + room)
                            : s.modes().error(e, "TOPIC", "#" + room, null));
                }
            });
            return;
        }
        if (!s.joined.contains(room)) {
            r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, "#" + room));
            return;
        }
        String text = line.param(1);
        int max = Math.min(s.info().topicLength(), Names.MAX_TOPIC);
        String topic = text.codePointCount(0, text.length()) <= max ? text // TOPICLEN: cut, as the spec allows
                : text.substring(0, text.offsetByCodePoints(0, max));
        s.call(id -> new ClientMessage.Topic(id, room, topic), r, reply -> {
            if (reply instanceof ServerMessage.Error e) {
                r.add(s.modes().error(e, "TOPIC", "#" + room, null));
            }
        });
    }

    /** {@code 331}, or {@code 332} and (when the core knows who set it) {@code 333}. */
    private void topicLines(ServerMessage.Topic t, Response r) {
        String channel = "#" + t.room();
        if (t.topic() == null || t.topic().isEmpty()) {
            r.add(s.replies().std(Numeric.RPL_NOTOPIC, channel));
            return;
        }
        r.add(s.replies().num(Numeric.RPL_TOPIC, channel, t.topic()));
        if (t.by() != null && t.ts() != null) {
            r.add(new IrcLine(null, s.info().serverName(), Numeric.RPL_TOPICWHOTIME.code(), List.of(s.nick(), channel,
                    t.by(), String.valueOf(Instant.ofEpochMilli(t.ts()).getEpochSecond())), false));
        }
    }

    /**
     * {@code KICK #room nick[,nick...] [:reason]}: a core {@code kick} per nick (at most
     * {@link #MAX_KICK_TARGETS}); the core's {@code kick} event is the {@code KICK} line every
     * member sees, the kicker and the kicked one too.
     */
    void kick(IrcLine line, Response r) {
        String room = room(line.param(0));
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, line.param(0)));
            return;
        }
        String channel = "#" + room;
        if (!s.joined.contains(room)) {
            r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, channel));
            return;
        }
        String given = line.param(2);
        String reason = given == null || given.isEmpty() ? null : Names.cleanReason(given);
        int n = 0;
        for (String nick : line.param(1).split(",")) {
            if (nick.isEmpty()) {
                continue;
            }
            if (++n > MAX_KICK_TARGETS) {
                r.add(s.replies().because(Numeric.ERR_TOOMANYTARGETS, "at most " + MAX_KICK_TARGETS
                        + " nicks per KICK; this one was not kicked", nick));
                continue;
            }
            if (!Names.isValidNick(nick)) {
                r.add(s.replies().std(Numeric.ERR_USERNOTINCHANNEL, nick, channel));
                continue;
            }
            s.call(id -> new ClientMessage.Kick(id, room, nick, reason), r, reply -> {
                if (reply instanceof ServerMessage.Error e) {
                    r.add(s.modes().error(e, "KICK", channel, nick));
                }
            });
        }
    }

    /**
     * {@code INVITE nick #room}: {@code 341} once the core took the invitation (the invited user,
     * wherever it is connected, gets {@code INVITE}); {@code 401} for a nick nobody has.
     */
    void invite(IrcLine line, Response r) {
        String nick = line.param(0);
        String room = room(line.param(1));
        if (room == null) {
            r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ROOM_RULE, line.param(1)));
            return;
        }
        String channel = "#" + room;
        if (!s.joined.contains(room)) {
            r.add(s.replies().std(Numeric.ERR_NOTONCHANNEL, channel));
            return;
        }
        if (!Names.isValidNick(nick)) {
            r.add(s.replies().std(Numeric.ERR_NOSUCHNICK, nick));
            return;
        }
        Response.Slot slot = r.open();
        s.core().lookupUser(nick, u -> r.complete(slot, () -> {
            if (u == null) {
                r.add(s.replies().std(Numeric.ERR_NOSUCHNICK, nick));
                return;
            }
            s.call(id -> new ClientMessage.Invite(id, room, u.nick()), r, reply -> {
                if (reply instanceof ServerMessage.Ok) {
                    r.add(new IrcLine(null, s.info().serverName(), Numeric.RPL_INVITING.code(),
                            List.of(s.nick(), u.nick(), channel), false));
                } else if (reply instanceof ServerMessage.Error e) {
                    r.add(s.modes().error(e, "INVITE", channel, nick));
                }
            });
        }));
    }
}
