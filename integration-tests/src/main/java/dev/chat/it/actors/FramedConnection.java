package dev.chat.it.actors;

import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.Message;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;

/**
 * A blocking TCP connection to a chat server that writes raw bytes or messages and reads the
 * server's frames one decoded message at a time. For the actors only: one thread uses it.
 */
final class FramedConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(1 << 20);
    private final ArrayDeque<ServerMessage> ready = new ArrayDeque<>();
    private final byte[] buffer = new byte[16384];

    FramedConnection(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(Message m) throws IOException {
        sendRaw(MessageCodec.encodeFrame(m));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * The next message from the server, or null if none came within {@code timeoutMs}.
     *
     * @throws EOFException the server closed the connection
     */
    ServerMessage next(int timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (ready.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (n < 0) {
                throw new EOFException("closed by the server");
            }
            try {
                decoder.feed(buffer, 0, n, payload -> {
                    try {
                        ready.add(MessageCodec.decodeServer(payload));
                    } catch (ProtocolException e) {
                        throw new IllegalStateException("the server sent an undecodable frame: " + e.getMessage(), e);
                    }
                });
            } catch (FrameTooLargeException e) {
                throw new IOException("the server sent an oversized frame", e);
            }
        }
        return ready.poll();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a dead socket: nothing to do
        }
    }
}
