package dev.chat.tools.bench;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * This server's JSON wire protocol (docs/PROTOCOL.md): framed over TCP (4-byte length, then the
 * payload) or one payload per WebSocket text message (the server's frames read from the byte
 * stream too, {@link #readWebSocket}). Registers with {@code hello}, joins with
 * {@code join}, counts {@code ok}s; received payloads are told apart by a few bytes
 * ({@link Inbound}) and only rare ones are decoded in full.
 */
final class JsonWire implements Wire {
    /** Longest frame accepted from the server (a big room's member list fits easily). */
    static final int MAX_FRAME = 4 * 1024 * 1024;

    private final boolean websocket;
    private final int textLength;

    JsonWire(boolean websocket, int textLength) {
        this.websocket = websocket;
        this.textLength = textLength;
    }

    @Override
    public void start(LoadLoop loop, Conn c) {
        if (c.spec.sender()) {
            c.say = websocket ? SayFrame.ws(c.spec.room(), c.spec.index(), textLength)
                    : new SayFrame(c.spec.room(), c.spec.index(), textLength);
        }
        c.state = Conn.HELLO_SENT;
        loop.write(c, message(new ClientMessage.Hello(null, c.spec.nick())));
    }

    @Override
    public Object say(LoadLoop loop, Conn c, long stamp, long id) {
        ByteBuf b = c.say.copy(c.channel.alloc(), stamp, id);
        return websocket ? new TextWebSocketFrame(b) : b;
    }

    private Object message(ClientMessage m) {
        return websocket ? new TextWebSocketFrame(Unpooled.wrappedBuffer(MessageCodec.encode(m)))
                : Unpooled.wrappedBuffer(MessageCodec.encodeFrame(m));
    }

    private Object pong() {
        return websocket ? new TextWebSocketFrame(Unpooled.wrappedBuffer(MessageCodec.encode(new Pong(null))))
                : Unpooled.wrappedBuffer(MessageCodec.encodeFrame(new Pong(null)));
    }

    @Override
    public void read(LoadLoop loop, Conn c, ByteBuf in, long now) {
        if (websocket) {
            readWebSocket(loop, c, in, now);
            return;
        }
        while (in.readableBytes() >= 4) {
            int p = in.readerIndex();
            int len = in.getInt(p);
            if (len <= 0 || len > MAX_FRAME) {
                loop.lost(c, "the server sent a frame of length " + Integer.toUnsignedString(len));
                return;
            }
            if (in.readableBytes() - 4 < len) {
                return;
            }
            loop.frames++;
            payload(loop, c, in, p + 4, len, now);
            in.readerIndex(p + 4 + len);
            if (c.state == Conn.CLOSED) {
                return;
            }
        }
    }

    /**
     * The server's WebSocket frames, read from the byte stream ({@link Transport#readWebSocketRaw}):
     * unmasked, each text message in one frame (the server never fragments); pings answered,
     * pongs ignored, a close frame closes the connection.
     */
    private void readWebSocket(LoadLoop loop, Conn c, ByteBuf in, long now) {
        while (in.readableBytes() >= 2) {
            int p = in.readerIndex();
            int b0 = in.getUnsignedByte(p);
            int b1 = in.getUnsignedByte(p + 1);
            int header = 2;
            long len = b1 & 0x7F;
            if (len == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                len = in.getUnsignedShort(p + 2);
                header = 4;
            } else if (len == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                len = in.getLong(p + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0 || len < 0 || len > MAX_FRAME) {
                loop.lost(c, "the server sent a WebSocket frame " + ((b1 & 0x80) != 0 ? "masked" : "of length " + len));
                return;
            }
            if (in.readableBytes() - header < len) {
                return;
            }
            int start = p + header;
            int n = (int) len;
            switch (b0 & 0x8F) {
                case 0x81 -> { // FIN + text
                    loop.frames++;
                    payload(loop, c, in, start, n, now);
                }
                case 0x89 -> loop.write(c, new PongWebSocketFrame(in.retainedSlice(start, n))); // ping
                case 0x8A -> { } // pong
                case 0x88 -> { // close
                    in.readerIndex(start + n);
                    c.channel.close();
                    return;
                }
                default -> {
                    loop.lost(c, "the server sent a WebSocket frame with first byte 0x" + Integer.toHexString(b0)
                            + " (a fragment, or binary): not expected");
                    return;
                }
            }
            in.readerIndex(start + n);
            if (c.state == Conn.CLOSED) {
                return;
            }
        }
    }

    private void payload(LoadLoop loop, Conn c, ByteBuf b, int p, int len, long now) {
        switch (Inbound.classify(b, p, len)) {
            case Inbound.MESSAGE -> {
                int q = Inbound.findMarker(b, p, len, loop.textOffset);
                if (q >= 0) {
                    loop.delivery(c, b, q, now);
                } // else not a bench message: someone else talks in the room
            }
            case Inbound.MEMBER, Inbound.PONG -> { }
            case Inbound.OK -> loop.answered(c, false);
            case Inbound.PING -> loop.write(c, pong());
            default -> {
                byte[] payload = new byte[len];
                b.getBytes(p, payload);
                decoded(loop, c, payload);
            }
        }
    }

    /** Rare frames: decoded in full. */
    private void decoded(LoadLoop loop, Conn c, byte[] payload) {
        ServerMessage m;
        try {
            m = MessageCodec.decodeServer(payload);
        } catch (ProtocolException e) {
            loop.error(c, "undecodable frame from the server: " + e.getMessage());
            return;
        }
        if (m instanceof ServerMessage.Welcome) {
            if (c.state == Conn.HELLO_SENT) {
                c.state = Conn.JOIN_SENT;
                loop.write(c, message(new ClientMessage.Join(null, c.spec.room())));
            }
        } else if (m instanceof ServerMessage.Joined) {
            if (c.state == Conn.JOIN_SENT) {
                loop.ready(c);
            }
        } else if (m instanceof ServerMessage.Error e) {
            String what = c.spec.nick() + " got error " + e.code() + ": " + e.message();
            if (c.state != Conn.READY) {
                loop.setupFailed(c, "server_full".equals(e.code()), what);
            } else {
                if (e.id() != null) {
                    loop.answered(c, true);
                }
                loop.error(c, what);
            }
        } else if (m instanceof ServerMessage.Bye bye) {
            loop.error(c, "the server said bye to " + c.spec.nick() + ": " + bye.reason());
        } else if (m instanceof dev.chat.protocol.Ping) {
            loop.write(c, pong());
        }
        // anything else (member lists, foreign messages) is only counted as a frame
    }
}
