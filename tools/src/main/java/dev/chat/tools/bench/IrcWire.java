package dev.chat.tools.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * IRC (RFC 1459/2812) as a client speaks it: {@code NICK} and {@code USER}, then, after the
 * welcome ({@code 001}) and any {@code --irc-setup} lines, {@code JOIN #room}; the client is
 * ready at the end of the channel's names ({@code 366}). Says are {@code PRIVMSG #room :text};
 * deliveries are the {@code PRIVMSG} lines received, with the send stamp at the start of the
 * text. {@code PING} is answered; an error numeric (400-599, except 422: no MOTD) during set-up
 * fails the run, later it is counted as an error.
 */
final class IrcWire implements Wire {
    /** Longest line accepted (IRCv3 tags included); longer means the server is not speaking IRC. */
    static final int MAX_LINE = 16 * 1024;
    private static final byte[] PRIVMSG = "PRIVMSG ".getBytes(StandardCharsets.US_ASCII);

    private final int textLength;
    private final List<String> setup;

    IrcWire(int textLength, List<String> setup) {
        this.textLength = textLength;
        this.setup = setup;
    }

    @Override
    public void start(LoadLoop loop, Conn c) {
        if (c.spec.sender()) {
            c.say = SayFrame.irc(c.spec.room(), c.spec.index(), textLength);
        }
        c.state = Conn.HELLO_SENT;
        String nick = c.spec.nick();
        loop.write(c, line("NICK " + nick + "\r\nUSER " + nick + " 0 * :chat bench\r\n"));
    }

    @Override
    public Object say(LoadLoop loop, Conn c, long stamp, long id) {
        return c.say.copy(c.channel.alloc(), stamp, id);
    }

    private static ByteBuf line(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void read(LoadLoop loop, Conn c, ByteBuf in, long now) {
        for (;;) {
            int start = in.readerIndex();
            int end = in.writerIndex();
            int nl = in.indexOf(start, end, (byte) '\n');
            if (nl < 0) {
                if (end - start > MAX_LINE) {
                    loop.lost(c, "sent a line longer than " + MAX_LINE + " bytes: not IRC?");
                }
                return;
            }
            int e = nl > start && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
            loop.frames++;
            line(loop, c, in, start, e, now);
            in.readerIndex(nl + 1);
            if (c.state == Conn.CLOSED) {
                return;
            }
        }
    }

    /** One line, {@code [s, e)} without CR LF. */
    private void line(LoadLoop loop, Conn c, ByteBuf b, int s, int e, long now) {
        int p = s;
        if (p < e && b.getByte(p) == '@') { // IRCv3 tags
            p = skipWord(b, p, e);
        }
        if (p < e && b.getByte(p) == ':') { // prefix
            p = skipWord(b, p, e);
        }
        if (p >= e) {
            return;
        }
        if (startsWith(b, p, e, PRIVMSG)) {
            int t = b.indexOf(p + PRIVMSG.length, e, (byte) ':');
            if (t > 0 && t + SayFrame.MIN_TEXT < e && b.getByte(t + 1) == SayFrame.MARKER) {
                loop.delivery(c, b, t + 1, now);
            }
            return;
        }
        int cmdEnd = b.indexOf(p, e, (byte) ' ');
        if (cmdEnd < 0) {
            cmdEnd = e;
        }
        String cmd = b.toString(p, cmdEnd - p, StandardCharsets.US_ASCII);
        switch (cmd) {
            case "PING" -> loop.write(c, line("PONG" + b.toString(cmdEnd, e - cmdEnd, StandardCharsets.UTF_8) + "\r\n"));
            case "001" -> {
                if (c.state == Conn.HELLO_SENT) {
                    c.state = Conn.JOIN_SENT;
                    StringBuilder out = new StringBuilder();
                    for (String l : setup) {
                        out.append(l.replace("{nick}", c.spec.nick())).append("\r\n");
                    }
                    out.append("JOIN #").append(c.spec.room()).append("\r\n");
                    loop.write(c, line(out.toString()));
                }
            }
            case "366" -> {
                if (c.state == Conn.JOIN_SENT) {
                    loop.ready(c);
                }
            }
            case "ERROR" -> loop.error(c, c.spec.nick() + " got " + b.toString(s, e - s, StandardCharsets.UTF_8));
            default -> {
                if (cmd.length() == 3 && (cmd.charAt(0) == '4' || cmd.charAt(0) == '5') && !cmd.equals("422")
                        && Character.isDigit(cmd.charAt(1)) && Character.isDigit(cmd.charAt(2))) {
                    String what = c.spec.nick() + " got " + b.toString(s, e - s, StandardCharsets.UTF_8);
                    if (c.state != Conn.READY) {
                        loop.setupFailed(c, false, what);
                    } else {
                        loop.error(c, what);
                    }
                }
            }
        }
    }

    private static int skipWord(ByteBuf b, int p, int e) {
        int sp = b.indexOf(p, e, (byte) ' ');
        if (sp < 0) {
            return e;
        }
        while (sp < e && b.getByte(sp) == ' ') {
            sp++;
        }
        return sp;
    }

    private static boolean startsWith(ByteBuf b, int p, int e, byte[] word) {
        if (e - p < word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b.getByte(p + i) != word[i]) {
                return false;
            }
        }
        return true;
    }
}
