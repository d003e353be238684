package dev.chat.server.irc;

/**
 * Every numeric reply this listener sends, with its standard text, in one place. Codes and
 * texts follow the "Modern IRC Client Protocol" (section "Numerics") and, for SASL, IRCv3 "SASL
 * Authentication". Texts are for humans: where the standard text alone would leave a user
 * guessing, the sender appends the reason.
 */
public enum Numeric {
    RPL_WELCOME(1, null),
    RPL_YOURHOST(2, null),
    RPL_CREATED(3, null),
    RPL_MYINFO(4, null),
    RPL_ISUPPORT(5, "are supported by this server"),
    RPL_UMODEIS(221, null),
    RPL_LUSERCLIENT(251, null),
    RPL_LUSERCHANNELS(254, "channels formed"),
    RPL_LUSERME(255, null),
    RPL_TRYAGAIN(263, "Please wait a while and try again."),
    RPL_LOCALUSERS(265, null),
    RPL_GLOBALUSERS(266, null),
    RPL_AWAY(301, null),
    RPL_USERHOST(302, null),
    RPL_ISON(303, null),
    RPL_UNAWAY(305, "You are no longer marked as being away"),
    RPL_NOWAWAY(306, "You have been marked as being away"),
    RPL_WHOISUSER(311, null),
    RPL_WHOISSERVER(312, null),
    RPL_ENDOFWHO(315, "End of WHO list"),
    RPL_ENDOFWHOIS(318, "End of /WHOIS list"),
    RPL_WHOISCHANNELS(319, null),
    RPL_LISTSTART(321, "Users  Name"),
    RPL_LIST(322, null),
    RPL_LISTEND(323, "End of /LIST"),
    RPL_CHANNELMODEIS(324, null),
    RPL_WHOISACCOUNT(330, "is logged in as"),
    RPL_NOTOPIC(331, "No topic is set"),
    RPL_TOPIC(332, null),
    RPL_TOPICWHOTIME(333, null),
    RPL_INVITING(341, null),
    RPL_ENDOFINVITELIST(347, "End of channel invite list"),
    RPL_ENDOFEXCEPTLIST(349, "End of channel exception list"),
    RPL_VERSION(351, null),
    RPL_WHOREPLY(352, null),
    RPL_NAMREPLY(353, null),
    RPL_ENDOFNAMES(366, "End of /NAMES list"),
    RPL_BANLIST(367, null),
    RPL_ENDOFBANLIST(368, "End of channel ban list"),
    RPL_ENDOFWHOWAS(369, "End of WHOWAS"),
    RPL_MOTD(372, null),
    RPL_MOTDSTART(375, null),
    RPL_ENDOFMOTD(376, "End of /MOTD command."),
    RPL_TIME(391, null),
    ERR_UNKNOWNERROR(400, null),
    ERR_NOSUCHNICK(401, "No such nick/channel"),
    ERR_NOSUCHSERVER(402, "No such server"),
    ERR_NOSUCHCHANNEL(403, "No such channel"),
    ERR_CANNOTSENDTOCHAN(404, "Cannot send to channel"),
    ERR_TOOMANYCHANNELS(405, "You have joined too many channels"),
    ERR_WASNOSUCHNICK(406, "There was no such nickname"),
    ERR_TOOMANYTARGETS(407, "Too many targets"),
    ERR_NOORIGIN(409, "No origin specified"),
    ERR_INVALIDCAPCMD(410, "Invalid CAP command"),
    ERR_NORECIPIENT(411, null),
    ERR_NOTEXTTOSEND(412, "No text to send"),
    ERR_INPUTTOOLONG(417, "Input line was too long"),
    ERR_UNKNOWNCOMMAND(421, "Unknown command"),
    ERR_NOMOTD(422, "MOTD File is missing"),
    ERR_NONICKNAMEGIVEN(431, "No nickname given"),
    ERR_ERRONEUSNICKNAME(432, "Erroneous nickname"),
    ERR_NICKNAMEINUSE(433, "Nickname is already in use"),
    ERR_USERNOTINCHANNEL(441, "They aren't on that channel"),
    ERR_NOTONCHANNEL(442, "You're not on that channel"),
    ERR_NOTREGISTERED(451, "You have not registered"),
    ERR_NEEDMOREPARAMS(461, "Not enough parameters"),
    ERR_ALREADYREGISTERED(462, "You may not reregister"),
    ERR_PASSWDMISMATCH(464, "Password incorrect"),
    ERR_CHANNELISFULL(471, "Cannot join channel (+l)"),
    ERR_INVITEONLYCHAN(473, "Cannot join channel (+i)"),
    ERR_BANNEDFROMCHAN(474, "Cannot join channel (+b)"),
    ERR_UNKNOWNMODE(472, "is unknown mode char to me"),
    ERR_CHANOPRIVSNEEDED(482, "You're not channel operator"),
    ERR_NOOPERHOST(491, "No O-lines for your host"),
    ERR_UMODEUNKNOWNFLAG(501, "Unknown MODE flag"),
    ERR_USERSDONTMATCH(502, "Cant change mode for other users"),
    ERR_INVALIDMODEPARAM(696, null),
    RPL_LOGGEDIN(900, null),
    RPL_SASLSUCCESS(903, "SASL authentication successful"),
    ERR_SASLFAIL(904, "SASL authentication failed"),
    ERR_SASLTOOLONG(905, "SASL message too long"),
    ERR_SASLABORTED(906, "SASL authentication aborted"),
    ERR_SASLALREADY(907, "You have already authenticated using SASL"),
    RPL_SASLMECHS(908, "are available SASL mechanisms");

    private final String code;
    private final String text;

    Numeric(int code, String text) {
        this.code = String.format("%03d", code);
        this.text = text;
    }

    /** The three digits, e.g. {@code "001"}. */
    public String code() {
        return code;
    }

    /** The standard last parameter, or {@code null} where it is built per reply. */
    public String text() {
        return text;
    }
}
