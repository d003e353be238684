package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Room operators in a three-node cluster (in this JVM): the owner decides with every member's
 * account, every node applies the change in the room's order; a kick on one node removes the
 * member on another, and a ban holds on every node.
 */
@Timeout(300)
class ClusterModerationTest {
    @TempDir
    Path tmp;
    private final List<ChatServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ChatServer n : nodes) {
            n.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        nodes.clear();
    }

    private void startCluster(int size) throws Exception {
        List<String> members = new ArrayList<>();
        int[] ports = new int[size];
        for (int i = 0; i < size; i++) {
            ports[i] = ServerProcess.freePort();
            members.add("127.0.0.1:" + ports[i]);
        }
        List<CompletableFuture<ChatServer>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            starting.add(ChatServer.start(ServerConfig.forTests().toBuilder().name("node" + (i + 1)).cluster(true)
                    .clusterHost("127.0.0.1").clusterPort(ports[i]).clusterMembers(members).store("sqlite")
                    .dataDir(tmp.resolve("node" + i)).build()).toCompletionStage().toCompletableFuture());
        }
        for (var s : starting) {
            nodes.add(s.get(120, TimeUnit.SECONDS));
        }
    }

    private int port(int node) {
        return nodes.get(node).tcpPort();
    }

    private static ChatClient account(int port, String nick) throws Exception {
        ChatClient c = ChatClient.connect(port);
        assertThat(c.request(id -> new ClientMessage.Register(id, nick, "pw-" + nick)))
                .isInstanceOf(ServerMessage.Welcome.class);
        return c;
    }

    private static ServerMessage.Joined join(ChatClient c, String room) throws Exception {
        ServerMessage r = c.request(id -> new ClientMessage.Join(id, room));
        assertThat(r).as("join %s", room).isInstanceOf(ServerMessage.Joined.class);
        return (ServerMessage.Joined) r;
    }

    private static String code(ServerMessage m) {
        assertThat(m).isInstanceOf(ServerMessage.Error.class);
        return ((ServerMessage.Error) m).code();
    }

    private static void ok(ChatClient c, java.util.function.Function<String, ClientMessage> request) throws Exception {
        assertThat(c.request(request)).isInstanceOf(ServerMessage.Ok.class);
    }

    @Test
    void aKickOnOneNodeRemovesTheMemberOnAnotherAndABanHoldsEverywhere() throws Exception {
        startCluster(3);
        try (ChatClient alice = account(port(0), "alice"); ChatClient bob = ChatClient.registered(port(1), "bob");
             ChatClient carol = account(port(2), "carol")) {
            assertThat(join(alice, "guild").operators()).containsExactly("alice");
            ServerMessage.Joined bj = join(bob, "guild");
            assertThat(bj.operators()).as("on another node").containsExactly("alice");
            join(carol, "guild");
            assertThat(code(bob.request(id -> new ClientMessage.Kick(id, "guild", "carol", null)))).isEqualTo("not_operator");
            assertThat(code(alice.request(id -> new ClientMessage.Op(id, "guild", "bob")))).isEqualTo("no_account");
            try (ChatClient erin = ChatClient.registered(port(2), "erin")) {
                join(erin, "guild");
                ok(erin, id -> new ClientMessage.Register(id, "erin", "pw-erin")); // an account after joining
                ok(alice, id -> new ClientMessage.Op(id, "guild", "erin"));
                ok(alice, id -> new ClientMessage.Deop(id, "guild", "erin"));
                assertThat(erin.received()).as("nobody is told of an account change")
                        .noneMatch(m -> m instanceof Member mm && mm.event().equals(Member.NICK));
            }

            ok(alice, id -> new ClientMessage.Say(id, "guild", "before"));
            assertThat(alice.request(id -> new ClientMessage.Topic(id, "guild", "guild business"))).isInstanceOf(ServerMessage.Topic.class);
            ok(alice, id -> new ClientMessage.Say(id, "guild", "after"));
            carol.await(ServerMessage.ChatMessage.class, m -> m.text().equals("after"));
            List<String> seen = new ArrayList<>();
            for (ServerMessage m : carol.received()) {
                if (m instanceof ServerMessage.ChatMessage cm) {
                    seen.add(cm.text());
                } else if (m instanceof ServerMessage.Topic t) {
                    seen.add("topic " + t.topic());
                }
            }
            assertThat(seen).as("in the room's order on node 3").containsExactly("before", "topic guild business", "after");

            ok(alice, id -> new ClientMessage.Kick(id, "guild", "bob", "bye"));
            Member kick = bob.await(Member.class, m -> m.event().equals(Member.KICK));
            assertThat(kick.nick()).isEqualTo("bob");
            assertThat(kick.by()).isEqualTo("alice");
            assertThat(kick.reason()).isEqualTo("bye");
            carol.await(Member.class, m -> m.event().equals(Member.KICK) && m.nick().equals("bob"));
            assertThat(code(bob.request(id -> new ClientMessage.Say(id, "guild", "still?")))).isEqualTo("not_in_room");
            for (ChatClient c : List.of(alice, carol)) {
                Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        ((ServerMessage.WhoReply) c.request(id -> new ClientMessage.Who(id, "guild"))).members())
                        .containsExactly("alice", "carol"));
            }

            ok(alice, id -> new ClientMessage.Ban(id, "guild", "bob*"));
            carol.await(ServerMessage.ModeChange.class, m -> "bob*".equals(m.ban()));
            assertThat(code(bob.request(id -> new ClientMessage.Join(id, "guild")))).isEqualTo("banned");
            for (int node = 0; node < 3; node++) {
                int n = node;
                try (ChatClient other = ChatClient.registered(port(node), "bobby" + node)) {
                    assertThat(code(other.request(id -> new ClientMessage.Join(id, "guild"))))
                            .as("a ban holds on node %s", n + 1).isEqualTo("banned");
                }
            }

            // moderation on another node than the owner's: carol, made an operator, moderates from node 3
            ok(alice, id -> new ClientMessage.Op(id, "guild", "carol"));
            carol.await(Member.class, m -> m.event().equals(Member.OP) && m.nick().equals("carol"));
            ok(carol, id -> new ClientMessage.Mode(id, "guild", true, null, true));
            alice.await(ServerMessage.ModeChange.class, m -> Boolean.TRUE.equals(m.secret()));
            try (ChatClient dave = ChatClient.registered(port(1), "dave")) {
                assertThat(code(dave.request(id -> new ClientMessage.Join(id, "guild")))).isEqualTo("invite_only");
                ServerMessage.RoomList rooms = (ServerMessage.RoomList) dave.request(ClientMessage.ListRooms::new);
                assertThat(rooms.rooms()).extracting(ServerMessage.RoomInfo::room).doesNotContain("guild");
                assertThat(code(dave.request(id -> new ClientMessage.Topic(id, "guild", null)))).isEqualTo("not_in_room");
                ok(carol, id -> new ClientMessage.Invite(id, "guild", "dave"));
                assertThat(dave.await(ServerMessage.Invited.class, i -> i.room().equals("guild")).by())
                        .as("told on another node").isEqualTo("carol");
                ServerMessage.Joined dj = join(dave, "guild");
                assertThat(dj.topic()).isEqualTo("guild business");
                assertThat(dj.operators()).containsExactly("alice", "carol");
                ServerMessage.Mode mode = (ServerMessage.Mode) dave.request(id -> new ClientMessage.Mode(id, "guild"));
                assertThat(mode.bans()).containsExactly("bob*");
                assertThat(mode.inviteOnly()).isTrue();

                // an operator on another node than the owner's leaves and comes back: the others see its role
                assertThat(carol.request(id -> new ClientMessage.Part(id, "guild", null))).isInstanceOf(ServerMessage.Parted.class);
                assertThat(join(carol, "guild").operators()).contains("carol");
                Member role = dave.await(Member.class, m -> m.event().equals(Member.OP) && m.nick().equals("carol")
                        && m.by() == null);
                assertThat(role.room()).isEqualTo("guild");
            }
        }
    }
}
