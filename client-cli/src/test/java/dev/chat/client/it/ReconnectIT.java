package dev.chat.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outages between a client and the server, made with a {@link TcpProxy} the test cuts (the
 * server keeps running, so its in-memory history is what the client catches up from).
 * Alice goes through the proxy; bob talks to the server directly.
 */
@Timeout(180)
class ReconnectIT {
    private ServerProcess server;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws Exception {
        server = ServerProcess.start();
        proxy = new TcpProxy(server.tcpPort);
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String[] viaProxy(String nick, String... more) {
        List<String> a = new ArrayList<>(List.of("--port", String.valueOf(proxy.port()), "--udp-port",
                String.valueOf(server.udpPort), "--nick", nick, "--room", "ops"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private String[] direct(String nick, String... more) {
        List<String> a = new ArrayList<>(List.of("--port", String.valueOf(server.tcpPort), "--udp-port",
                String.valueOf(server.udpPort), "--nick", nick, "--room", "ops"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void messagesOfAnOutageArriveOnceInOrderInBothDirections() throws Exception {
        try (ClientProcess alice = ClientProcess.startReady(viaProxy("alice", "--follow"));
             ClientProcess bob = ClientProcess.startReady(direct("bob", "--follow"))) {
            for (int i = 1; i <= 3; i++) {
                bob.writeLine("m" + i);
            }
            alice.awaitOutLine("#ops <bob> m3");

            proxy.refuse(true);
            proxy.sever();
            alice.awaitErr(l -> l.contains("lost"));

            // said while alice is away: stored by the server, missed by alice
            for (int i = 4; i <= 6; i++) {
                bob.writeLine("m" + i);
            }
            await().atMost(ClientProcess.WAIT).until(() -> bob.framesIn("ok") == 6);
            alice.writeLine("typed while offline");

            proxy.refuse(false);
            alice.awaitErr(l -> l.contains("reconnected"));
            alice.awaitOutLine("#ops <bob> m6");
            bob.awaitOutLine("#ops <alice> typed while offline");

            bob.writeLine("m7");
            alice.awaitOutLine("#ops <bob> m7");
            alice.writeLine("back");
            bob.awaitOutLine("#ops <alice> back");

            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 7; i++) {
                expected.add("#ops <bob> m" + i);
            }
            assertThat(alice.out.all()).containsExactlyElementsOf(expected);
            assertThat(bob.out.all()).containsExactly("#ops <alice> typed while offline", "#ops <alice> back");
            assertThat(alice.err.joined()).contains("#ops: 3 messages while away");
            // the catch-up asked for exactly what was missed
            assertThat(alice.err.all()).anyMatch(l -> l.startsWith(">> tcp") && l.contains("\"type\":\"history\"")
                    && l.contains("\"after_seq\":3"));
        }
    }

    @Test
    void aMessageWhoseOkWasLostIsNotSentTwice() throws Exception {
        try (ClientProcess bob = ClientProcess.startReady(direct("bob", "--follow"));
             ClientProcess alice = ClientProcess.startReady(viaProxy("alice"))) {
            // The server gets alice's message, but neither its ok nor its echo reaches her.
            proxy.blackholeServerToClient(true);
            alice.writeLine("exactly once");
            bob.awaitOutLine("#ops <alice> exactly once");
            proxy.sever();
            proxy.blackholeServerToClient(false);
            alice.awaitErr(l -> l.contains("reconnected"));

            alice.writeLine("after");
            alice.closeStdin();
            // exits 0: every line is acknowledged, the first one by finding it in the history
            assertThat(alice.waitFor()).isZero();
            bob.awaitOutLine("#ops <alice> after");
            assertThat(bob.out.all()).containsExactly("#ops <alice> exactly once", "#ops <alice> after");
            long says = alice.err.count(l -> l.startsWith(">> tcp") && l.contains("\"text\":\"exactly once\""));
            assertThat(says).as("sent once, never again").isEqualTo(1);
        }
    }

    @Test
    void whileTheOldSessionLingersTheNickIsRetriedUntilItIsFree() throws Exception {
        try (ClientProcess alice = ClientProcess.startReady(viaProxy("alice", "--follow"));
             ClientProcess bob = ClientProcess.startReady(direct("bob", "--follow"))) {
            proxy.severClientSideOnly(); // the server still sees alice's old connection
            alice.awaitErr(l -> l.contains("nick alice is still held"));
            bob.writeLine("said while alice lingered");
            await().atMost(ClientProcess.WAIT).until(() -> bob.framesIn("ok") == 1);

            proxy.releaseLingering(); // the server notices the old connection is gone, the nick is free
            alice.awaitErr(l -> l.contains("reconnected"));
            alice.awaitOutLine("#ops <bob> said while alice lingered");
            bob.writeLine("welcome back");
            alice.awaitOutLine("#ops <bob> welcome back");
            assertThat(alice.out.all()).containsExactly("#ops <bob> said while alice lingered",
                    "#ops <bob> welcome back");
        }
    }

    @Test
    void failsOverToTheNextServer() throws Exception {
        try (ServerProcess second = ServerProcess.start();
             ClientProcess bob = ClientProcess.startReady("--port", String.valueOf(second.tcpPort), "--nick", "bob",
                     "--room", "ops", "--follow", "--beacon-interval", "0s");
             ClientProcess alice = ClientProcess.startReady("--server", "127.0.0.1:" + proxy.port(),
                     "--server", "127.0.0.1:" + second.tcpPort, "--nick", "alice", "--room", "ops", "--follow",
                     "--beacon-interval", "0s")) {
            proxy.refuse(true);
            proxy.sever(); // the first server is gone for good
            alice.awaitErr(l -> l.contains("reconnected to 127.0.0.1:" + second.tcpPort));
            alice.writeLine("on the second server now");
            bob.awaitOutLine("#ops <alice> on the second server now");
        }
    }
}
