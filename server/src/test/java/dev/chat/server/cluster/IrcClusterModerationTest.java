package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.IrcClient;
import dev.chat.testsupport.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Room moderation over IRC in a three-node cluster (docs/IRC.md, "Operators and moderation"): a
 * framed operator on one node, raw IRC users on the two others; every change reaches both IRC
 * users as the same IRC lines, a kicked IRC user is out on its node, a ban keeps it out.
 */
@Timeout(240)
class IrcClusterModerationTest {
    @TempDir
    Path tmp;
    private final List<ChatServer> nodes = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        for (ChatServer n : nodes) {
            n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        nodes.clear();
    }

    private void startCluster() throws Exception {
        List<String> members = new ArrayList<>();
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            ports[i] = ServerProcess.freePort();
            members.add("127.0.0.1:" + ports[i]);
        }
        List<CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(ChatServer.start(ServerConfig.forTests().toBuilder().name("node" + (i + 1)).cluster(true)
                    .clusterHost("127.0.0.1").clusterPort(ports[i]).clusterMembers(members).store("sqlite")
                    .dataDir(tmp.resolve("node" + i)).build()).toCompletionStage().toCompletableFuture());
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }
    }

    private IrcClient irc(int node, String nick) throws Exception {
        IrcClient c = IrcClient.registered(nodes.get(node).port("irc"), nick);
        clients.add(c);
        return c;
    }

    private static void ok(ChatClient c, java.util.function.Function<String, ClientMessage> request) throws Exception {
        assertThat(c.request(request)).isInstanceOf(ServerMessage.Ok.class);
    }

    @Test
    void aFramedOperatorsChangesReachIrcUsersOnTheOtherNodesAndAKickAndBanHold() throws Exception {
        startCluster();
        ChatClient alice = ChatClient.connect(nodes.get(0).tcpPort());
        clients.add(alice);
        assertThat(alice.request(id -> new ClientMessage.Register(id, "alice", "pw-alice")))
                .isInstanceOf(ServerMessage.Welcome.class);
        ServerMessage.Joined j = (ServerMessage.Joined) alice.request(id -> new ClientMessage.Join(id, "guild"));
        assertThat(j.operators()).containsExactly("alice");

        IrcClient bob = irc(1, "bob");
        IrcClient carol = irc(2, "carol");
        for (IrcClient c : List.of(bob, carol)) {
            c.send("JOIN #guild");
            assertThat(c.awaitLine(l -> IrcClient.numeric(l, "353"))).contains("@alice");
            c.awaitNumeric("366");
        }
        bob.send("KICK #guild carol :no");
        assertThat(bob.awaitNumeric("482")).endsWith(" 482 bob #guild :You're not channel operator");

        ok(alice, id -> new ClientMessage.Voice(id, "guild", "carol"));
        ok(alice, id -> new ClientMessage.Mode(id, "guild", null, true, null));
        assertThat(alice.request(id -> new ClientMessage.Topic(id, "guild", "guild business"))).isInstanceOf(ServerMessage.Topic.class);
        for (IrcClient c : List.of(bob, carol)) {
            // in the room's order, on both nodes
            List<String> lines = c.awaitLines(l -> l.equals(":alice!alice@chat TOPIC #guild :guild business"));
            assertThat(lines).containsSubsequence(":alice!alice@chat MODE #guild +v carol",
                    ":alice!alice@chat MODE #guild +m", ":alice!alice@chat TOPIC #guild :guild business");
        }
        bob.send("PRIVMSG #guild :may I?");
        assertThat(bob.awaitNumeric("404")).contains("moderated");
        carol.send("PRIVMSG #guild :I may");
        assertThat(bob.awaitLine(l -> l.contains(" PRIVMSG #guild "))).isEqualTo(":carol!carol@chat PRIVMSG #guild :I may");

        ok(alice, id -> new ClientMessage.Ban(id, "guild", "bob"));
        ok(alice, id -> new ClientMessage.Kick(id, "guild", "bob", "out"));
        for (IrcClient c : List.of(bob, carol)) {
            c.awaitLine(l -> l.equals(":alice!alice@chat KICK #guild bob :out"));
        }
        bob.send("JOIN #guild");
        assertThat(bob.awaitLine(l -> IrcClient.numeric(l, "474") || l.contains(" JOIN #guild")))
                .endsWith(" 474 bob #guild :Cannot join channel (+b)");
        carol.send("NAMES #guild");
        assertThat(carol.awaitNumeric("353")).endsWith(" :@alice +carol");
    }
}
