package dev.chat.server.net;

import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Delivery;
import dev.chat.server.core.Output;
import dev.chat.server.core.Recipient;
import dev.chat.server.core.Session;
import dev.chat.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;

/**
 * One loop's output for WebSocket connections: a delivery's JSON is the framed JSON without its
 * 4-byte header, turned into text once per delivery (not per member) and written to each member
 * as one text frame ({@link WsConnection#write}). Loop thread only.
 */
final class WsOutput implements Output {
    private final ChatLoop loop;
    private final ServerMetrics metrics;
    private final RoomWire wire;

    WsOutput(ChatLoop loop) {
        this.loop = loop;
        this.metrics = loop.metrics();
        this.wire = RoomWire.of(loop.vertx());
    }

    ChatLoop loop() {
        return loop;
    }

    RoomWire wire() {
        return wire;
    }

    int maxBacklog() {
        return loop.serverConfig().maxBacklog();
    }

    @Override
    public void deliver(Delivery d) {
        byte[] frame = d.frame();
        String text = new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8);
        for (Recipient r : d.to()) {
            ((WsConnection) ((Session) r).connection()).write(text, frame.length - 4);
        }
        if (d.chat()) {
            metrics.messagesDelivered.add(d.to().length);
        }
    }

    void countOut(int bytes) {
        metrics.framesOut.increment();
        metrics.bytesOut.add(bytes);
    }

    void countIn(int bytes) {
        metrics.bytesIn.add(bytes);
    }

    @Override
    public void close() {
        // nothing held: each connection's backlog goes with it
    }
}
