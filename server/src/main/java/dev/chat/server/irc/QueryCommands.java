package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Names;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Connection and user queries ("Modern IRC", sections "Connection Messages", "Server Queries
 * and Commands", "User-Based Queries"): {@code PING}, {@code PONG}, {@code QUIT}, {@code WHO},
 * {@code WHOIS}, {@code WHOWAS}, {@code AWAY}, {@code MOTD}, {@code LUSERS}, {@code VERSION},
 * {@code TIME}, {@code USERHOST}, {@code ISON}, {@code OPER}. Facts the chat protocol does not
 * carry (who is online where, away messages, counts) come from {@link IrcHooks}.
 */
final class QueryCommands {

    /** {@code USERHOST} takes 5 nicks ("Modern IRC"); {@code ISON} is bounded the same way. */
    static final int MAX_USERHOST = 5;
    static final int MAX_ISON = 32;

    private static final DateTimeFormatter HUMAN_TIME = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final IrcSession s;

    QueryCommands(IrcSession s) {
        this.s = s;
    }

    void ping(IrcLine line, Response r) {
        r.add(new IrcLine(null, s.info().serverName(), "PONG", List.of(s.info().serverName(), line.param(0)), true));
    }

    /** A sign of life; the core may count it ({@code pong}). */
    void pong(IrcLine line, Response r) {
        if (s.registered()) {
            s.core().send(new Pong(null));
        }
    }

    void quit(IrcLine line, Response r) {
        String reason = line.param(0);
        if (s.registered()) {
            s.core().send(new ClientMessage.Quit(null, reason == null || reason.isEmpty() ? null : reason));
        }
        s.closeWith("Quit: " + (reason == null ? "" : reason));
    }

    // ---- WHO / WHOIS / WHOWAS / USERHOST / ISON ----

    void who(IrcLine line, Response r) {
        String mask = line.param(0);
        if (mask.startsWith("#")) {
            String room = ChannelCommands.room(mask);
            if (room == null) {
                r.add(s.replies().std(Numeric.RPL_ENDOFWHO, mask));
                return;
            }
            s.call(id -> new ClientMessage.Who(id, room), r, reply -> {
                if (reply instanceof ServerMessage.WhoReply w) {
                    var prefixes = s.prefixes(w); // the reply's operators and voiced members
                    for (String member : w.members()) {
                        r.add(whoLine("#" + room, member, null, s.info().serverName(), prefixes.apply(room, member)));
                    }
                }
                r.add(s.replies().std(Numeric.RPL_ENDOFWHO, mask));
            });
        } else if (s.isMe(mask)) {
            r.add(whoLine("*", s.nick(), s.registration().realname(), s.info().serverName(), ""));
            r.add(s.replies().std(Numeric.RPL_ENDOFWHO, mask));
        } else if (Names.isValidNick(mask)) {
            Response.Slot slot = r.open();
            s.core().lookupUser(mask, u -> r.complete(slot, () -> {
                if (u != null) {
                    r.add(whoLine("*", u.nick(), u.realname(), u.server(), ""));
                }
                r.add(s.replies().std(Numeric.RPL_ENDOFWHO, mask));
            }));
        } else {
            r.add(s.replies().std(Numeric.RPL_ENDOFWHO, mask)); // masks with wildcards are not searched
        }
    }

    /** {@code 352 client channel user host server nick H|G[prefix] :0 realname}. */
    private IrcLine whoLine(String channel, String nick, String realname, String server, String prefix) {
        String away = s.isMe(nick) ? s.away() : s.core().awayMessage(nick);
        String real = realname != null ? realname
                : s.isMe(nick) ? s.registration().realname() : s.core().realname(nick);
        return s.replies().num(Numeric.RPL_WHOREPLY, channel, nick, s.info().userHost(), server, nick,
                (away == null ? "H" : "G") + prefix, "0 " + (real == null || real.isEmpty() ? nick : real));
    }

    void whois(IrcLine line, Response r) {
        String target = (line.params().size() >= 2 ? line.param(1) : line.param(0)).split(",")[0];
        if (target.isEmpty() || !Names.isValidNick(target)) {
            r.add(s.replies().std(Numeric.ERR_NOSUCHNICK, target.isEmpty() ? "*" : target));
            r.add(s.replies().std(Numeric.RPL_ENDOFWHOIS, target.isEmpty() ? "*" : target));
        } else if (s.isMe(target)) {
            whoisLines(new IrcHooks.UserInfo(s.nick(), s.registration().realname(), s.info().serverName(),
                    List.copyOf(s.joined)), s.away(), s.registration().account(), r);
        } else {
            Response.Slot slot = r.open();
            s.core().lookupUser(target, u -> r.complete(slot, () -> {
                if (u == null) {
                    r.add(s.replies().std(Numeric.ERR_NOSUCHNICK, target));
                    r.add(s.replies().std(Numeric.RPL_ENDOFWHOIS, target));
                } else {
                    whoisLines(u, s.core().awayMessage(u.nick()), s.core().account(u.nick()), r);
                }
            }));
        }
    }

    private void whoisLines(IrcHooks.UserInfo u, String away, String account, Response r) {
        Replies rep = s.replies();
        String real = u.realname() != null && !u.realname().isEmpty() ? u.realname() : u.nick();
        r.add(rep.num(Numeric.RPL_WHOISUSER, u.nick(), u.nick(), s.info().userHost(), "*", real));
        if (u.rooms() != null && !u.rooms().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (String room : u.rooms()) {
                String entry = s.memberPrefix(room, u.nick()) + "#" + room;
                if (sb.length() + 1 + entry.length() > 400) {
                    r.add(rep.num(Numeric.RPL_WHOISCHANNELS, u.nick(), sb.toString()));
                    sb.setLength(0);
                }
                sb.append(sb.length() == 0 ? "" : " ").append(entry);
            }
            r.add(rep.num(Numeric.RPL_WHOISCHANNELS, u.nick(), sb.toString()));
        }
        r.add(rep.num(Numeric.RPL_WHOISSERVER, u.nick(), u.server(), s.info().network() + " chat server"));
        if (away != null) {
            r.add(rep.num(Numeric.RPL_AWAY, u.nick(), away));
        }
        if (account != null) {
            r.add(rep.std(Numeric.RPL_WHOISACCOUNT, u.nick(), account));
        }
        r.add(rep.std(Numeric.RPL_ENDOFWHOIS, u.nick()));
    }

    /** {@code WHOWAS}: the chat keeps no record of past nicks. */
    void whowas(IrcLine line, Response r) {
        String nick = line.param(0).split(",")[0];
        r.add(s.replies().std(Numeric.ERR_WASNOSUCHNICK, nick.isEmpty() ? "*" : nick));
        r.add(s.replies().std(Numeric.RPL_ENDOFWHOWAS, nick.isEmpty() ? "*" : nick));
    }

    /** {@code USERHOST nick...}: {@code 302 :nick=+nick@host} for those online ({@code -} when away). */
    void userhost(IrcLine line, Response r) {
        List<String> nicks = line.params().subList(0, Math.min(MAX_USERHOST, line.params().size()));
        lookupAll(nicks, r, found -> {
            List<String> replies = new ArrayList<>();
            for (String n : nicks) {
                IrcHooks.UserInfo u = found.get(n);
                if (u != null) {
                    String away = s.isMe(u.nick()) ? s.away() : s.core().awayMessage(u.nick());
                    replies.add(u.nick() + "=" + (away == null ? "+" : "-") + u.nick() + "@" + s.info().userHost());
                }
            }
            r.add(s.replies().num(Numeric.RPL_USERHOST, String.join(" ", replies)));
        });
    }

    /** {@code ISON nick...}: {@code 303 :the ones online}. */
    void ison(IrcLine line, Response r) {
        LinkedHashSet<String> asked = new LinkedHashSet<>();
        for (String p : line.params()) {
            for (String n : p.split(" ")) {
                if (!n.isEmpty() && asked.size() < MAX_ISON) {
                    asked.add(n);
                }
            }
        }
        List<String> nicks = List.copyOf(asked);
        lookupAll(nicks, r, found -> {
            List<String> online = new ArrayList<>();
            for (String n : nicks) {
                if (found.get(n) != null) {
                    online.add(found.get(n).nick());
                }
            }
            r.add(s.replies().num(Numeric.RPL_ISON, String.join(" ", online)));
        });
    }

    private void lookupAll(List<String> nicks, Response r, Consumer<Map<String, IrcHooks.UserInfo>> done) {
        Map<String, IrcHooks.UserInfo> found = new HashMap<>();
        int[] left = {nicks.size()};
        Response.Slot slot = r.open();
        Runnable finish = () -> {
            if (--left[0] == 0) {
                r.complete(slot, () -> done.accept(found));
            }
        };
        left[0]++; // one for the loop itself, so that synchronous answers do not finish early
        for (String n : nicks) {
            if (s.isMe(n)) {
                found.put(n, new IrcHooks.UserInfo(s.nick(), null, s.info().serverName(), null));
                finish.run();
            } else if (!Names.isValidNick(n)) {
                finish.run();
            } else {
                s.core().lookupUser(n, u -> {
                    if (u != null) {
                        found.put(n, u);
                    }
                    finish.run();
                });
            }
        }
        finish.run();
    }

    // ---- AWAY / OPER ----

    void away(IrcLine line, Response r) {
        String message = line.param(0);
        if (message == null || message.isEmpty()) {
            s.setAway(null);
            s.core().setAway(null);
            r.add(s.replies().std(Numeric.RPL_UNAWAY));
        } else {
            String cut = message.length() > s.info().awayLength()
                    ? TextSplitter.prefixFitting(message, s.info().awayLength()) : message;
            s.setAway(cut);
            s.core().setAway(cut);
            r.add(s.replies().std(Numeric.RPL_NOWAWAY));
        }
    }

    void oper(IrcLine line, Response r) {
        r.add(s.replies().because(Numeric.ERR_NOOPERHOST, "this server has no IRC operators"));
    }

    // ---- server queries ----

    void motd(IrcLine line, Response r) {
        if (otherServer(line, r)) {
            return;
        }
        motdLines(r);
    }

    void motdLines(Response r) {
        Replies rep = s.replies();
        List<String> motd = s.info().motd();
        if (motd.isEmpty()) {
            r.add(rep.std(Numeric.ERR_NOMOTD));
            return;
        }
        r.add(rep.num(Numeric.RPL_MOTDSTART, "- " + s.info().serverName() + " Message of the day - "));
        int budget = 400;
        for (String line : motd) {
            for (String piece : TextSplitter.chunks(line.replace('\r', ' ').replace('\n', ' ').replace('\0', ' '),
                    budget)) {
                r.add(rep.num(Numeric.RPL_MOTD, "- " + piece));
            }
        }
        r.add(rep.std(Numeric.RPL_ENDOFMOTD));
    }

    void lusers(IrcLine line, Response r) {
        lusersLines(r);
    }

    void lusersLines(Response r) {
        Replies rep = s.replies();
        IrcHooks.LuserCounts c = s.core().lusers();
        int servers = Math.max(1, c.servers());
        r.add(rep.num(Numeric.RPL_LUSERCLIENT, "There are " + c.users() + " users and 0 invisible on " + servers
                + " servers"));
        r.add(rep.std(Numeric.RPL_LUSERCHANNELS, String.valueOf(c.channels())));
        r.add(rep.num(Numeric.RPL_LUSERME, "I have " + c.localUsers() + " clients and " + (servers - 1) + " servers"));
        r.add(rep.num(Numeric.RPL_LOCALUSERS, "Current local users: " + c.localUsers()));
        r.add(rep.num(Numeric.RPL_GLOBALUSERS, "Current global users: " + c.users()));
    }

    void version(IrcLine line, Response r) {
        if (otherServer(line, r)) {
            return;
        }
        r.add(s.replies().num(Numeric.RPL_VERSION, s.info().version(), s.info().serverName(),
                "chat server: IRC listener (docs/IRC.md)"));
        r.addAll(ISupport.lines(s.info(), s.nick()));
    }

    void time(IrcLine line, Response r) {
        if (otherServer(line, r)) {
            return;
        }
        r.add(s.replies().num(Numeric.RPL_TIME, s.info().serverName(),
                HUMAN_TIME.format(Instant.ofEpochMilli(s.now()))));
    }

    /** A server parameter naming another server: {@code 402}. */
    private boolean otherServer(IrcLine line, Response r) {
        String server = line.param(0);
        if (server != null && !server.isEmpty() && !server.equalsIgnoreCase(s.info().serverName())) {
            r.add(s.replies().std(Numeric.ERR_NOSUCHSERVER, server));
            return true;
        }
        return false;
    }
}
