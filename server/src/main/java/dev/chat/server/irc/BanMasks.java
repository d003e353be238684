package dev.chat.server.irc;

import dev.chat.protocol.Names;

/**
 * IRC ban masks ({@code nick!user@host}) to and from the chat core's masks (a nick glob matched
 * against a member's nick and account, {@link Names#isValidMask}). On this server every user's
 * mask is {@code nick!nick@host} with one host for all ({@link IrcServerInfo#userHost}), so
 * only the nick part of a mask tells users apart:
 *
 * <ul>
 *   <li>{@code bob}, {@code bob!*@*}, {@code bob!*}, {@code bob!bob@*} and {@code bob!*@chat}
 *       are the core's {@code bob} (wildcards {@code *} and {@code ?} kept: {@code b?b*!*@*} is
 *       {@code b?b*}); {@code *!*@*} is {@code *}, everyone but the room's operators;</li>
 *   <li>a mask whose user part is not {@code *} or its nick part, or whose host part cannot match
 *       the one host, matches nobody here and is refused, as is a host mask with any nick
 *       ({@code *!*@chat}: it would ban everyone, which is surely not what a client picking a ban
 *       by host meant);</li>
 *   <li>the core's masks are shown as {@code glob!*@*}.</li>
 * </ul>
 */
final class BanMasks {

    /** A client's mask taken ({@code glob} set) or refused ({@code problem} set). */
    record Parsed(String glob, String problem) {
    }

    private BanMasks() {
    }

    /** The core's mask for an IRC mask, or why there is none. */
    static Parsed fromIrc(String mask, String userHost) {
        String nick;
        String user = "*";
        String host = "*";
        int bang = mask.indexOf('!');
        int at = mask.indexOf('@', Math.max(bang, 0));
        if (bang >= 0) {
            nick = mask.substring(0, bang);
            user = at >= 0 ? mask.substring(bang + 1, at) : mask.substring(bang + 1);
            host = at >= 0 ? mask.substring(at + 1) : "*";
        } else if (at >= 0) {
            nick = "*";
            user = mask.substring(0, at);
            host = mask.substring(at + 1);
        } else {
            nick = mask;
        }
        if (nick.isEmpty()) {
            nick = "*";
        }
        if (!Names.isValidMask(nick)) {
            return new Parsed(null, "the nick part of a ban mask is 1 to " + Names.MAX_MASK
                    + " of A-Z a-z 0-9 _ - and the wildcards * ?");
        }
        if (!(user.isEmpty() || user.equals("*") || user.equalsIgnoreCase(nick))) {
            return new Parsed(null, "the user part of every mask here is its nick (nick!nick@" + userHost
                    + "): ban by nick, as nick!*@*");
        }
        boolean anyHost = host.isEmpty() || host.chars().allMatch(c -> c == '*');
        if (!anyHost && !globMatches(host, userHost)) {
            return new Parsed(null, "every user here has the host " + userHost
                    + ", so this mask matches nobody: ban by nick, as nick!*@*");
        }
        if (!anyHost && nick.chars().allMatch(c -> c == '*')) {
            return new Parsed(null, "every user here has the host " + userHost
                    + ", so this mask would ban everyone: ban by nick, as nick!*@* (or *!*@* to mean everyone)");
        }
        return new Parsed(nick, null);
    }

    /** How the core's mask is shown to IRC clients. */
    static String toIrc(String glob) {
        return glob + "!*@*";
    }

    /** An IRC glob ({@code *}, {@code ?}) against a string, ignoring ASCII case. */
    static boolean globMatches(String glob, String s) {
        String g = glob.toLowerCase(java.util.Locale.ROOT);
        String t = s.toLowerCase(java.util.Locale.ROOT);
        int gi = 0;
        int ti = 0;
        int star = -1;
        int mark = 0;
        while (ti < t.length()) {
            if (gi < g.length() && (g.charAt(gi) == '?' || g.charAt(gi) == t.charAt(ti))) {
                gi++;
                ti++;
            } else if (gi < g.length() && g.charAt(gi) == '*') {
                star = gi++;
                mark = ti;
            } else if (star >= 0) {
                gi = star + 1;
                ti = ++mark;
            } else {
                return false;
            }
        }
        while (gi < g.length() && g.charAt(gi) == '*') {
            gi++;
        }
        return gi == g.length();
    }
}
