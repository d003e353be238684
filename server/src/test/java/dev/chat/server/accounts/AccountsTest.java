package dev.chat.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts over real sockets (docs/PROTOCOL.md, section 6 "Accounts"): register, login,
 * password, unregister; a guest refused a registered nick; wrong passwords throttled; an account
 * surviving a restart with the SQLite store; passwords refused over plaintext from another
 * machine; the bad input of each new request.
 */
@Timeout(180)
class AccountsTest {
    @TempDir
    Path tmp;
    private ChatServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private int start(ServerConfig config) throws Exception {
        server = ChatServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return server.tcpPort();
    }

    /** The answer to the request once it is not nick_taken (a closed connection's nick is freed soon after). */
    private static ServerMessage whenFree(ChatClient c, java.util.function.Function<String, ClientMessage> request) {
        ServerMessage[] got = new ServerMessage[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            got[0] = c.request(request);
            return !(got[0] instanceof ServerMessage.Error e && e.code().equals("nick_taken"));
        });
        return got[0];
    }

    private static String code(ServerMessage m) {
        assertThat(m).isInstanceOf(ServerMessage.Error.class);
        return ((ServerMessage.Error) m).code();
    }

    @Test
    void registerLoginChangePasswordAndUnregister() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = ChatClient.connect(port)) {
            ServerMessage w = alice.request(id -> new ClientMessage.Register(id, "alice", "correct horse"));
            assertThat(w).isInstanceOf(ServerMessage.Welcome.class);
            assertThat(((ServerMessage.Welcome) w).nick()).isEqualTo("alice");
        }
        try (ChatClient guest = ChatClient.connect(port)) {
            assertThat(code(guest.request(id -> new ClientMessage.Hello(id, "Alice")))).isEqualTo("nick_registered");
            // the same connection may still say hello under another nick
            assertThat(guest.request(id -> new ClientMessage.Hello(id, "bob"))).isInstanceOf(ServerMessage.Welcome.class);
            assertThat(code(guest.request(id -> new ClientMessage.Nick(id, "alice")))).isEqualTo("nick_registered");
            assertThat(code(guest.request(id -> new ClientMessage.Password(id, "a", "b")))).isEqualTo("not_logged_in");
            assertThat(code(guest.request(id -> new ClientMessage.Unregister(id, "a")))).isEqualTo("not_logged_in");
            assertThat(code(guest.request(id -> new ClientMessage.Register(id, "alice", "x")))).isEqualTo("account_exists");
            assertThat(code(guest.request(id -> new ClientMessage.Register(id, "carol", "x")))).isEqualTo("invalid");
            // a guest logs in: it takes the account's nick
            assertThat(code(guest.request(id -> new ClientMessage.Login(id, "alice", "wrong")))).isEqualTo("login_failed");
            assertThat(guest.request(id -> new ClientMessage.Login(id, "alice", "correct horse")))
                    .isInstanceOf(ServerMessage.Ok.class);
            assertThat(code(guest.request(id -> new ClientMessage.Login(id, "alice", "correct horse"))))
                    .isEqualTo("already_registered");
            assertThat(code(guest.request(id -> new ClientMessage.Password(id, "wrong", "battery staple"))))
                    .isEqualTo("login_failed");
            assertThat(guest.request(id -> new ClientMessage.Password(id, "correct horse", "battery staple")))
                    .isInstanceOf(ServerMessage.Ok.class);
        }
        try (ChatClient again = ChatClient.connect(port)) {
            assertThat(code(whenFree(again, id -> new ClientMessage.Hello(id, "alice", "correct horse"))))
                    .isEqualTo("login_failed");
            assertThat(again.request(id -> new ClientMessage.Hello(id, "alice", "battery staple")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            assertThat(code(again.request(id -> new ClientMessage.Unregister(id, "wrong")))).isEqualTo("login_failed");
            assertThat(again.request(id -> new ClientMessage.Unregister(id, "battery staple")))
                    .isInstanceOf(ServerMessage.Ok.class);
        }
        try (ChatClient guest = ChatClient.connect(port)) {
            assertThat(whenFree(guest, id -> new ClientMessage.Hello(id, "alice"))).isInstanceOf(ServerMessage.Welcome.class);
            // and register the nick it holds
            assertThat(guest.request(id -> new ClientMessage.Register(id, "alice", "new one")))
                    .isInstanceOf(ServerMessage.Ok.class);
        }
    }

    @Test
    void wrongPasswordsAreThrottledWithGrowingDelays() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient c = ChatClient.connect(port)) {
            assertThat(c.request(id -> new ClientMessage.Register(id, "dave", "right"))).isInstanceOf(ServerMessage.Welcome.class);
        }
        try (ChatClient c = ChatClient.connect(port)) {
            // the first connection's nick is freed once the server saw it close (nick_taken: not an attempt)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    !code(c.request(id -> new ClientMessage.Login(id, "dave", "wrong"))).equals("nick_taken"));
            long[] took = new long[LoginThrottle.FREE_ATTEMPTS + 3];
            for (int i = 1; i < took.length; i++) {
                long t0 = System.nanoTime();
                assertThat(code(c.request(id -> new ClientMessage.Login(id, "dave", "wrong")))).isEqualTo("login_failed");
                took[i] = (System.nanoTime() - t0) / 1_000_000;
            }
            // attempts FREE_ATTEMPTS+1.. wait 500 ms, 1 s, 2 s before their check
            long last = took[took.length - 1];
            assertThat(last).as("the last attempt waits").isGreaterThanOrEqualTo(LoginThrottle.delayAfter(took.length - 1));
            assertThat(last).as("longer than an unthrottled one").isGreaterThan(took[1] + 1_000);
            // the right password still works, after its wait; then the count starts again
            assertThat(c.request(id -> new ClientMessage.Login(id, "dave", "right"))).isInstanceOf(ServerMessage.Welcome.class);
        }
    }

    @Test
    void anAccountSurvivesARestartWithTheSqliteStore() throws Exception {
        ServerConfig config = ServerConfig.forTests().toBuilder().store("sqlite").dataDir(tmp.resolve("data")).build();
        int port = start(config);
        try (ChatClient c = ChatClient.connect(port)) {
            assertThat(c.request(id -> new ClientMessage.Register(id, "erin", "s3cret"))).isInstanceOf(ServerMessage.Welcome.class);
        }
        stop();
        server = null;
        port = start(config);
        try (ChatClient guest = ChatClient.connect(port)) {
            assertThat(code(guest.request(id -> new ClientMessage.Hello(id, "erin")))).isEqualTo("nick_registered");
            assertThat(code(guest.request(id -> new ClientMessage.Login(id, "erin", "wrong")))).isEqualTo("login_failed");
            assertThat(guest.request(id -> new ClientMessage.Login(id, "erin", "s3cret"))).isInstanceOf(ServerMessage.Welcome.class);
        }
    }

    @Test
    void requireAccountRefusesGuests() throws Exception {
        int port = start(ServerConfig.forTests().toBuilder().requireAccount(true).build());
        try (ChatClient c = ChatClient.connect(port)) {
            assertThat(code(c.request(id -> new ClientMessage.Hello(id, "frank")))).isEqualTo("account_required");
            assertThat(code(c.request(id -> new ClientMessage.Join(id, "r")))).isEqualTo("not_registered");
            assertThat(c.request(id -> new ClientMessage.Register(id, "frank", "pw"))).isInstanceOf(ServerMessage.Welcome.class);
            assertThat(c.request(id -> new ClientMessage.Join(id, "r"))).isInstanceOf(ServerMessage.Joined.class);
        }
    }

    @Test
    void badInputIsAnsweredWithDocumentedErrors() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient c = ChatClient.connect(port)) {
            String big = "p".repeat(10 * 1024);
            c.sendJson("{\"type\":\"register\",\"id\":1,\"nick\":\"gina\",\"password\":\"" + big + "\"}");
            ServerMessage.Error e = c.nextOf(ServerMessage.Error.class);
            assertThat(e.code()).isEqualTo("invalid");
            assertThat(e.message()).contains("password").doesNotContain("pppp");
            c.sendJson("{\"type\":\"login\",\"id\":2,\"nick\":\"gina\"}");
            assertThat(c.nextOf(ServerMessage.Error.class).message()).contains("'password' is missing");
            c.sendJson("{\"type\":\"login\",\"id\":3,\"nick\":\"gina\",\"password\":42}");
            assertThat(c.nextOf(ServerMessage.Error.class).message()).contains("'password' must be a string");
            c.sendJson("{\"type\":\"password\",\"id\":4,\"old\":\"x\"}");
            assertThat(c.nextOf(ServerMessage.Error.class).message()).contains("'new' is missing");
            c.sendJson("{\"type\":\"unregister\",\"id\":5,\"password\":\"\"}");
            assertThat(c.nextOf(ServerMessage.Error.class).code()).isEqualTo("invalid");
            c.sendJson("{\"type\":\"hello\",\"id\":6,\"nick\":\"gina\",\"password\":true}");
            assertThat(c.nextOf(ServerMessage.Error.class).code()).isEqualTo("invalid");
            assertThat(code(c.request(id -> new ClientMessage.Password(id, "a", "b")))).isEqualTo("not_registered");
            assertThat(c.request(id -> new ClientMessage.Hello(id, "gina"))).isInstanceOf(ServerMessage.Welcome.class);
            // a room that does not exist: its history is not ours to read
            assertThat(code(c.request(id -> new ClientMessage.History(id, "nowhere", null, 10)))).isEqualTo("not_in_room");
        }
    }

    @Test
    void historyIsForMembersOnly() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient member = ChatClient.registered(port, "member");
             ChatClient probe = ChatClient.registered(port, "probe")) {
            member.request(id -> new ClientMessage.Join(id, "secrets"));
            member.request(id -> new ClientMessage.Say(id, "secrets", "the password is hunter2"));
            ServerMessage refused = probe.request(id -> new ClientMessage.History(id, "secrets", null, 50));
            assertThat(code(refused)).isEqualTo("not_in_room");
            assertThat(((ServerMessage.Error) refused).message()).doesNotContain("hunter2");
            ServerMessage h = member.request(id -> new ClientMessage.History(id, "secrets", null, 50));
            assertThat(((ServerMessage.HistoryReply) h).messages()).extracting(ServerMessage.ChatMessage::text)
                    .containsExactly("the password is hunter2");
            // who and rooms: every room is public for now
            assertThat(probe.request(id -> new ClientMessage.Who(id, "secrets"))).isInstanceOf(ServerMessage.WhoReply.class);
        }
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        int port = start(ServerConfig.forTests().toBuilder().maxConnectionsPerIp(3).maxPendingPerIp(2).build());
        try (ChatClient a = ChatClient.connect(port);
             ChatClient b = ChatClient.connect(port);
             ChatClient c = ChatClient.connect(port)) {
            ServerMessage.Error full = c.nextOf(ServerMessage.Error.class);
            assertThat(full.code()).isEqualTo("server_full");
            assertThat(full.message()).contains("not said hello");
            assertThat(c.awaitClose(Duration.ofSeconds(20))).isTrue();
            assertThat(a.request(id -> new ClientMessage.Hello(id, "a1"))).isInstanceOf(ServerMessage.Welcome.class);
            try (ChatClient d = ChatClient.connect(port);
                 ChatClient e = ChatClient.connect(port)) {
                assertThat(d.request(id -> new ClientMessage.Hello(id, "d1"))).isInstanceOf(ServerMessage.Welcome.class);
                ServerMessage.Error tooMany = e.nextOf(ServerMessage.Error.class);
                assertThat(tooMany.code()).isEqualTo("server_full");
                assertThat(tooMany.message()).contains("too many connections from your address");
            }
            // b said nothing yet and still counts; with d and e gone (once the server noticed) there is room again
            assertThat(b.request(id -> new ClientMessage.Hello(id, "b1"))).isInstanceOf(ServerMessage.Welcome.class);
            int[] n = {0};
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (ChatClient f = ChatClient.connect(port)) {
                    assertThat(f.request(id -> new ClientMessage.Hello(id, "f" + n[0]++)))
                            .isInstanceOf(ServerMessage.Welcome.class);
                }
            });
        }
    }

    @Test
    void passwordsOverPlaintextFromAnotherMachineAreRefused() throws Exception {
        InetAddress lan = lanAddress();
        Assumptions.assumeTrue(lan != null, "no non-loopback IPv4 address on this machine");
        int port = start(ServerConfig.forTests().toBuilder().host("0.0.0.0").build());
        try (ChatClient c = ChatClient.connect(lan.getHostAddress(), port)) {
            ServerMessage.Error e = (ServerMessage.Error) c.request(id -> new ClientMessage.Register(id, "hal", "pw"));
            assertThat(e.code()).isEqualTo("plaintext_password");
            assertThat(code(c.request(id -> new ClientMessage.Hello(id, "hal", "pw")))).isEqualTo("plaintext_password");
            assertThat(c.request(id -> new ClientMessage.Hello(id, "hal"))).isInstanceOf(ServerMessage.Welcome.class);
        }
        stop();
        port = start(ServerConfig.forTests().toBuilder().host("0.0.0.0").allowPlaintextPasswords(true).build());
        try (ChatClient c = ChatClient.connect(lan.getHostAddress(), port)) {
            assertThat(c.request(id -> new ClientMessage.Register(id, "hal", "pw"))).isInstanceOf(ServerMessage.Welcome.class);
        }
    }

    @Test
    void passwordsOverTlsFromAnotherMachineAreAccepted() throws Exception {
        InetAddress lan = lanAddress();
        Assumptions.assumeTrue(lan != null, "no non-loopback IPv4 address on this machine");
        start(ServerConfig.forTests().toBuilder().host("0.0.0.0").tlsPort(0).dataDir(tmp.resolve("tls")).build());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                // the test trusts its own server's self-signed certificate
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new java.net.InetSocketAddress(lan, server.tlsPort()), 10_000);
        s.setSoTimeout(20_000);
        s.startHandshake();
        try (ChatClient c = ChatClient.over(s)) {
            assertThat(c.request(id -> new ClientMessage.Register(id, "ivy", "pw"))).isInstanceOf(ServerMessage.Welcome.class);
        }
    }

    private static InetAddress lanAddress() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
