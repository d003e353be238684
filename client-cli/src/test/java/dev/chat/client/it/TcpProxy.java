package dev.chat.client.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on loopback between a client and a server, which a test can cut: {@link #sever}
 * closes every relayed connection (both sides see it closed), {@link #refuse} makes new
 * connections fail (accepted and closed at once), and {@link #blackholeServerToClient} drops
 * what the server sends while still forwarding what the client sends: replies get lost.
 * {@link #severClientSideOnly} cuts only the client's side, so the server still believes in the
 * old connection (a half-open one, as after a crash or a cable pulled) until
 * {@link #releaseLingering}.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final List<Socket> open = new ArrayList<>();
    private final List<Socket> serverSides = new ArrayList<>();
    private final List<Socket> clientSides = new ArrayList<>();
    private volatile boolean refusing;
    private volatile boolean linger;
    private volatile boolean blackhole;
    private volatile int accepted;

    TcpProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted and relayed so far. */
    int accepted() {
        return accepted;
    }

    void refuse(boolean value) {
        refusing = value;
    }

    void blackholeServerToClient(boolean value) {
        blackhole = value;
    }

    /** Cuts every relayed connection now. */
    void sever() {
        List<Socket> all;
        synchronized (open) {
            all = new ArrayList<>(open);
            open.clear();
        }
        for (Socket s : all) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Closes the client sides only; the server sides stay open and swallow what they get. */
    void severClientSideOnly() {
        linger = true;
        List<Socket> all;
        synchronized (open) {
            all = new ArrayList<>(clientSides);
            clientSides.clear();
        }
        all.forEach(TcpProxy::close);
    }

    /** Closes the server sides left open by {@link #severClientSideOnly}. */
    void releaseLingering() {
        List<Socket> all;
        synchronized (open) {
            all = new ArrayList<>(serverSides);
            serverSides.clear();
        }
        all.forEach(TcpProxy::close);
        linger = false;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                close(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                client.setTcpNoDelay(true);
                synchronized (open) {
                    open.add(client);
                    open.add(server);
                    clientSides.add(client);
                    serverSides.add(server);
                }
                accepted++;
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                close(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean serverToClient) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (serverToClient && (blackhole || linger && to.isClosed())) {
                        continue;
                    }
                    try {
                        out.write(buf, 0, n);
                        out.flush();
                    } catch (IOException e) {
                        if (!linger) {
                            throw e;
                        }
                    }
                }
            } catch (IOException e) {
                // one side closed
            }
            close(from);
            if (!(linger && !serverToClient)) {
                close(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sever();
    }
}
