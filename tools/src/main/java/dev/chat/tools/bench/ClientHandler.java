package dev.chat.tools.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/** The last handler of a client's pipeline: hands what arrives to its {@link LoadLoop}. */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final LoadLoop loop;
    private final Conn c;
    private final boolean websocket;

    /** @param websocket the client starts once the WebSocket handshake is done, not at connect */
    ClientHandler(LoadLoop loop, Conn c, boolean websocket) {
        this.loop = loop;
        this.c = c;
        this.websocket = websocket;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        c.channel = ctx.channel();
        if (!websocket) {
            loop.connected(c); // with TLS, what it writes waits in the TLS handler for the handshake
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            Transport.readWebSocketRaw(ctx.pipeline());
            loop.connected(c);
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            loop.lost(c, "WebSocket handshake timed out");
        } else if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            loop.lost(c, "TLS handshake failed: " + e.cause().getMessage());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = loop.control.now();
        if (msg instanceof ByteBuf b) {
            loop.stream(c, b, now); // releases b (TCP, TLS, or a WebSocket's frames: Transport.readWebSocketRaw)
        } else {
            ReferenceCountUtil.release(msg); // nothing else comes: WebSocket frames are read as bytes too
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        loop.flushPending();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loop.lost(c, "closed by the server");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String m = cause.getMessage();
        loop.lost(c, "failed: " + (m == null ? cause.getClass().getSimpleName() : m.lines().findFirst().orElse(m)));
    }
}
