package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * {@code PRIVMSG} and {@code NOTICE} ("Modern IRC", section "PRIVMSG message"): to {@code #room}
 * a chat {@code say}, to a nick a chat {@code dm}. With {@code echo-message} the sender gets its
 * own message back: for a room the very {@code message} the core fanned out (with its seq as
 * msgid), matched to the command that sent it so that a {@code label} goes on the right one;
 * for a direct message a copy made when the core says {@code ok}. Client {@code draft/multiline}
 * batches become one chat text with its line breaks. A {@code NOTICE} never gets an error back
 * (the spec forbids it); the chat protocol has no notices, so others receive it as a message.
 */
final class MessageCommands {

    /** {@code TARGMAX=PRIVMSG:4,NOTICE:4}. */
    static final int MAX_TARGETS = 4;
    /** Own room messages waiting for their echo; beyond this the oldest is given up. */
    static final int MAX_AWAITING_ECHO = 256;

    /** A {@code say} whose echo is expected (echo-message): done when both its ok and its echo came. */
    private static final class SayWait {
        final String room;
        final String text;
        final String command;
        final Response response;
        final Response.Slot slot;
        boolean ok;
        boolean echoed;

        SayWait(String room, String text, String command, Response response) {
            this.room = room;
            this.text = text;
            this.command = command;
            this.response = response;
            this.slot = response.open();
        }
    }

    private final IrcSession s;
    private final ArrayDeque<SayWait> awaitingEcho = new ArrayDeque<>();
    private MultilineBatch batch;

    MessageCommands(IrcSession s) {
        this.s = s;
    }

    void privmsg(IrcLine line, Response r) {
        send(line, r, "PRIVMSG");
    }

    void notice(IrcLine line, Response r) {
        send(line, r, "NOTICE");
    }

    /** {@code TAGMSG}: it carries only client tags, which this server does not relay ({@code CLIENTTAGDENY=*}). */
    void tagmsg(IrcLine line, Response r) {
        // nothing to deliver: a labeled TAGMSG gets its ACK from the response
    }

    private void send(IrcLine line, Response r, String command) {
        boolean notice = command.equals("NOTICE");
        if (line.params().isEmpty() || line.param(0).isEmpty()) {
            if (!notice) {
                r.add(s.replies().num(Numeric.ERR_NORECIPIENT, "No recipient given (" + command + ")"));
            }
            return;
        }
        String text = line.param(1);
        if (text == null || text.isEmpty()) {
            if (!notice) {
                r.add(s.replies().std(Numeric.ERR_NOTEXTTOSEND));
            }
            return;
        }
        int n = 0;
        for (String target : line.param(0).split(",")) {
            if (target.isEmpty()) {
                continue;
            }
            if (++n > MAX_TARGETS) {
                if (!notice) {
                    r.add(s.replies().because(Numeric.ERR_TOOMANYTARGETS, "at most " + MAX_TARGETS
                            + " targets per message; this one was not sent", target));
                }
                continue;
            }
            sendTo(target, text, command, r);
        }
    }

    private void sendTo(String target, String text, String command, Response r) {
        boolean notice = command.equals("NOTICE");
        if (target.startsWith("#")) {
            String room = Names.normalizeRoom(target);
            if (room == null) {
                if (!notice) {
                    r.add(s.replies().because(Numeric.ERR_NOSUCHCHANNEL, ChannelCommands.ROOM_RULE, target));
                }
                return;
            }
            SayWait wait = Capability.ECHO_MESSAGE.in(s.caps()) ? awaitEcho(room, text, command, r) : null;
            s.call(id -> new ClientMessage.Say(id, room, text), r, reply -> {
                if (reply instanceof ServerMessage.Ok) {
                    if (wait != null) {
                        wait.ok = true;
                        if (wait.echoed) {
                            done(wait);
                        }
                    }
                    return;
                }
                if (wait != null) {
                    done(wait);
                }
                if (!notice && reply instanceof ServerMessage.Error e) {
                    r.add(sayError(e, target, command));
                }
            });
        } else {
            if (!Names.isValidNick(target)) {
                if (!notice) {
                    r.add(s.replies().std(Numeric.ERR_NOSUCHNICK, target));
                }
                return;
            }
            // away as it is when the message is sent, not when its ok comes back
            String away = notice ? null : s.core().awayMessage(target);
            s.call(id -> new ClientMessage.Dm(id, target, text), r, reply -> {
                if (reply instanceof ServerMessage.Ok) {
                    if (away != null) {
                        r.add(s.replies().num(Numeric.RPL_AWAY, target, away));
                    }
                    if (Capability.ECHO_MESSAGE.in(s.caps())) {
                        ChatMessage copy = ChatMessage.direct(target, s.nick(), text, s.now());
                        r.addAll(s.renderer().message(copy, s.caps(), command, null));
                    }
                } else if (!notice && reply instanceof ServerMessage.Error e) {
                    r.add(dmError(e, target, command));
                }
            });
        }
    }

    private IrcLine sayError(ServerMessage.Error e, String target, String command) {
        Replies rep = s.replies();
        return switch (e.code()) {
            case ErrorCode.NOT_IN_ROOM -> rep.because(Numeric.ERR_CANNOTSENDTOCHAN,
                    "you are not in it (join it first)", target);
            case ErrorCode.MODERATED -> rep.because(Numeric.ERR_CANNOTSENDTOCHAN,
                    "the channel is moderated (+m): only its operators and voiced members speak", target);
            case ErrorCode.RATE_LIMITED -> rep.because(Numeric.ERR_CANNOTSENDTOCHAN,
                    "message dropped, you are sending faster than this server allows; wait a moment", target);
            case ErrorCode.UNAVAILABLE -> rep.num(Numeric.RPL_TRYAGAIN, command,
                    "Message to " + target + " not sent: " + e.message() + "; please try again");
            default -> rep.num(Numeric.ERR_UNKNOWNERROR, command, "Message to " + target + " refused: " + e.message());
        };
    }

    private IrcLine dmError(ServerMessage.Error e, String target, String command) {
        Replies rep = s.replies();
        return switch (e.code()) {
            case ErrorCode.NO_SUCH_USER -> rep.std(Numeric.ERR_NOSUCHNICK, target);
            case ErrorCode.RATE_LIMITED -> rep.num(Numeric.RPL_TRYAGAIN, command, "Message to " + target
                    + " dropped: you are sending faster than this server allows; wait a moment and try again");
            case ErrorCode.UNAVAILABLE -> rep.num(Numeric.RPL_TRYAGAIN, command,
                    "Message to " + target + " not sent: " + e.message() + "; please try again");
            default -> rep.num(Numeric.ERR_UNKNOWNERROR, command, "Message to " + target + " refused: " + e.message());
        };
    }

    private SayWait awaitEcho(String room, String text, String command, Response r) {
        if (awaitingEcho.size() >= MAX_AWAITING_ECHO) {
            SayWait oldest = awaitingEcho.poll();
            oldest.response.close(oldest.slot); // its echo never came: answer without it
        }
        SayWait w = new SayWait(room, text, command, r);
        awaitingEcho.add(w);
        return w;
    }

    private void done(SayWait w) {
        if (awaitingEcho.remove(w)) {
            w.response.close(w.slot);
        }
    }

    /** A room message this session's user sent, as the core fanned it out. */
    void ownRoomMessage(ChatMessage m) {
        if (!Capability.ECHO_MESSAGE.in(s.caps())) {
            return; // without echo-message IRC does not show a sender its own message
        }
        SayWait match = null;
        for (Iterator<SayWait> it = awaitingEcho.iterator(); it.hasNext() && match == null; ) {
            SayWait w = it.next();
            if (!w.echoed && w.room.equals(m.room()) && w.text.equals(m.text())) {
                match = w;
            }
        }
        if (match == null) {
            for (IrcLine l : s.renderer().message(m, s.caps(), "PRIVMSG", null)) {
                s.write(l);
            }
            return;
        }
        match.echoed = true;
        SayWait w = match;
        w.response.into(w.slot, () -> w.response.addAll(s.renderer().message(m, s.caps(), w.command, null)));
        if (match.ok) {
            done(match);
        }
    }

    // ---- client draft/multiline batches ----

    /** {@code BATCH +ref draft/multiline target} opens a batch, {@code BATCH -ref} sends it. */
    void batch(IrcLine line, Response r) {
        String ref = line.param(0);
        if (ref.startsWith("+") && ref.length() > 1) {
            if (!"draft/multiline".equals(line.param(1)) || !Capability.usable(Capability.MULTILINE, s.caps())) {
                r.add(s.replies().fail("BATCH", "MULTILINE_INVALID",
                        "Only draft/multiline batches are taken, after CAP REQ draft/multiline and batch"));
                return;
            }
            if (line.param(2) == null) {
                r.add(s.replies().fail("BATCH", "MULTILINE_INVALID", "A multiline batch needs a target"));
                return;
            }
            if (batch != null) {
                batch.response().release();
                r.add(s.replies().fail("BATCH", "MULTILINE_INVALID",
                        "Batch " + batch.ref() + " was still open; it was dropped"));
            }
            batch = new MultilineBatch(ref.substring(1), line.param(2), r, s.info().multilineMaxBytes(),
                    s.info().multilineMaxLines());
            r.hold();
        } else if (ref.startsWith("-") && batch != null && batch.ref().equals(ref.substring(1))) {
            MultilineBatch b = batch;
            batch = null;
            try {
                if (b.failure() == null) {
                    String text = b.text();
                    if (text.isBlank()) {
                        b.response().add(s.replies().fail("BATCH", "MULTILINE_INVALID",
                                "The batch holds blank lines only; nothing was sent"));
                    } else {
                        sendTo(b.target(), text, "PRIVMSG", b.response());
                    }
                }
            } finally {
                b.response().release();
            }
        } else {
            r.add(s.replies().fail("BATCH", "MULTILINE_INVALID", "No batch " + ref + " is open"));
        }
    }

    /** Takes the lines of an open multiline batch; true when {@code line} belonged to it. */
    boolean swallowedByBatch(String command, IrcLine line, Response r) {
        if (batch == null || !batch.ref().equals(line.tag("batch"))) {
            return false;
        }
        if (batch.failure() != null) {
            return true; // already refused: the rest of the batch is dropped
        }
        String failure = command.equals("PRIVMSG") ? batch.add(line) : "MULTILINE_INVALID";
        if (failure != null) {
            batch.fail(failure);
            batch.response().add(batch.failLine(s.replies(), failure, line.param(0)));
        }
        return true;
    }
}
