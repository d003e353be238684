package dev.chat.client.tls;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * Just enough of a chat server, behind a JDK {@code SSLServerSocket} on 127.0.0.1 and port 0,
 * to let the real client register, join and have a message acknowledged: {@code hello} gets
 * {@code welcome}, {@code join} gets {@code joined}, {@code history} an empty page, every other
 * request {@code ok}. Or, with {@code tls} false, the same in plaintext.
 */
public final class FakeTlsChatServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger says = new AtomicInteger();

    private FakeTlsChatServer(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = new Thread(this::acceptLoop, "fake-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A TLS server presenting {@code cert}. */
    public static FakeTlsChatServer tls(TestCertificates.Issued cert) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.keyStore(), "test".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getByName("127.0.0.1"));
        s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return new FakeTlsChatServer(s);
    }

    /** A plaintext server. */
    public static FakeTlsChatServer plain() throws IOException {
        return new FakeTlsChatServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Connections that got as far as their first frame. */
    public int sessions() {
        return handshakes.get();
    }

    /** {@code say} requests acknowledged. */
    public int says() {
        return says.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket c = socket.accept();
                Thread t = new Thread(() -> serve(c), "fake-tls-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket c) {
        try (c) {
            c.setSoTimeout(60_000);
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            FrameDecoder decoder = new FrameDecoder(1 << 20);
            byte[] buf = new byte[8192];
            boolean[] first = {true};
            String[] nick = {"x"};
            int n;
            while ((n = in.read(buf)) >= 0) {
                decoder.feed(buf, 0, n, payload -> {
                    if (first[0]) {
                        handshakes.incrementAndGet();
                        first[0] = false;
                    }
                    ClientMessage m;
                    try {
                        m = MessageCodec.decodeClient(payload);
                    } catch (ProtocolException e) {
                        return;
                    }
                    ServerMessage reply;
                    if (m instanceof ClientMessage.Hello h) {
                        nick[0] = h.nick();
                        reply = new ServerMessage.Welcome(h.id(), h.nick(), "fake", "n-1", 1, 30_000, 65_536);
                    } else if (m instanceof ClientMessage.Join j) {
                        reply = new ServerMessage.Joined(j.id(), j.room(), List.of(nick[0]), 0);
                    } else if (m instanceof ClientMessage.History h) {
                        reply = new ServerMessage.HistoryReply(h.id(), h.room(), List.of());
                    } else if (m instanceof ClientMessage.Say s) {
                        says.incrementAndGet();
                        reply = new ServerMessage.Ok(s.id());
                    } else {
                        reply = m instanceof ClientMessage.Quit || m.id() == null ? null : new ServerMessage.Ok(m.id());
                    }
                    if (reply != null) {
                        try {
                            out.write(MessageCodec.encodeFrame(reply));
                            out.flush();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
            }
        } catch (Exception e) {
            // the client went away, or sent what a TLS server cannot read: the connection ends
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
