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
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat server speaking the wire protocol from a script, on a real loopback socket: it stands
 * for a server with the optional fields of docs/PROTOCOL.md (a {@code welcome} naming its
 * {@code udp_port}, {@code member} events with a {@code reason}, actions) until the real server
 * sends them. It registers any nick, joins any room (alone), acknowledges and echoes
 * {@code say}, answers {@code ping}, and lets the test push events with {@link #send}.
 * One client at a time.
 */
final class ScriptedServer implements AutoCloseable {
    private final ServerSocket listener;
    private final Integer udpPort;
    private final List<ClientMessage> received = new ArrayList<>();
    private volatile Socket client;
    private volatile String nick;
    private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();

    /** @param udpPort what {@code welcome.udp_port} says (null: the field is left out) */
    ScriptedServer(Integer udpPort) throws IOException {
        this.udpPort = udpPort;
        this.listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "scripted-server");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** What the client sent, in order. */
    List<ClientMessage> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until the client has joined {@code room}. */
    void awaitJoined(String room) {
        await().atMost(ClientProcess.WAIT).until(() -> received().stream()
                .anyMatch(m -> m instanceof ClientMessage.Join j && j.room().equals(room)));
    }

    /** Pushes an event (or anything) to the connected client. */
    synchronized void send(ServerMessage m) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(MessageCodec.encodeFrame(m));
        out.flush();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                client = s;
                serve(s);
            } catch (IOException e) {
                // the client went away (or we are closing): wait for the next one
            }
        }
    }

    private void serve(Socket s) throws IOException {
        FrameDecoder decoder = new FrameDecoder(1 << 20);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            List<byte[]> frames = new ArrayList<>();
            try {
                decoder.feed(buf, 0, n, frames::add);
            } catch (dev.chat.protocol.FrameTooLargeException e) {
                send(ServerMessage.Error.of(e));
                return;
            }
            for (byte[] f : frames) {
                ClientMessage m;
                try {
                    m = MessageCodec.decodeClient(f);
                } catch (ProtocolException e) {
                    send(ServerMessage.Error.of(e));
                    continue;
                }
                synchronized (received) {
                    received.add(m);
                }
                answer(m);
            }
        }
    }

    private void answer(ClientMessage m) throws IOException {
        if (m instanceof ClientMessage.Hello h) {
            nick = h.nick();
            send(new ServerMessage.Welcome(h.id(), h.nick(), "scripted", "n-test", 1, 30_000, 65_536, udpPort));
        } else if (m instanceof ClientMessage.Join j) {
            send(new ServerMessage.Joined(j.id(), j.room(), List.of(nick), seq.get()));
        } else if (m instanceof ClientMessage.Say say) {
            send(ServerMessage.ChatMessage.inRoom(say.room(), nick, say.text(), say.action(), System.currentTimeMillis(),
                    seq.incrementAndGet()));
            if (say.id() != null) {
                send(new ServerMessage.Ok(say.id()));
            }
        } else if (m instanceof ClientMessage.Part p) {
            send(new ServerMessage.Parted(p.id(), p.room()));
        } else if (m instanceof ClientMessage.History h) {
            send(new ServerMessage.HistoryReply(h.id(), h.room(), List.of()));
        } else if (m instanceof Ping p) {
            send(new Pong(p.id()));
        } else if (m instanceof ClientMessage.Quit) {
            client.close();
        } else if (m.id() != null && !(m instanceof Pong)) {
            send(new ServerMessage.Ok(m.id()));
        }
    }

    /** The next {@code seq} of the room, for events the test makes up. */
    long nextSeq() {
        return seq.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket c = client;
        if (c != null) {
            c.close();
        }
    }
}
