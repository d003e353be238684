package dev.chat.tools.bench;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.Message;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One client of {@code ./chat bench soak} ({@link SoakCommand}): a blocking framed-JSON
 * connection that sends a request and reads until its answer, skipping the events in between.
 * Slow and simple on purpose: the soak runs a few dozen of them, not thousands.
 */
final class SoakClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(1 << 20);
    private final List<byte[]> frames = new ArrayList<>();
    private final byte[] buf = new byte[16 * 1024];
    private long nextId = 1;

    private SoakClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static SoakClient open(InetSocketAddress at) throws IOException {
        return open(at, 0);
    }

    static SoakClient open(InetSocketAddress at, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setTcpNoDelay(true);
        s.setSoTimeout(15_000);
        s.connect(at, 10_000);
        return new SoakClient(s);
    }

    long id() {
        return nextId++;
    }

    void send(Message m) throws IOException {
        out.write(MessageCodec.encodeFrame(m));
    }

    /**
     * Sends and reads until the frame answering it ({@code ok}, {@code error}, the welcome, a
     * {@code pong}...: the one carrying its id); events in between are skipped. With a type, an
     * answer of another type (an error) fails.
     */
    <T extends ServerMessage> T request(ClientMessage m, Class<T> expected) throws IOException, ProtocolException {
        Object id = idOf(m);
        send(m);
        while (true) {
            ServerMessage reply = next();
            if (id.equals(idOf(reply))) {
                if (expected != null && !expected.isInstance(reply)) {
                    throw new IOException(m.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " answered " + reply);
                }
                return expected == null ? null : expected.cast(reply);
            }
        }
    }

    private static Object idOf(Message m) {
        try {
            Object id = m.getClass().getMethod("id").invoke(m);
            return id == null ? "" : id instanceof Number n ? (Object) n.longValue() : id;
        } catch (ReflectiveOperationException e) {
            return "";
        }
    }

    private ServerMessage next() throws IOException, ProtocolException {
        while (frames.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed by the server");
            }
            decoder.feed(buf, 0, n, frames::add);
        }
        return MessageCodec.decodeServer(frames.remove(0));
    }

    /**
     * True once the server dropped the connection: a small write fails (the first write after
     * the server's close is answered with a reset, the next one throws). Reads nothing, so the
     * connection stays as slow as it is.
     */
    boolean closedByServer() {
        try {
            send(new Ping(id()));
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
