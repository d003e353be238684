package dev.chat.tools.bench;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small servers for the generator's protocol modes, on real loopback sockets: a minimal IRC
 * fan-out server, a minimal WebSocket server speaking the JSON protocol's set-up and say, and
 * a TLS relay in front of a plaintext server. Each runs on one Vert.x event loop (one verticle
 * context), so their state needs no locking.
 */
final class BenchFixtures implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    /** Lines the IRC fixture received that were neither registration, JOIN, PRIVMSG nor PONG. */
    final ConcurrentLinkedQueue<String> otherIrcLines = new ConcurrentLinkedQueue<>();
    /** Says the WebSocket fixture received. */
    final AtomicLong wsSays = new AtomicLong();

    private NetServerOptions options(boolean tls) {
        NetServerOptions o = new NetServerOptions().setHost("127.0.0.1").setPort(0);
        if (tls) {
            o.setSsl(true).setKeyCertOptions(cert.keyCertOptions());
        }
        return o;
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** An IRC server that registers anyone, joins channels and relays PRIVMSG to the other members. Returns its port. */
    int irc(boolean tls) throws Exception {
        // connections come on several event loops: members are added on one and read on others
        Map<String, List<NetSocket>> channels = new ConcurrentHashMap<>();
        NetServer server = vertx.createNetServer(options(tls)).connectHandler(so -> {
            String[] nick = {"*"};
            RecordParser lines = RecordParser.newDelimited("\n", line -> {
                String l = line.toString(StandardCharsets.UTF_8).replace("\r", "");
                String[] w = l.split(" ", 3);
                switch (w[0]) {
                    case "NICK" -> nick[0] = w[1];
                    case "USER" -> so.write(":fx 001 " + nick[0] + " :Welcome\r\n:fx 422 " + nick[0]
                            + " :MOTD File is missing\r\n");
                    case "JOIN" -> {
                        channels.computeIfAbsent(w[1], k -> new CopyOnWriteArrayList<>()).add(so);
                        so.write(":" + nick[0] + "!u@127.0.0.1 JOIN " + w[1] + "\r\n:fx 353 " + nick[0] + " = " + w[1]
                                + " :" + nick[0] + "\r\n:fx 366 " + nick[0] + " " + w[1] + " :End of /NAMES list.\r\n");
                    }
                    case "PRIVMSG" -> {
                        Buffer out = Buffer.buffer(":" + nick[0] + "!u@127.0.0.1 " + l + "\r\n");
                        for (NetSocket member : channels.getOrDefault(w[1], List.of())) {
                            if (member != so) {
                                member.write(out);
                            }
                        }
                    }
                    case "PING" -> so.write("PONG " + (w.length > 1 ? w[1] : "") + "\r\n");
                    default -> otherIrcLines.add(l);
                }
            });
            so.handler(lines);
            so.closeHandler(v -> channels.values().forEach(m -> m.remove(so)));
        });
        return await(server.listen()).actualPort();
    }

    /** A WebSocket server at /ws: hello, join and say of the JSON protocol, one message per text frame. Returns its port. */
    int webSocket() throws Exception {
        // connections come on several event loops: members are added on one and read on others
        Map<String, List<ServerWebSocket>> rooms = new ConcurrentHashMap<>();
        AtomicLong seq = new AtomicLong();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .webSocketHandler(ws -> {
                    if (!ws.path().equals("/ws")) {
                        ws.close((short) 1008, "no such endpoint");
                        return;
                    }
                    String[] nick = {null};
                    ws.textMessageHandler(text -> {
                        ClientMessage m;
                        try {
                            m = MessageCodec.decodeClient(text.getBytes(StandardCharsets.UTF_8));
                        } catch (ProtocolException e) {
                            ws.close((short) 1003, "bad message");
                            return;
                        }
                        if (m instanceof ClientMessage.Hello h) {
                            nick[0] = h.nick();
                            send(ws, new ServerMessage.Welcome(h.id(), h.nick(), "fixture", "n1", 1, 30_000, 65_536));
                        } else if (m instanceof ClientMessage.Join j) {
                            rooms.computeIfAbsent(j.room(), k -> new CopyOnWriteArrayList<>()).add(ws);
                            send(ws, new ServerMessage.Joined(j.id(), j.room(), List.of(nick[0]), 0));
                        } else if (m instanceof ClientMessage.Say s) {
                            wsSays.incrementAndGet();
                            String out = new String(MessageCodec.encode(ServerMessage.ChatMessage.inRoom(s.room(),
                                    nick[0], s.text(), System.currentTimeMillis(), seq.incrementAndGet())),
                                    StandardCharsets.UTF_8);
                            for (ServerWebSocket member : rooms.getOrDefault(s.room(), List.of())) {
                                member.writeTextMessage(out);
                            }
                            send(ws, new ServerMessage.Ok(s.id()));
                        }
                    });
                    ws.closeHandler(v -> rooms.values().forEach(m -> m.remove(ws)));
                });
        return await(server.listen()).actualPort();
    }

    private static void send(ServerWebSocket ws, ServerMessage m) {
        ws.writeTextMessage(new String(MessageCodec.encode(m), StandardCharsets.UTF_8));
    }

    /** A TLS port (self-signed certificate) relaying each connection to a plaintext server. Returns its port. */
    int tlsRelay(int plainPort) throws Exception {
        NetClient client = vertx.createNetClient();
        NetServer server = vertx.createNetServer(options(true)).connectHandler(in -> {
            in.pause();
            client.connect(plainPort, "127.0.0.1").onSuccess(out -> {
                in.pipeTo(out);
                out.pipeTo(in);
                in.resume();
            }).onFailure(e -> in.close());
        });
        return await(server.listen()).actualPort();
    }

    @Override
    public void close() throws Exception {
        await(vertx.close());
        cert.delete();
    }
}
