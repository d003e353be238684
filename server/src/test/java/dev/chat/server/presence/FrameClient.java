package dev.chat.server.presence;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A raw TCP chat client for presence tests: frames out, frames in, blocking with a timeout.
 * Frames read while waiting for something else are kept, so a presence event that arrives
 * in the middle of a {@code peers} request is not lost.
 */
final class FrameClient implements AutoCloseable {
    private static final int TIMEOUT_MS = 20_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(16 * 1024 * 1024);
    private final ArrayDeque<ServerMessage> unread = new ArrayDeque<>();
    private final List<ServerMessage> kept = new ArrayList<>();
    private final byte[] buf = new byte[64 * 1024];
    private int nextId;

    private FrameClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port} and registers as {@code nick}. */
    static FrameClient registered(int port, String nick) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(TIMEOUT_MS);
        s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        FrameClient c = new FrameClient(s);
        ServerMessage reply = c.request(id -> new ClientMessage.Hello(id, nick));
        if (!(reply instanceof ServerMessage.Welcome)) {
            throw new AssertionError("hello answered with " + reply);
        }
        return c;
    }

    void send(ClientMessage m) throws IOException {
        out.write(MessageCodec.encodeFrame(m));
        out.flush();
    }

    /** Sends a request with a fresh id; returns the reply carrying it, keeping other frames. */
    ServerMessage request(Function<String, ClientMessage> build) throws IOException {
        String id = "q" + nextId++;
        send(build.apply(id));
        while (true) {
            ServerMessage m = read();
            if (id.equals(m.id())) {
                return m;
            }
            kept.add(m);
        }
    }

    List<ServerMessage.PeerInfo> peers() throws IOException {
        ServerMessage reply = request(ClientMessage.ListPeers::new);
        if (!(reply instanceof ServerMessage.PeerList list)) {
            throw new AssertionError("peers answered with " + reply);
        }
        return list.peers();
    }

    /** The first frame (kept earlier or read now) of this type matching, removed from the kept ones. */
    <T extends ServerMessage> T await(Class<T> type, Predicate<T> match) throws IOException {
        for (Iterator<ServerMessage> it = kept.iterator(); it.hasNext(); ) {
            ServerMessage m = it.next();
            if (type.isInstance(m) && match.test(type.cast(m))) {
                it.remove();
                return type.cast(m);
            }
        }
        while (true) {
            ServerMessage m = read();
            if (type.isInstance(m) && match.test(type.cast(m))) {
                return type.cast(m);
            }
            kept.add(m);
        }
    }

    /** Frames read but not yet awaited. */
    List<ServerMessage> kept() {
        return kept;
    }

    private ServerMessage read() throws IOException {
        while (unread.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("the server closed the connection");
            }
            try {
                decoder.feed(buf, 0, n, payload -> {
                    try {
                        unread.add(MessageCodec.decodeServer(payload));
                    } catch (ProtocolException e) {
                        throw new AssertionError("undecodable frame from the server: " + e.getMessage());
                    }
                });
            } catch (ProtocolException e) {
                throw new AssertionError("frame from the server too large: " + e.getMessage());
            }
        }
        return unread.poll();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
