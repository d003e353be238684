package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.ListRooms;
import dev.chat.protocol.ClientMessage.Nick;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Quit;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A session as docs/PROTOCOL.md (sections 4 to 8) describes it, as two or three people on raw sockets would see it. */
@Timeout(120)
class ChatFlowTest {
    private ServerFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = ServerFixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void welcomeDescribesTheServer() throws Exception {
        try (ChatClient c = ChatClient.connect(fx.port())) {
            c.send(new Hello(42L, "alice"));
            ServerMessage.Welcome w = (ServerMessage.Welcome) c.next();
            assertThat(w.id()).isEqualTo(42L);
            assertThat(w.nick()).isEqualTo("alice");
            assertThat(w.server()).isEqualTo("test");
            assertThat(w.node()).isEqualTo(fx.server.nodeId());
            assertThat(w.protocol()).isEqualTo(1);
            assertThat(w.heartbeatMs()).isEqualTo(30_000);
            assertThat(w.maxFrame()).isEqualTo(65_536);
        }
    }

    @Test
    void twoPeopleChatInARoom() throws Exception {
        try (ChatClient alice = ChatClient.registered(fx.port(), "alice");
             ChatClient bob = ChatClient.registered(fx.port(), "bob")) {
            ServerMessage.Joined j1 = (ServerMessage.Joined) alice.request(id -> new Join(id, "ops"));
            assertThat(j1.room()).isEqualTo("ops");
            assertThat(j1.members()).containsExactly("alice");
            assertThat(j1.lastSeq()).isZero();

            ServerMessage.Joined j2 = (ServerMessage.Joined) bob.request(id -> new Join(id, "#OPS"));
            assertThat(j2.room()).isEqualTo("ops");
            assertThat(j2.members()).containsExactly("alice", "bob");
            assertThat(alice.nextOf(Member.class)).isEqualTo(new Member("ops", "bob", "join", null));

            alice.send(new Say("s1", "ops", "hello bob"));
            ChatMessage atBob = bob.nextOf(ChatMessage.class);
            assertThat(atBob.room()).isEqualTo("ops");
            assertThat(atBob.from()).isEqualTo("alice");
            assertThat(atBob.text()).isEqualTo("hello bob");
            assertThat(atBob.seq()).isEqualTo(1L);
            assertThat(atBob.ts()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            // the sender gets its own message and an ok, in either order
            ServerMessage a1 = alice.next();
            ServerMessage a2 = alice.next();
            assertThat(List.of(a1, a2)).containsExactlyInAnyOrder(atBob, new ServerMessage.Ok("s1"));

            bob.send(new Say(null, "ops", "hi alice"));
            assertThat(alice.nextOf(ChatMessage.class).seq()).isEqualTo(2L);
            // no id: no ok, just the message
            assertThat(bob.next()).isInstanceOf(ChatMessage.class);
            assertThat(bob.silentFor(Duration.ofMillis(300))).isTrue();
        }
    }

    @Test
    void historyLatestAndAfterSeq() throws Exception {
        try (ChatClient alice = ChatClient.registered(fx.port(), "alice")) {
            alice.request(id -> new Join(id, "log"));
            for (int i = 1; i <= 7; i++) {
                final int n = i;
                assertThat(alice.request(id -> new Say(id, "log", "m" + n))).isInstanceOf(ServerMessage.Ok.class);
            }
            ServerMessage.HistoryReply latest = (ServerMessage.HistoryReply) alice.request(id -> new History(id, "log", null, 3));
            assertThat(latest.messages()).extracting(ChatMessage::text).containsExactly("m5", "m6", "m7");
            ServerMessage.HistoryReply after = (ServerMessage.HistoryReply) alice.request(id -> new History(id, "log", 2L, 3));
            assertThat(after.messages()).extracting(ChatMessage::seq).containsExactly(3L, 4L, 5L);
            ServerMessage.HistoryReply all = (ServerMessage.HistoryReply) alice.request(id -> new History(id, "#LOG", null, 50));
            assertThat(all.messages()).hasSize(7);
            ServerMessage.HistoryReply none = (ServerMessage.HistoryReply) alice.request(id -> new History(id, "log", 7L, 50));
            assertThat(none.messages()).isEmpty();
        }
    }

    @Test
    void whoRoomsPartAndMemberEvents() throws Exception {
        try (ChatClient alice = ChatClient.registered(fx.port(), "alice");
             ChatClient bob = ChatClient.registered(fx.port(), "bob")) {
            alice.request(id -> new Join(id, "a"));
            alice.request(id -> new Join(id, "b"));
            bob.request(id -> new Join(id, "b"));
            ServerMessage.WhoReply who = (ServerMessage.WhoReply) bob.request(id -> new Who(id, "b"));
            assertThat(who.members()).containsExactly("alice", "bob");
            ServerMessage.RoomList rooms = (ServerMessage.RoomList) bob.request(ListRooms::new);
            assertThat(rooms.rooms()).containsExactly(new ServerMessage.RoomInfo("a", 1), new ServerMessage.RoomInfo("b", 2));

            assertThat(bob.request(id -> new Part(id, "b")))
                    .isInstanceOfSatisfying(ServerMessage.Parted.class, p -> assertThat(p.room()).isEqualTo("b"));
            assertThat(alice.nextOf(Member.class, m -> m.event().equals("part"))).isEqualTo(new Member("b", "bob", "part", null));
            ServerMessage notIn = bob.request(id -> new Say(id, "b", "x"));
            assertThat(notIn).isInstanceOf(ServerMessage.Error.class);
            assertThat(((ServerMessage.Error) notIn).code()).isEqualTo("not_in_room");
            assertThat(((ServerMessage.Error) bob.request(id -> new Part(id, "b"))).code()).isEqualTo("not_in_room");
        }
    }

    @Test
    void nicksAreUniqueIgnoringCaseAndChangesAreAnnounced() throws Exception {
        try (ChatClient alice = ChatClient.registered(fx.port(), "alice");
             ChatClient bob = ChatClient.registered(fx.port(), "bob");
             ChatClient other = ChatClient.connect(fx.port())) {
            other.send(new Hello("x", "ALICE"));
            ServerMessage.Error taken = (ServerMessage.Error) other.next();
            assertThat(taken.code()).isEqualTo("nick_taken");
            assertThat(taken.id()).isEqualTo("x");

            alice.request(id -> new Join(id, "r"));
            bob.request(id -> new Join(id, "r"));
            assertThat(((ServerMessage.Error) bob.request(id -> new Nick(id, "Alice"))).code()).isEqualTo("nick_taken");
            assertThat(bob.request(id -> new Nick(id, "robert"))).isInstanceOf(ServerMessage.Ok.class);
            assertThat(alice.nextOf(Member.class, m -> m.event().equals("nick")))
                    .isEqualTo(new Member("r", "robert", "nick", "bob"));
            // the old nick is free again, the new one is held
            other.send(new Hello("y", "bob"));
            assertThat(other.next()).isInstanceOf(ServerMessage.Welcome.class);
            ServerMessage.WhoReply who = (ServerMessage.WhoReply) alice.request(id -> new Who(id, "r"));
            assertThat(who.members()).containsExactly("alice", "robert");
        }
    }

    @Test
    void directMessages() throws Exception {
        try (ChatClient alice = ChatClient.registered(fx.port(), "alice");
             ChatClient bob = ChatClient.registered(fx.port(), "bob")) {
            assertThat(alice.request(id -> new Dm(id, "BOB", "psst"))).isInstanceOf(ServerMessage.Ok.class);
            ChatMessage dm = bob.nextOf(ChatMessage.class);
            assertThat(dm).isEqualTo(ChatMessage.direct("bob", "alice", "psst", dm.ts()));
            assertThat(dm.room()).isNull();
            ServerMessage.Error e = (ServerMessage.Error) alice.request(id -> new Dm(id, "nobody", "x"));
            assertThat(e.code()).isEqualTo("no_such_user");
        }
    }

    @Test
    void quitAndDisconnectLeaveRoomsAndFreeTheNick() throws Exception {
        try (ChatClient alice = ChatClient.registered(fx.port(), "alice")) {
            alice.request(id -> new Join(id, "r"));
            ChatClient bob = ChatClient.registered(fx.port(), "bob");
            bob.request(id -> new Join(id, "r"));
            alice.nextOf(Member.class);
            bob.send(new Quit(null, "bye"));
            assertThat(bob.awaitClose(ChatClient.TIMEOUT)).isTrue();
            assertThat(alice.nextOf(Member.class)).as("the quit's reason is passed on")
                    .isEqualTo(new Member("r", "bob", "quit", null, "bye"));

            ChatClient carol = ChatClient.registered(fx.port(), "carol");
            carol.request(id -> new Join(id, "r"));
            alice.nextOf(Member.class);
            carol.close(); // no quit: just gone
            assertThat(alice.nextOf(Member.class)).isEqualTo(new Member("r", "carol", "quit", null));
            try (ChatClient again = ChatClient.registered(fx.port(), "carol")) {
                assertThat(again.socket().isConnected()).isTrue();
            }
        }
    }
}
