package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
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
    private String account;

    Registration(IrcSession s) {
        this.s = s;
    }

    String realname() {
        return realname;
    }

    String account() {
        return account;
    }

    void pass(IrcLine line, Response r) {
        if (s.registered()) {
            r.add(s.replies().std(Numeric.ERR_ALREADYREGISTERED));
        }
        // no connection password exists: any PASS is accepted (and forgotten)
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
            case ErrorCode.NICK_TAKEN, ErrorCode.NICK_REGISTERED -> s.replies().std(Numeric.ERR_NICKNAMEINUSE, nick);
            case ErrorCode.INVALID -> s.replies().because(Numeric.ERR_ERRONEUSNICKNAME, e.message(), nick);
            default -> s.replies().num(Numeric.ERR_UNKNOWNERROR, "NICK", e.message());
        };
    }

    private void tryRegister() {
        if (s.registered() || s.closed() || helloInFlight || capHold || desiredNick == null || username == null) {
            return;
        }
        helloInFlight = true;
        String nick = desiredNick;
        Response r = new Response(s, null);
        r.hold();
        s.call(id -> new ClientMessage.Hello(id, nick), r, reply -> {
            helloInFlight = false;
            if (reply instanceof ServerMessage.Welcome w) {
                welcome(w, r);
            } else if (reply instanceof ServerMessage.Error e) {
                if (!ErrorCode.ALREADY_REGISTERED.equals(e.code())) {
                    r.add(nickError(e, nick));
                }
                if (!nick.equals(desiredNick)) {
                    tryRegister(); // the client sent another NICK meanwhile
                }
            }
        });
        r.release();
    }

    private void welcome(ServerMessage.Welcome w, Response r) {
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
        if (desiredNick != null && !desiredNick.equals(w.nick())) {
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

    private void plain(String base64, Response r) {
        resetSasl();
        String[] parts;
        try {
            parts = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).split("\0", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 3 || parts[1].isEmpty()) {
            r.add(s.replies().because(Numeric.ERR_SASLFAIL, "PLAIN expects base64 of authzid NUL authcid NUL password"));
            return;
        }
        Response.Slot slot = r.open();
        s.core().authenticatePlain(parts[0], parts[1], parts[2], name -> r.complete(slot, () -> {
            if (name == null) {
                r.add(s.replies().std(Numeric.ERR_SASLFAIL));
            } else {
                account = name;
                String who = s.registered() ? s.nick() : desiredNick == null ? "*" : desiredNick;
                r.add(s.replies().num(Numeric.RPL_LOGGEDIN, s.info().mask(who), name,
                        "You are now logged in as " + name));
                r.add(s.replies().std(Numeric.RPL_SASLSUCCESS));
            }
        }));
    }

    private void resetSasl() {
        saslMechanism = null;
        saslData = null;
    }
}
