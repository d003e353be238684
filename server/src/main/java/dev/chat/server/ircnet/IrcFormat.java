package dev.chat.server.ircnet;

import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.Output;

/** IRC lines (docs/IRC.md): the format of the IRC port. Each loop writes it through one {@link IrcFanout}. */
public final class IrcFormat implements Format {
    /** The one instance: formats are compared by identity. */
    public static final IrcFormat INSTANCE = new IrcFormat();

    private IrcFormat() {
    }

    @Override
    public String name() {
        return "irc";
    }

    @Override
    public Output newOutput(ChatLoop loop) {
        return new IrcFanout(loop);
    }
}
