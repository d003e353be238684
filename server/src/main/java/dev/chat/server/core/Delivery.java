package dev.chat.server.core;

import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.util.Arrays;

/**
 * One server message for several sessions of one lane (one event loop, one output format): how a
 * room message, a member event, a direct message or a presence event fans out. The message is
 * encoded into its framed-JSON bytes once, by whoever made it, for every loop and format; an
 * {@link Output} that writes another format renders it once per delivery and may keep the result
 * in {@link #rendered} (a delivery is handled on its lane's loop only). The recipient array is
 * shared (a room reuses it until its membership changes) and never modified.
 */
public final class Delivery {
    private ServerMessage event;
    private final byte[] frame;
    private final Recipient[] to;
    private final boolean chat;
    /** The lane's output may keep its rendering of the event here (loop thread only). */
    public Object rendered;

    /**
     * @param event the message, or null to decode it from {@code frame} when a format needs it
     * @param frame the message as one framed-JSON frame (4-byte length, then the JSON)
     * @param to sessions of one lane
     * @param chat whether it is a chat {@code message} (counted as delivered in metrics) rather than an event
     */
    public Delivery(ServerMessage event, byte[] frame, Recipient[] to, boolean chat) {
        this.event = event;
        this.frame = frame;
        this.to = to;
        this.chat = chat;
    }

    /** Encodes the message once. */
    public static Delivery of(ServerMessage event, Recipient[] to, boolean chat) {
        return new Delivery(event, MessageCodec.encodeFrame(event), to, chat);
    }

    /** The message (decoded from the frame on first use if it was made from bytes only). */
    public ServerMessage event() {
        if (event == null) {
            try {
                event = MessageCodec.decodeServer(Arrays.copyOfRange(frame, 4, frame.length));
            } catch (ProtocolException e) {
                throw new IllegalStateException("a delivery carries a frame the server cannot decode", e);
            }
        }
        return event;
    }

    /** The framed-JSON bytes, shared: never modify them. */
    public byte[] frame() {
        return frame;
    }

    public Recipient[] to() {
        return to;
    }

    public boolean chat() {
        return chat;
    }
}
