package dev.chat.it.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.irc.IrcHooks;
import dev.chat.server.irc.IrcOutput;
import dev.chat.server.irc.IrcServerInfo;
import dev.chat.server.irc.IrcSession;
import dev.chat.server.irc.RenderCache;
import dev.chat.server.rooms.ChatHub;
import dev.chat.server.rooms.Delivery;
import dev.chat.server.rooms.InMemoryHistory;
import dev.chat.server.rooms.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A stand-in IRC server for tests, until the IRC listener is wired into the chat server: the
 * server's own IRC translator ({@link IrcSession}) and its chat rules ({@link ChatHub}) on plain
 * blocking sockets. Everything chat-related runs on one thread, as on one event loop: the hub,
 * every session, every delivery (decoded once, rendered through one {@link RenderCache}).
 * Each connection has a reader thread that hands its bytes over. It lets real IRC clients be
 * checked against the translator now; the real listener will replace it.
 */
final class TranslatorServer implements AutoCloseable {

    private final ServerSocket listener;
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "irc-translator-loop"));
    private final ChatHub hub;
    private final IrcServerInfo info;
    private final Map<Long, Connection> connections = new HashMap<>();
    /** Every line the clients sent, "id> line", for a failing test's message. */
    private final List<String> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private long nextId;

    TranslatorServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerConfig config = ServerConfig.forTests();
        hub = new ChatHub(config, "n-it", new InMemoryHistory(config.historyLimit()), this::delivered,
                System::currentTimeMillis);
        info = IrcServerInfo.of(config, "chat-it", Instant.now(), List.of("IRC translator stand-in"), 0,
                listener.getLocalPort());
        Thread accept = new Thread(this::accept, "irc-translator-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** Every line the clients sent so far, "connection-id> line". */
    List<String> received() {
        return List.copyOf(received);
    }

    private void run(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    String host() {
        return "127.0.0.1";
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                loop.execute(() -> {
                    Connection c = new Connection(++nextId, s);
                    connections.put(c.id, c);
                    Thread t = new Thread(c::read, "irc-translator-read-" + c.id);
                    t.setDaemon(true);
                    t.start();
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Fan-out from the hub (on the loop): decode once, render once per capability set. */
    private void delivered(int loopIndex, Delivery d) {
        loop.execute(() -> {
            ServerMessage m;
            try {
                m = MessageCodec.decodeServer(Arrays.copyOfRange(d.frame(), 4, d.frame().length));
            } catch (ProtocolException e) {
                throw new IllegalStateException(e);
            }
            RenderCache cache = new RenderCache(m, System.currentTimeMillis());
            for (Recipient to : d.to()) {
                Connection c = connections.get(to.sessionId());
                if (c != null) {
                    c.session.onEvent(cache);
                }
            }
        });
    }

    private final class Connection implements IrcHooks, IrcOutput, Recipient {
        final long id;
        final Socket socket;
        final OutputStream out;
        final IrcSession session;

        Connection(long id, Socket socket) {
            this.id = id;
            this.socket = socket;
            try {
                this.out = socket.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.session = new IrcSession(info, this, this, System::currentTimeMillis);
        }

        void read() {
            byte[] buf = new byte[16384];
            try (InputStream in = socket.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    byte[] chunk = Arrays.copyOf(buf, n);
                    for (String l : new String(chunk, java.nio.charset.StandardCharsets.UTF_8).split("\r?\n")) {
                        received.add(id + "> " + l);
                    }
                    run(() -> session.onBytes(chunk, 0, chunk.length));
                }
            } catch (IOException e) {
                // closed
            }
            run(this::gone);
        }

        void gone() {
            if (connections.remove(id) != null) {
                hub.disconnected(this);
            }
        }

        @Override
        public void send(ClientMessage request) {
            ServerMessage reply;
            if (request instanceof Ping p) {
                reply = new Pong(p.id());
            } else if (request instanceof Pong || request instanceof ClientMessage.Quit) {
                return; // a sign of life; quit: the session closes the connection
            } else {
                reply = hub.handle(this, request);
            }
            loop.execute(() -> session.onServerMessage(reply)); // replies come later, as over the event bus
        }

        @Override
        public void lookupUser(String nick, Consumer<UserInfo> done) {
            for (Connection c : connections.values()) {
                if (c.session.registered() && c.session.nick().equalsIgnoreCase(nick)) {
                    done.accept(new UserInfo(c.session.nick(), null, info.serverName(), null));
                    return;
                }
            }
            done.accept(null);
        }

        @Override
        public LuserCounts lusers() {
            return new LuserCounts(hub.sessions(), 1, hub.activeRooms(), hub.sessions());
        }

        @Override
        public void write(byte[] lines) {
            try {
                out.write(lines);
                out.flush();
            } catch (IOException e) {
                close();
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            gone();
        }

        @Override
        public long sessionId() {
            return id;
        }

        @Override
        public int loop() {
            return 0;
        }

        @Override
        public void deliver(byte[] frame) {
            throw new UnsupportedOperationException("deliveries go through the loop");
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        loop.execute(() -> List.copyOf(connections.values()).forEach(Connection::close));
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
