package dev.chat.client.script;

import dev.chat.client.session.SessionListener;
import dev.chat.client.text.TerminalText;
import dev.chat.protocol.Message;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What script mode prints. Plain: one line per received chat message, {@code #room <nick> text}
 * or {@code *nick* text} for a direct message ({@code #room * nick waves} and
 * {@code *nick* * nick waves} for actions), control characters made visible (so a message
 * is always one line); our own messages are left out, so a bot that answers what it reads
 * cannot talk to itself. {@code --json}: every event as one JSON line, exactly as the protocol
 * writes it ({@code message}, {@code member}, {@code topic}, {@code mode}, {@code invited}, {@code presence},
 * {@code error}, {@code bye}),
 * our own messages included. Problems and connection news go to stderr.
 */
final class ScriptOutput implements SessionListener {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;

    ScriptOutput(PrintStream out, PrintStream err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    @Override
    public void onChat(ChatMessage m, boolean own) {
        if (json) {
            json(m);
        } else if (!own) {
            String text = TerminalText.singleLine(m.text());
            String from = TerminalText.singleLine(m.from());
            String said = m.action() ? "* " + from + " " + text : "<" + from + "> " + text;
            out.println(m.isDirect() ? "*" + from + "* " + (m.action() ? said : text)
                    : "#" + TerminalText.singleLine(m.room()) + " " + said);
            out.flush();
        }
    }

    @Override
    public void onMember(ServerMessage.Member member) {
        if (json) {
            json(member);
        }
    }

    @Override
    public void onPresence(ServerMessage.Presence presence) {
        if (json) {
            json(presence);
        }
    }

    @Override
    public void onTopic(ServerMessage.Topic topic) {
        if (json) {
            json(topic);
        }
    }

    @Override
    public void onModeChange(ServerMessage.ModeChange change) {
        if (json) {
            json(change);
        }
    }

    @Override
    public void onInvited(ServerMessage.Invited invited) {
        if (json) {
            json(invited);
        }
        err.println("chat client: " + TerminalText.singleLine(invited.by()) + " invites you to #"
                + TerminalText.singleLine(invited.room()));
    }

    @Override
    public void onServerError(ServerMessage.Error error) {
        if (json) {
            json(error);
        }
        err.println("chat client: server error: " + TerminalText.singleLine(error.code())
                + (error.message() == null ? "" : ": " + TerminalText.singleLine(error.message())));
    }

    @Override
    public void onBye(ServerMessage.Bye bye) {
        if (json) {
            json(bye);
        }
        err.println("chat client: server says bye: " + TerminalText.singleLine(bye.reason()));
    }

    @Override
    public void onStatus(String text) {
        err.println("chat client: " + TerminalText.singleLine(text));
    }

    private void json(Message m) {
        out.println(new String(MessageCodec.encode(m), StandardCharsets.UTF_8));
        out.flush();
    }
}
