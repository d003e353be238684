package dev.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --password}: the client says {@code hello} with it (logging in to the account of its
 * nick), and a refused login ends the client with exit code 1 and the server's words.
 */
@Timeout(60)
class PasswordOptionTest {

    /** A one-connection server: welcome (or login_failed), joined, ok for the say. */
    private static Thread serve(ServerSocket listener, List<ClientMessage> got, String password) {
        Thread t = new Thread(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                FrameDecoder decoder = new FrameDecoder(1 << 20);
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    List<byte[]> frames = new java.util.ArrayList<>();
                    decoder.feed(buf, 0, n, frames::add);
                    for (byte[] f : frames) {
                        ClientMessage m = MessageCodec.decodeClient(f);
                        got.add(m);
                        ServerMessage reply = null;
                        if (m instanceof ClientMessage.Hello h) {
                            reply = password.equals(h.password())
                                    ? new ServerMessage.Welcome(h.id(), h.nick(), "fake", "n", 1, 30_000, 65_536, null)
                                    : new ServerMessage.Error(h.id(), "login_failed", "wrong nick or password");
                        } else if (m instanceof ClientMessage.Join j) {
                            reply = new ServerMessage.Joined(j.id(), j.room(), List.of("alice"), 0);
                        } else if (m instanceof ClientMessage.Say say) {
                            out.write(MessageCodec.encodeFrame(ServerMessage.ChatMessage.inRoom(say.room(), "alice",
                                    say.text(), false, 1, 1)));
                            reply = new ServerMessage.Ok(say.id());
                        }
                        if (reply != null && (reply.id() != null || reply instanceof ServerMessage.Error)) {
                            out.write(MessageCodec.encodeFrame(reply));
                            out.flush();
                        }
                    }
                }
            } catch (Exception e) {
                // the client went away
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void theClientLogsInWithItsHello() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<ClientMessage> got = new CopyOnWriteArrayList<>();
            serve(listener, got, "s3cret");
            CliRun r = CliRun.of("--port", Integer.toString(listener.getLocalPort()), "--nick", "alice",
                    "--password", "s3cret", "--send", "hi", "--beacon-interval", "0s");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(got.get(0)).isInstanceOfSatisfying(ClientMessage.Hello.class,
                    h -> assertThat(h.password()).isEqualTo("s3cret"));
            assertThat(r.out() + r.err()).doesNotContain("s3cret");
        }
    }

    @Test
    void aRefusedLoginIsAnErrorFromTheServer() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            serve(listener, new CopyOnWriteArrayList<>(), "s3cret");
            CliRun r = CliRun.of("--port", Integer.toString(listener.getLocalPort()), "--nick", "alice",
                    "--password", "wrong", "--send", "hi", "--beacon-interval", "0s");
            assertThat(r.code()).isEqualTo(ExitCode.SERVER_ERROR);
            assertThat(r.err()).contains("login_failed").doesNotContain("wrong\n");
        }
    }
}
