package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Connection registration ("Modern IRC", section "Connection Registration"): {@code PASS},
 * {@code NICK}, {@code USER}, capability negotiation ({@code CAP LS 302 / REQ / LIST / END},
 * IRCv3 "Capability Negotiation") holding registration until {@code CAP END}, SASL
 * {@code PLAIN} ({@code AUTHENTICATE}, IRCv3 "SASL Authentication"), then one {@code hello} to
 * the core and, on {@code welcome}, the burst 001-005, LUSERS and MOTD. Also {@code NICK}
 * after registration (the core's {@code nick}).
 *
 * <p>Accounts are the core's: SASL {@code PLAIN} is the chat's {@code login} (before
 * registration it also registers the session, under the account's nick, and the burst follows
 * {@code CAP END}; after it, the session takes the account's nick), and {@code PASS} is the
 * password of the {@code NICK}'s account: a guest's {@code hello} that the core refuses
 * {@code nick_registered} is sent again with it. So the core's rules apply unchanged: the login
 * throttle, passwords only over TLS or loopback, {@code --require-account}.
 */
final class Registration {

    /** SASL data arrives in chunks of 400 bytes; a PLAIN exchange needs far less than this. */
    static final int MAX_SASL_BYTES = 2400;

    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final IrcSession s;
    private String desiredNick;
    private String username;
    private String realname;
    private boolean capHold;
    private boolean capNegotiated302;
    private boolean helloInFlight;
    private String saslMechanism;
    private StringBuilder saslData;
    /** The account's nick key once logged in (SASL or PASS), else null. */
    private String account;
    /** {@code PASS} before registration: the password of the NICK's account, if it has one. */
    private String password;
    /** A SASL {@code login} is with the core. */
    private boolean loginInFlight;
    /** The core's welcome to a SASL login before registration: the burst waits for CAP END (and USER). */
    private ServerMessage.Welcome saslWelcome;

    Registration(IrcSession s) {
        this.s = s;
    }

    String realname() {
        return realname;
    }

    String account() {
        return account;
    }

    /** The core registered the session (a SASL login) and the burst waits for CAP END. */
    boolean registeredInCore() {
        return saslWelcome != null;
    }

    /** The registration's hello, or a SASL login, waits for the core's answer. */
    boolean waitingForCore() {
        return helloInFlight || loginInFlight;
    }

    void pass(IrcLine line, Response r) {
        if (s.registered()) {
            r.add(s.replies().std(Numeric.ERR_ALREADYREGISTERED));
            return;
        }
        // no server password exists: PASS is kept as the password of the NICK's account (bouncers
        // log in this way), used only if the core says that nick belongs to an account
        String p = line.param(0);
        password = p.isEmpty() ? null : p;
    }

    void user(IrcLine line, Response r) {
        if (s.registered()) {
            r.add(s.replies().std(Numeric.ERR_ALREADYREGISTERED));
            return;
        }
        username = line.param(0);
        realname = line.param(3);
        tryRegister();
    }

    void nick(IrcLine line, Response r) {
        String nick = line.param(0);
        if (nick == null || nick.isEmpty()) {
            r.add(s.replies().std(Numeric.ERR_NONICKNAMEGIVEN));
            return;
        }
        String problem = nickProblem(nick);
        if (problem != null) {
            r.add(s.replies().because(Numeric.ERR_ERRONEUSNICKNAME, problem, nick));
            return;
        }
        if (!s.registered()) {
            desiredNick = nick;
            tryRegister();
        } else if (!nick.equals(s.nick())) {
            change(nick, r);
        }
    }

    /** Why the chat server refuses a nick IRC would take, or {@code null} if it is fine. */
    static String nickProblem(String nick) {
        if (Names.isValidNick(nick)) {
            return null;
        }
        if (nick.length() > Names.MAX_NICK) {
            return "a nick has at most " + Names.MAX_NICK + " characters on this server";
        }
        return "a nick is made of A-Z a-z 0-9 _ - only on this server";
    }

    private void change(String nick, Response r) {
        s.call(id -> new ClientMessage.Nick(id, nick), r, reply -> {
            if (reply instanceof ServerMessage.Ok) {
                String old = s.nick();
                s.registeredAs(nick);
                r.add(s.renderer().from(old, s.caps(), s.now(), "NICK", List.of(nick), false));
            } else if (reply instanceof ServerMessage.Error e) {
                r.add(nickError(e, nick));
            }
        });
    }

    private IrcLine nickError(ServerMessage.Error e, String nick) {
        return switch (e.code()) {
            case ErrorCode.NICK_TAKEN -> s.replies().std(Numeric.ERR_NICKNAMEINUSE, nick);
            // as Ergo words it; the chat's own text says how to get it (log in: SASL or PASS)
            case ErrorCode.NICK_REGISTERED -> s.replies().num(Numeric.ERR_NICKNAMEINUSE, nick,
                    "Nickname is reserved by a different account: log in to it (SASL, or PASS with its password)"
                            + " or choose another nick");
            case ErrorCode.INVALID -> s.replies().because(Numeric.ERR_ERRONEUSNICKNAME, e.message(), nick);
            default -> s.replies().num(Numeric.ERR_UNKNOWNERROR, "NICK", e.message());
        };
    }

    private void tryRegister() {
        if (s.registered() || s.closed() || helloInFlight || loginInFlight || capHold || desiredNick == null
                || username == null) {
            return;
        }
        Response r = new Response(s, null);
        r.hold();
        if (saslWelcome != null) {
            ServerMessage.Welcome w = saslWelcome; // logged in by SASL: registered under the account's nick
            saslWelcome = null;
            welcome(w, r, false);
        } else {
            hello(desiredNick, null, r);
        }
        r.release();
    }

    /** A guest's hello ({@code pass} null) or one with the PASS password, after the guest's was {@code nick_registered}. */
    private void hello(String nick, String pass, Response r) {
        helloInFlight = true;
        s.call(id -> new ClientMessage.Hello(id, nick, pass), r, reply -> {
            helloInFlight = false;
            if (reply instanceof ServerMessage.Welcome w) {
                if (pass != null) {
                    account = Names.nickKey(w.nick());
                    r.add(loggedIn(w.nick()));
                }
                welcome(w, r, true);
            } else if (reply instanceof ServerMessage.Error e) {
                if (pass == null && password != null && ErrorCode.NICK_REGISTERED.equals(e.code())
                        && nick.equals(desiredNick)) {
                    hello(nick, password, r); // PASS is the password of that account
                    return;
                }
                if (ErrorCode.ACCOUNT_REQUIRED.equals(e.code())) {
                    accountRequired();
                    return;
                }
                if (pass != null) {
                    r.add(passError(e, nick));
                } else if (!ErrorCode.ALREADY_REGISTERED.equals(e.code())) {
                    r.add(nickError(e, nick));
                }
                if (!nick.equals(desiredNick)) {
                    tryRegister(); // the client sent another NICK meanwhile
                }
            }
        });
    }

    /**
     * {@code --require-account} and no login: as Ergo does, {@code FAIL * ACCOUNT_REQUIRED} and the
     * connection is closed ({@code ERROR}). Written at once: nothing else is pending before registration.
     */
    private void accountRequired() {
        String why = "This server requires an account: log in with SASL (PLAIN), or send PASS with the password"
                + " of the nick's account";
        s.write(s.replies().fail("*", "ACCOUNT_REQUIRED", why));
        s.closeWith(why);
    }

    /** The hello with the PASS password was refused: {@code 464}, with why. */
    private IrcLine passError(ServerMessage.Error e, String nick) {
        return switch (e.code()) {
            case ErrorCode.LOGIN_FAILED -> s.replies().num(Numeric.ERR_PASSWDMISMATCH,
                    "Password incorrect: PASS is not the password of the account " + nick);
            case ErrorCode.NICK_TAKEN -> nickError(e, nick);
            default -> s.replies().num(Numeric.ERR_PASSWDMISMATCH, "Password not accepted: " + e.message());
        };
    }

    /** {@code 900 RPL_LOGGEDIN}: {@code nick!user@host account :You are now logged in as account}. */
    private IrcLine loggedIn(String nick) {
        return s.replies().num(Numeric.RPL_LOGGEDIN, s.info().mask(nick), account,
                "You are now logged in as " + account);
    }

    /** The burst; with {@code followNick}, a NICK sent while the hello was on its way is applied after it. */
    private void welcome(ServerMessage.Welcome w, Response r, boolean followNick) {
        s.registeredAs(w.nick());
        IrcServerInfo info = s.info();
        Replies rep = s.replies();
        r.add(rep.num(Numeric.RPL_WELCOME, "Welcome to the " + info.network() + " Network, " + info.mask(w.nick())));
        r.add(rep.num(Numeric.RPL_YOURHOST, "Your host is " + info.serverName() + ", running version "
                + info.version()));
        r.add(rep.num(Numeric.RPL_CREATED, "This server was created " + CREATED.format(info.created())));
        List<String> myinfo = new ArrayList<>(List.of(w.nick(), info.serverName(), info.version(), info.userModes()));
        myinfo.add(ModeCommands.ALL_CHANNEL_MODES);
        myinfo.add(ModeCommands.PARAM_CHANNEL_MODES);
        r.add(new IrcLine(null, info.serverName(), Numeric.RPL_MYINFO.code(), myinfo, false));
        r.addAll(ISupport.lines(info, w.nick()));
        s.queries().lusersLines(r);
        s.queries().motdLines(r);
        s.burstDone(r);
        if (followNick && desiredNick != null && !desiredNick.equals(w.nick())) {
            change(desiredNick, r); // a NICK that came while the hello was on its way
        }
    }

    // ---- CAP ----

    void cap(IrcLine line, Response r) {
        String sub = line.param(0).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "LS" -> {
                holdIfRegistering();
                String version = line.param(1);
                if (version != null && version.matches("\\d{1,6}") && Integer.parseInt(version) >= 302) {
                    capNegotiated302 = true;
                    s.setCaps(s.caps() | Capability.CAP_NOTIFY.bit()); // implied by 302
                }
                ls(r);
            }
            case "LIST" -> r.add(capLine("LIST", String.join(" ", Capability.names(s.caps()))));
            case "REQ" -> {
                holdIfRegistering();
                req(line.param(1) == null ? "" : line.param(1), r);
            }
            case "END" -> {
                if (!s.registered() && saslMechanism != null) {
                    resetSasl(); // an exchange left unfinished: aborted, and the client registers without it
                    r.add(s.replies().std(Numeric.ERR_SASLABORTED));
                }
                if (!s.registered() && capHold) {
                    capHold = false;
                    tryRegister();
                }
            }
            default -> r.add(s.replies().std(Numeric.ERR_INVALIDCAPCMD, sub));
        }
    }

    private void holdIfRegistering() {
        if (!s.registered()) {
            capHold = true;
        }
    }

    /** The capabilities offered: all, but {@code sasl} only when accounts exist. */
    int offered() {
        int all = 0;
        for (Capability c : Capability.values()) {
            if (c != Capability.SASL || s.core().saslAvailable()) {
                all |= c.bit();
            }
        }
        return all;
    }

    private String value(Capability c) {
        return switch (c) {
            case SASL -> "PLAIN";
            case MULTILINE -> "max-bytes=" + s.info().multilineMaxBytes() + ",max-lines=" + s.info().multilineMaxLines();
            default -> null;
        };
    }

    private void ls(Response r) {
        List<String> entries = new ArrayList<>();
        for (Capability c : Capability.values()) {
            if (c.in(offered())) {
                String v = capNegotiated302 ? value(c) : null;
                entries.add(v == null ? c.wireName() : c.wireName() + "=" + v);
            }
        }
        // 302 clients take the list over several lines, all but the last marked with '*'
        List<String> chunks = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String e : entries) {
            if (cur.length() > 0 && cur.length() + 1 + e.length() > 380 && capNegotiated302) {
                chunks.add(cur.toString());
                cur.setLength(0);
            }
            cur.append(cur.length() == 0 ? "" : " ").append(e);
        }
        chunks.add(cur.toString());
        for (int i = 0; i < chunks.size(); i++) {
            r.add(i < chunks.size() - 1 ? capLine("LS", "*", chunks.get(i)) : capLine("LS", chunks.get(i)));
        }
    }

    private void req(String wanted, Response r) {
        int caps = s.caps();
        boolean ok = !wanted.isBlank();
        for (String token : wanted.trim().split(" +")) {
            if (token.isEmpty()) {
                continue;
            }
            boolean off = token.startsWith("-");
            Capability c = Capability.byName(off ? token.substring(1) : token);
            if (c == null || !c.in(offered())) {
                ok = false;
                break;
            }
            caps = off ? caps & ~c.bit() : caps | c.bit();
        }
        if (ok) {
            s.setCaps(caps);
            r.add(capLine("ACK", wanted.trim()));
        } else {
            r.add(capLine("NAK", wanted.trim()));
        }
    }

    private IrcLine capLine(String sub, String... rest) {
        List<String> p = new ArrayList<>();
        p.add(s.registered() ? s.nick() : "*");
        p.add(sub);
        p.addAll(List.of(rest));
        return new IrcLine(null, s.info().serverName(), "CAP", p, true);
    }

    // ---- SASL PLAIN ----

    void authenticate(IrcLine line, Response r) {
        Replies rep = s.replies();
        String p = line.param(0);
        if (!Capability.SASL.in(s.caps())) {
            r.add(rep.because(Numeric.ERR_SASLFAIL, "the sasl capability is not enabled"));
        } else if (account != null) {
            r.add(rep.std(Numeric.ERR_SASLALREADY));
        } else if (waitingForCore()) {
            r.add(rep.because(Numeric.ERR_SASLFAIL, "a login or registration is on its way: wait for its answer"));
        } else if (p.equals("*")) {
            resetSasl();
            r.add(rep.std(Numeric.ERR_SASLABORTED));
        } else if (saslMechanism == null) {
            if (p.equalsIgnoreCase("PLAIN")) {
                saslMechanism = "PLAIN";
                saslData = new StringBuilder();
                r.add(IrcLine.of(null, "AUTHENTICATE", "+"));
            } else {
                r.add(rep.std(Numeric.RPL_SASLMECHS, "PLAIN"));
                r.add(rep.std(Numeric.ERR_SASLFAIL));
            }
        } else if (p.length() > 400 || saslData.length() + p.length() > MAX_SASL_BYTES) {
            resetSasl();
            r.add(rep.std(Numeric.ERR_SASLTOOLONG));
        } else {
            if (!p.equals("+")) {
                saslData.append(p);
            }
            if (p.length() < 400) {
                plain(saslData.toString(), r);
            }
        }
    }

    /** {@code authzid NUL authcid NUL password} (RFC 4616), in base64: the chat's {@code login}. */
    private void plain(String base64, Response r) {
        resetSasl();
        Replies rep = s.replies();
        String[] parts = decodePlain(base64);
        if (parts == null) {
            r.add(rep.because(Numeric.ERR_SASLFAIL, "PLAIN expects base64 of authzid NUL authcid NUL password"));
            return;
        }
        String authzid = parts[0];
        String authcid = parts[1];
        String pass = parts[2];
        if (!authzid.isEmpty() && !Names.nickKey(authzid).equals(Names.nickKey(authcid))) {
            r.add(rep.because(Numeric.ERR_SASLFAIL, "this server has no authorization identities: leave authzid"
                    + " empty, or make it the account name"));
            return;
        }
        if (!Names.isValidNick(authcid) || !Names.isValidPassword(pass)) {
            r.add(rep.because(Numeric.ERR_SASLFAIL, "an account name is a nick (1 to " + Names.MAX_NICK
                    + " of A-Z a-z 0-9 _ -) and a password is 1 to " + Names.MAX_PASSWORD_BYTES + " bytes"));
            return;
        }
        loginInFlight = true;
        s.call(id -> new ClientMessage.Login(id, authcid, pass), r, reply -> {
            loginInFlight = false;
            if (reply instanceof ServerMessage.Welcome w) { // before registration: the session is the account's
                saslWelcome = w;
                saslSucceeded(w.nick(), r);
                tryRegister(); // CAP END may have come already
            } else if (reply instanceof ServerMessage.Ok) { // after registration: the session took the account's nick
                if (s.registered() && !authcid.equals(s.nick())) {
                    String old = s.nick();
                    s.registeredAs(authcid);
                    r.add(s.renderer().from(old, s.caps(), s.now(), "NICK", List.of(authcid), false));
                }
                saslSucceeded(authcid, r);
            } else if (reply instanceof ServerMessage.Error e) {
                r.add(switch (e.code()) {
                    case ErrorCode.LOGIN_FAILED -> rep.std(Numeric.ERR_SASLFAIL); // the same whether the account exists
                    case ErrorCode.NICK_TAKEN -> rep.because(Numeric.ERR_SASLFAIL, e.message() + ": the account is in"
                            + " use by another session (log out there, or change its nick there)");
                    default -> rep.because(Numeric.ERR_SASLFAIL, e.message()); // throttled, plaintext, unavailable...
                });
                tryRegister();
            }
        });
    }

    private void saslSucceeded(String nick, Response r) {
        account = Names.nickKey(nick);
        r.add(loggedIn(nick));
        r.add(s.replies().std(Numeric.RPL_SASLSUCCESS));
    }

    /** The three fields of a PLAIN message, or null if it is not base64 of valid UTF-8 with exactly two NULs. */
    static String[] decodePlain(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            String[] parts = text.split("\0", -1);
            return parts.length == 3 && !parts[1].isEmpty() ? parts : null;
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    private void resetSasl() {
        saslMechanism = null;
        saslData = null;
    }
}
