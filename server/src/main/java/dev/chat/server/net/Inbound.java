package dev.chat.server.net;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.server.core.ChatLoop;
import dev.chat.server.core.Session;

/**
 * What every JSON transport does with one whole payload it received (a TCP frame's, a WebSocket
 * text message's): decode it, note it in the node's {@link RoomWire}, and hand the request (or
 * the decoding error) to the loop's rules. The one place the JSON adapters share, so that they
 * cannot disagree on what a payload means.
 */
final class Inbound {

    private Inbound() {
    }

    static void payload(ChatLoop loop, Session session, byte[] payload, String transport, RoomWire wire) {
        ClientMessage m;
        try {
            m = MessageCodec.decodeClient(payload);
        } catch (ProtocolException e) {
            loop.rejected(session, e);
            return;
        }
        wire.received(m, payload, transport);
        loop.received(session, m);
    }
}
