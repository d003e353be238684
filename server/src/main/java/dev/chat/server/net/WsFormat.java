package dev.chat.server.net;

import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Format;
import dev.chat.server.core.Output;

/**
 * The JSON protocol over WebSocket ({@code /ws}, docs/PROTOCOL.md "WebSocket"): each message is
 * one text frame carrying the payload a TCP frame would carry, without the length header. Each
 * loop writes it through one {@link FrameScheduler} of {@link FrameLayout#WEBSOCKET_TEXT} frames.
 */
public final class WsFormat implements Format {
    /** The one instance: formats are compared by identity. */
    public static final WsFormat INSTANCE = new WsFormat();

    private WsFormat() {
    }

    @Override
    public String name() {
        return "ws-text";
    }

    @Override
    public Output newOutput(ChatLoop loop) {
        return new FrameScheduler(loop, FrameLayout.WEBSOCKET_TEXT);
    }
}
