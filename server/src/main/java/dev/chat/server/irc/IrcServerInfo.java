package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.server.config.ServerConfig;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the IRC listener tells clients about the server, fixed for its lifetime: names, limits
 * for {@code RPL_ISUPPORT}, the modes this server has, the message of the day, and the ports
 * (for the one line a client of the wrong protocol gets).
 *
 * @param serverName the server's name in IRC lines (a token without spaces, see {@link #tokenOf})
 * @param network {@code NETWORK}: the same on every node of a cluster
 * @param version software version in {@code 002}, {@code 004}, {@code 351}
 * @param created when the server started ({@code 003})
 * @param motd message of the day, one entry per line; empty: {@code 422 ERR_NOMOTD}
 * @param userHost the host part of every user's mask {@code nick!nick@userHost}: the chat
 *        protocol carries no user or host, so every user has the same one on every node
 * @param maxRoomsPerSession {@code CHANLIMIT=#:n}; the core's {@code --max-rooms-per-session}
 * @param topicLength {@code TOPICLEN}
 * @param awayLength {@code AWAYLEN}: longer away messages are cut
 * @param userModes user modes in {@code 004}
 * @param channelModes channel flag modes (type D of {@code CHANMODES}) every room has
 * @param historyMax {@code CHATHISTORY}: most messages per {@code CHATHISTORY} request
 * @param multilineMaxBytes {@code draft/multiline} {@code max-bytes}
 * @param multilineMaxLines {@code draft/multiline} {@code max-lines}
 * @param framedPort the framed chat protocol's port, 0 if unknown
 * @param ircPort this listener's port
 */
public record IrcServerInfo(String serverName, String network, String version, Instant created, List<String> motd,
                            String userHost, int maxRoomsPerSession, int topicLength, int awayLength,
                            String userModes, String channelModes, int historyMax,
                            int multilineMaxBytes, int multilineMaxLines, int framedPort, int ircPort) {

    public static final String DEFAULT_NETWORK = "chat";
    public static final String DEFAULT_USER_HOST = "chat";
    public static final int DEFAULT_IRC_PORT = 6667;
    public static final int DEFAULT_TOPIC_LENGTH = 390;
    public static final int DEFAULT_AWAY_LENGTH = 390;
    /**
     * {@code o} (IRC operator) is the only user mode the server knows; nobody holds it until
     * operators exist. IRC needs the list in {@code 004} to be non-empty.
     */
    public static final String DEFAULT_USER_MODES = "o";
    /**
     * The flag modes a room may have: {@code i} invite-only, {@code m} moderated, {@code s}
     * secret; {@code n} (only members send) and {@code t} (only operators set the topic of a room
     * that has operators) hold for every room.
     */
    public static final String DEFAULT_CHANNEL_MODES = "imnst";
    /**
     * A multiline batch becomes one chat text of at most 4000 characters; 4000 bytes are at most
     * 4000 characters, whatever they are.
     */
    public static final int DEFAULT_MULTILINE_MAX_BYTES = 4000;
    public static final int DEFAULT_MULTILINE_MAX_LINES = 100;

    public IrcServerInfo {
        Objects.requireNonNull(created, "created");
        motd = List.copyOf(motd);
        for (String token : List.of(serverName, network, version, userHost, userModes)) {
            if (!token.equals(tokenOf(token))) {
                throw new IllegalArgumentException("'" + token + "' cannot appear in an IRC line as a word");
            }
        }
        if (!channelModes.chars().allMatch(Character::isLetter)) {
            throw new IllegalArgumentException("channel modes are letters: '" + channelModes + "'");
        }
        if (maxRoomsPerSession < 1 || topicLength < 1 || awayLength < 1 || historyMax < 1
                || multilineMaxBytes < 1 || multilineMaxLines < 1) {
            throw new IllegalArgumentException("IRC limits must be positive");
        }
    }

    /** Defaults for everything but the names, ports and limits taken from the server's config. */
    public static IrcServerInfo of(ServerConfig config, String version, Instant created, List<String> motd,
                                   int framedPort, int ircPort) {
        return new IrcServerInfo(tokenOf(config.name()), DEFAULT_NETWORK, tokenOf(version), created, motd,
                DEFAULT_USER_HOST, config.maxRoomsPerSession(), DEFAULT_TOPIC_LENGTH, DEFAULT_AWAY_LENGTH,
                DEFAULT_USER_MODES, DEFAULT_CHANNEL_MODES, ClientMessage.History.MAX_LIMIT,
                DEFAULT_MULTILINE_MAX_BYTES, DEFAULT_MULTILINE_MAX_LINES, framedPort, ircPort);
    }

    /** What tests start from: server {@code irc.test}, network {@code chat}, no MOTD. */
    public static IrcServerInfo forTests() {
        return new IrcServerInfo("irc.test", DEFAULT_NETWORK, "chat-test", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(), DEFAULT_USER_HOST, ServerConfig.DEFAULT_MAX_ROOMS_PER_SESSION, DEFAULT_TOPIC_LENGTH,
                DEFAULT_AWAY_LENGTH, DEFAULT_USER_MODES, DEFAULT_CHANNEL_MODES, ClientMessage.History.MAX_LIMIT,
                DEFAULT_MULTILINE_MAX_BYTES, DEFAULT_MULTILINE_MAX_LINES, 7420, DEFAULT_IRC_PORT);
    }

    /** This info with another message of the day. */
    public IrcServerInfo withMotd(List<String> lines) {
        return new IrcServerInfo(serverName, network, version, created, lines, userHost, maxRoomsPerSession,
                topicLength, awayLength, userModes, channelModes, historyMax, multilineMaxBytes, multilineMaxLines,
                framedPort, ircPort);
    }

    /** {@code text} as one IRC word: characters other than {@code A-Z a-z 0-9 . - _ /} become '-'. */
    public static String tokenOf(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '/';
            sb.append(ok ? c : '-');
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /** {@code nick!nick@userHost}: the mask every user has ("Modern IRC", section "Source"). */
    public String mask(String nick) {
        return nick + "!" + nick + "@" + userHost;
    }
}
