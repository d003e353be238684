package dev.chat.server.irc;

import dev.chat.protocol.Names;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code RPL_ISUPPORT} (005) tokens: what an IRC client may assume about this server
 * ("Modern IRC", section "Feature Advertisement" and "RPL_ISUPPORT Parameters"). Each token
 * states a rule the chat core really applies:
 *
 * <ul>
 *   <li>{@code CASEMAPPING=ascii}: nicks ({@code A-Z a-z 0-9 _ -}) and rooms compare ignoring
 *       ASCII case only;</li>
 *   <li>{@code CHANTYPES=#}, {@code CHANNELLEN=65}: a room is {@code #} and 1 to 64 of
 *       {@code A-Z a-z 0-9 _ - .};</li>
 *   <li>{@code NICKLEN=32}, {@code USERLEN=32} (the user part of a mask is the nick);</li>
 *   <li>{@code CHANLIMIT=#:n}: the core's rooms per session;</li>
 *   <li>{@code PREFIX=(ov)@+}: room operators and voiced members;</li>
 *   <li>{@code CHANMODES=b,,,imnst}: the ban list; no key or limit modes; invite-only,
 *       moderated, secret, and {@code n} and {@code t}, which every room has ({@link ModeCommands});</li>
 *   <li>{@code MODES=4}: modes with a parameter per {@code MODE} line;</li>
 *   <li>{@code CLIENTTAGDENY=*}: client-only tags are not carried (the chat protocol has no
 *       place for them);</li>
 *   <li>{@code UTF8ONLY}: lines are UTF-8, anything else is refused.</li>
 * </ul>
 */
final class ISupport {

    /** At most 13 tokens per line ("RPL_ISUPPORT": client + 13 + text stays within 15 parameters). */
    static final int TOKENS_PER_LINE = 13;

    private ISupport() {
    }

    static List<String> tokens(IrcServerInfo info) {
        return List.of(
                "AWAYLEN=" + info.awayLength(),
                "CASEMAPPING=ascii",
                "CHANLIMIT=#:" + info.maxRoomsPerSession(),
                "CHANMODES=" + ModeCommands.CHANMODES,
                "CHANNELLEN=" + (Names.MAX_ROOM + 1),
                "CHANTYPES=#",
                "CHATHISTORY=" + info.historyMax(),
                "CLIENTTAGDENY=*",
                "ELIST=U",
                "MODES=" + ModeCommands.MAX_PARAM_MODES,
                "MSGREFTYPES=msgid,timestamp",
                "NETWORK=" + info.network(),
                "NICKLEN=" + Names.MAX_NICK,
                "PREFIX=" + ModeCommands.PREFIX,
                "TARGMAX=JOIN:,PART:,NAMES:,PRIVMSG:" + MessageCommands.MAX_TARGETS + ",NOTICE:"
                        + MessageCommands.MAX_TARGETS + ",KICK:" + ChannelCommands.MAX_KICK_TARGETS + ",WHOIS:1",
                "TOPICLEN=" + info.topicLength(),
                "USERLEN=" + Names.MAX_NICK,
                "UTF8ONLY");
    }

    /** The 005 lines for {@code client}. */
    static List<IrcLine> lines(IrcServerInfo info, String client) {
        List<String> all = tokens(info);
        List<IrcLine> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += TOKENS_PER_LINE) {
            List<String> params = new ArrayList<>();
            params.add(client);
            params.addAll(all.subList(i, Math.min(all.size(), i + TOKENS_PER_LINE)));
            params.add(Numeric.RPL_ISUPPORT.text());
            out.add(new IrcLine(null, info.serverName(), Numeric.RPL_ISUPPORT.code(), params, true));
        }
        return out;
    }
}
