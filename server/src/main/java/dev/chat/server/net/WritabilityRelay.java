package dev.chat.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Tells a session that its socket can take writes again. Sessions write straight to the Netty
 * channel, so Vert.x's drain handler (which follows Vert.x's own write queue) never fires; this
 * handler, put in front of Vert.x's only once a socket's queue was first found full (idle
 * connections never carry it), turns Netty's writability change into a user event that reaches
 * the socket's {@code eventHandler}.
 */
@ChannelHandler.Sharable
final class WritabilityRelay extends ChannelInboundHandlerAdapter {
    static final String NAME = "chat-writable";
    static final WritabilityRelay INSTANCE = new WritabilityRelay();
    /** The user event: the channel is writable again. */
    static final Object WRITABLE = new Object() {
        @Override
        public String toString() {
            return "WRITABLE";
        }
    };

    private WritabilityRelay() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.fireChannelWritabilityChanged();
        if (ctx.channel().isWritable()) {
            ctx.fireUserEventTriggered(WRITABLE);
        }
    }
}
