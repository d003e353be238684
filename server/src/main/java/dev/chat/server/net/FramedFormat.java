package dev.chat.server.net;

import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.Output;

/**
 * Framed JSON (docs/PROTOCOL.md, section 1): the format of the TCP chat port, and of a TLS port
 * speaking the same frames. Each loop writes it through one {@link FrameScheduler}.
 */
public final class FramedFormat implements Format {
    /** The one instance: formats are compared by identity. */
    public static final FramedFormat INSTANCE = new FramedFormat();

    private FramedFormat() {
    }

    @Override
    public String name() {
        return "framed";
    }

    @Override
    public Output newOutput(ChatLoop loop) {
        return new FrameScheduler(loop, FrameLayout.FRAMED);
    }
}
