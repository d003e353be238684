package dev.chat.client.it;

import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A chat client at the protocol level, for tests that need what script mode cannot do (talk in
 * several rooms, send direct messages): one socket, frames in and out, everything received kept.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final List<ServerMessage> received = new ArrayList<>();
    private long ids;

    RawClient(int port, String nick, String... rooms) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        Thread t = new Thread(this::readLoop, "raw-" + nick);
        t.setDaemon(true);
        t.start();
        send(new ClientMessage.Hello(++ids, nick));
        awaitReceived(m -> m instanceof ServerMessage.Welcome);
        for (String room : rooms) {
            send(new ClientMessage.Join(++ids, room));
            awaitReceived(m -> m instanceof ServerMessage.Joined j && j.room().equals(room));
        }
    }

    synchronized void send(ClientMessage m) throws IOException {
        socket.getOutputStream().write(MessageCodec.encodeFrame(m));
        socket.getOutputStream().flush();
    }

    void say(String room, String text) throws IOException {
        send(new ClientMessage.Say(null, room, text));
    }

    void dm(String to, String text) throws IOException {
        send(new ClientMessage.Dm(null, to, text));
    }

    List<ServerMessage> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits for a message; returns it. */
    ServerMessage awaitReceived(Predicate<ServerMessage> p) {
        await().atMost(ClientProcess.WAIT).until(() -> received().stream().anyMatch(p));
        return received().stream().filter(p).findFirst().orElseThrow();
    }

    /** Waits for a chat message with this text. */
    ServerMessage.ChatMessage awaitText(String text) {
        return (ServerMessage.ChatMessage) awaitReceived(m -> m instanceof ServerMessage.ChatMessage c
                && c.text().equals(text));
    }

    private void readLoop() {
        FrameDecoder decoder = new FrameDecoder(16 << 20);
        byte[] buf = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                List<byte[]> frames = new ArrayList<>();
                decoder.feed(buf, 0, n, frames::add);
                for (byte[] f : frames) {
                    ServerMessage m = MessageCodec.decodeServer(f);
                    if (m instanceof Ping p) {
                        send(new Pong(p.id()));
                    }
                    synchronized (received) {
                        received.add(m);
                    }
                }
            }
        } catch (IOException | ProtocolException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
