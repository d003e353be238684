package dev.chat.server.net;

import dev.chat.protocol.BadJsonException;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Connection;
import dev.chat.server.core.Format;
import dev.chat.server.core.Session;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One browser (or other WebSocket client) on {@code /ws}: the same adapter as
 * {@link TcpConnection}, over WebSocket text frames instead of length-prefixed ones. A client's
 * text message (one frame, or fragments up to {@code --max-frame} bytes in all) is the payload a
 * TCP frame would carry and goes through the same decoding and the same rules ({@link Inbound});
 * each server message goes out as one text frame. Bad input as on TCP: a message longer than
 * {@code --max-frame} gets {@code frame_too_large} and the close (status 1009); a binary message
 * gets {@code bad_json} and the connection stays open. Output is bounded like TCP's: while the
 * socket's write queue is full, messages wait here, and past {@code --max-backlog} bytes the
 * session is closed as a slow consumer (status 1008). Loop thread only.
 */
public final class WsConnection implements Connection {
    /** Close status for a normal end (quit, hello timeout). */
    static final short NORMAL = 1000;
    /** The server is going away (shutdown, or a {@code bye}). */
    static final short GOING_AWAY = 1001;
    /** Policy violation: a slow consumer. */
    static final short POLICY = 1008;
    /** The message was too big. */
    static final short TOO_BIG = 1009;
    /** Try again later: the server is full. */
    static final short TRY_LATER = 1013;

    private final ServerWebSocket ws;
    private final WsOutput out;
    private final ChatLoop loop;
    private final int maxFrame;
    private final Runnable onClose;
    private Session session;
    private boolean closing;
    /** The message being received in fragments (null when none), and whether it is binary. */
    private Buffer partial;
    private boolean partialBinary;
    private int partialBytes;
    private long incompleteSince = Long.MIN_VALUE;
    /** Messages waiting while the socket's write queue is full; {@link #backlogBytes} bytes in all. */
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private long backlogBytes;

    private WsConnection(ServerWebSocket ws, WsOutput out, Runnable closed) {
        this.ws = ws;
        this.onClose = closed;
        this.out = out;
        this.loop = out.loop();
        this.maxFrame = loop.serverConfig().maxFrame();
    }

    /**
     * Serves an accepted WebSocket on this loop (the caller runs on the loop's context);
     * {@code closed} runs once it is closed.
     */
    public static void serve(ChatLoop loop, ServerWebSocket ws, Runnable closed) {
        WsConnection c = new WsConnection(ws, (WsOutput) loop.output(WsFormat.INSTANCE), closed);
        ws.frameHandler(c::onFrame);
        ws.drainHandler(v -> c.onDrain());
        ws.closeHandler(v -> c.onClosed());
        ws.exceptionHandler(e -> c.onError(e));
        ws.shutdownHandler(v -> c.onShutdown());
        c.session = loop.open(c);
    }

    @Override
    public String transport() {
        return "ws";
    }

    @Override
    public Format format() {
        return WsFormat.INSTANCE;
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(ws.remoteAddress());
    }

    @Override
    public java.net.InetAddress remoteIp() {
        io.vertx.core.net.SocketAddress a = ws.remoteAddress();
        if (a == null || a.hostAddress() == null || !a.hostAddress().matches("[0-9A-Fa-f:.]+")) {
            return null; // only a literal address: a name would need a lookup on the event loop
        }
        try { // a literal address: no lookup
            return java.net.InetAddress.getByName(a.hostAddress());
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    @Override
    public boolean encrypted() {
        return ws.isSsl();
    }

    @Override
    public long incompleteSince() {
        return incompleteSince;
    }

    // ---- inbound ----

    private void onFrame(WebSocketFrame f) {
        if (session == null || closing || !(f.isText() || f.isBinary() || f.isContinuation())) {
            return; // pings, pongs and the close handshake are Vert.x's
        }
        Buffer data = f.binaryData();
        out.countIn(data.length());
        if (!f.isContinuation()) {
            partial = null;
            partialBytes = 0;
            partialBinary = f.isBinary();
        }
        partialBytes += data.length();
        if (partialBytes > maxFrame) {
            partial = null;
            loop.rejected(session, new FrameTooLargeException(partialBytes, maxFrame));
            return;
        }
        if (!partialBinary) {
            if (partial == null && f.isFinal()) {
                partial = data; // the common case: one frame, one message
            } else {
                if (partial == null) {
                    partial = Buffer.buffer(Math.min(maxFrame, 2 * data.length()));
                }
                partial.appendBuffer(data);
            }
        }
        if (!f.isFinal()) {
            if (incompleteSince == Long.MIN_VALUE) {
                incompleteSince = System.nanoTime();
            }
            return;
        }
        incompleteSince = Long.MIN_VALUE;
        Buffer message = partial;
        partial = null;
        partialBytes = 0;
        if (partialBinary) {
            loop.rejected(session, new BadJsonException("binary WebSocket message: send JSON as a text message"));
            return;
        }
        Inbound.payload(loop, session, message.getBytes(), "ws", out.wire());
    }

    @Override
    public void pauseReading() {
        ws.pause();
    }

    @Override
    public void resumeReading() {
        ws.resume();
    }

    private void onClosed() {
        onClose.run();
        closing = true;
        backlog.clear();
        backlogBytes = 0;
        if (session != null) {
            loop.closed(session);
        }
    }

    /**
     * A frame beyond twice {@code --max-frame} is refused by the WebSocket decoder itself, before
     * it is read: answered as one over {@code --max-frame}. Any other broken frame closes the
     * connection (1008 after an {@code error}, or 1000).
     */
    private void onError(Throwable e) {
        if (session == null || closing) {
            return;
        }
        if (e instanceof CorruptedWebSocketFrameException c && c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
            loop.rejected(session, new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                    "WebSocket frame exceeds the limit of " + maxFrame + " bytes", null) {
                @Override
                public boolean fatal() {
                    return true;
                }
            });
            return;
        }
        loop.close(session, "websocket error: " + e.getMessage(), null);
    }

    /** Vert.x's close sequence (the server stops): {@code bye}, then the close (1001). */
    private void onShutdown() {
        if (session != null) {
            String reason = "server shutting down";
            loop.close(session, reason, new ServerMessage.Bye(reason));
        } else if (!ws.isClosed()) {
            ws.close(GOING_AWAY, "server shutting down");
        }
    }

    // ---- outbound ----

    @Override
    public void send(ServerMessage m) {
        if (!closing) {
            byte[] json = MessageCodec.encode(m);
            write(new String(json, StandardCharsets.UTF_8), json.length);
        }
    }

    /** One message ({@code bytes} of UTF-8) for this client: written now, or queued while the socket is full. */
    void write(String text, int bytes) {
        if (closing || ws.isClosed()) {
            return; // closed by the peer: closeHandler is on its way (Vert.x throws on a closed socket's queue)
        }
        if (!backlog.isEmpty() || ws.writeQueueFull()) {
            backlog.addLast(text);
            backlogBytes += bytes;
            if (backlogBytes > out.maxBacklog() && session != null) {
                loop.slowConsumer(session);
            }
            return;
        }
        writeNow(text, bytes);
    }

    private void writeNow(String text, int bytes) {
        out.countOut(bytes);
        ws.writeTextMessage(text);
    }

    private void onDrain() {
        while (!backlog.isEmpty() && !closing && !ws.isClosed() && !ws.writeQueueFull()) {
            String text = backlog.pollFirst();
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            backlogBytes -= bytes;
            writeNow(text, bytes);
        }
    }

    /** Writes what waits, then {@code last} (if not null), then closes with the status that fits it. */
    @Override
    public void close(ServerMessage last) {
        if (closing) {
            return;
        }
        String text;
        while ((text = backlog.pollFirst()) != null && !ws.isClosed()) {
            writeNow(text, text.getBytes(StandardCharsets.UTF_8).length); // bounded by --max-backlog
        }
        backlog.clear();
        backlogBytes = 0;
        if (last != null && !ws.isClosed()) {
            byte[] json = MessageCodec.encode(last);
            writeNow(new String(json, StandardCharsets.UTF_8), json.length);
        }
        closing = true;
        if (!ws.isClosed()) {
            ws.close(status(last), reason(last));
        }
    }

    /** Drops what waits for a slow reader (whole messages: Vert.x writes each frame whole), then closes. */
    @Override
    public void abandon(ServerMessage last) {
        backlog.clear();
        backlogBytes = 0;
        close(last);
    }

    private static short status(ServerMessage last) {
        if (last instanceof ServerMessage.Error e) {
            return switch (e.code()) {
                case ErrorCode.FRAME_TOO_LARGE -> TOO_BIG;
                case ErrorCode.SLOW_CONSUMER -> POLICY;
                case ErrorCode.SERVER_FULL -> TRY_LATER;
                default -> POLICY;
            };
        }
        return last instanceof ServerMessage.Bye ? GOING_AWAY : NORMAL;
    }

    /** A close reason is at most 123 bytes: the error code, or the bye's reason cut short. */
    private static String reason(ServerMessage last) {
        String r = last instanceof ServerMessage.Error e ? e.code()
                : last instanceof ServerMessage.Bye b && b.reason() != null ? b.reason() : "";
        return r.length() > 30 ? r.substring(0, 30) : r; // 30 characters are at most 120 bytes
    }
}
