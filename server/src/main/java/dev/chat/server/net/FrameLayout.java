package dev.chat.server.net;

import io.netty.buffer.ByteBuf;

/**
 * How one server message lies on the wire, made from its framed-JSON encoding (what the chat core
 * hands every output: a 4-byte big-endian length, then the JSON). A {@link FrameScheduler} lays
 * each frame out once per loop in its format's layout, however many connections it goes to.
 *
 * <pre>
 *  FRAMED          | length (4, big-endian) | JSON ... |          the framed port, as given
 *
 *  WEBSOCKET_TEXT  | 0x81 | len7 | [ext. length] | JSON ... |   one unmasked RFC 6455 text frame:
 *                     FIN + opcode 1; len7 = the length up to 125, else 126 and a 16-bit length,
 *                     else 127 and a 64-bit length (both big-endian)
 * </pre>
 */
enum FrameLayout {
    /** Length-prefixed JSON (docs/PROTOCOL.md section 1): the frame as given. */
    FRAMED {
        @Override
        int size(byte[] frame) {
            return frame.length;
        }

        @Override
        void write(ByteBuf out, byte[] frame) {
            out.writeBytes(frame);
        }
    },
    /**
     * One WebSocket text message in one frame, as a server sends it (unmasked, no extension bits:
     * the server offers no compression, and an uncompressed message is valid even where
     * {@code permessage-deflate} was negotiated, RFC 7692 section 6).
     */
    WEBSOCKET_TEXT {
        @Override
        int size(byte[] frame) {
            int n = frame.length - 4;
            return n + (n <= 125 ? 2 : n <= 0xFFFF ? 4 : 10);
        }

        @Override
        void write(ByteBuf out, byte[] frame) {
            int n = frame.length - 4;
            out.writeByte(0x81); // FIN, text
            if (n <= 125) {
                out.writeByte(n);
            } else if (n <= 0xFFFF) {
                out.writeByte(126);
                out.writeShort(n);
            } else {
                out.writeByte(127);
                out.writeLong(n);
            }
            out.writeBytes(frame, 4, n);
        }
    };

    /** How many bytes {@link #write} writes for {@code frame} (a framed-JSON frame, header included). */
    abstract int size(byte[] frame);

    /** Writes {@code frame} (a framed-JSON frame, header included) to {@code out} in this layout. */
    abstract void write(ByteBuf out, byte[] frame);
}
