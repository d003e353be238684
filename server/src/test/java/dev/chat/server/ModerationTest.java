package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.protocol.ServerMessage.ModeChange;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Room operators and moderation over real sockets on a single node (docs/PROTOCOL.md, "Room
 * operators"): the first logged-in joiner is operator, guests never are, kicks, bans, topics,
 * moderated, invite-only and secret rooms, the room's order of events, and bad input.
 */
@Timeout(180)
class ModerationTest {
    @TempDir
    Path tmp;
    private ChatServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            server = null;
        }
    }

    private int start(ServerConfig config) throws Exception {
        server = ChatServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return server.tcpPort();
    }

    private ServerConfig sqlite() {
        return ServerConfig.forTests().toBuilder().store("sqlite").dataDir(tmp.resolve("data")).build();
    }

    private static ChatClient account(int port, String nick) throws Exception {
        ChatClient c = ChatClient.connect(port);
        assertThat(c.request(id -> new ClientMessage.Register(id, nick, "pw-" + nick)))
                .isInstanceOf(ServerMessage.Welcome.class);
        return c;
    }

    private static ChatClient login(int port, String nick) throws Exception {
        ChatClient c = ChatClient.connect(port);
        ServerMessage[] got = new ServerMessage[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            got[0] = c.request(id -> new ClientMessage.Login(id, nick, "pw-" + nick));
            return !(got[0] instanceof ServerMessage.Error e && e.code().equals("nick_taken"));
        });
        assertThat(got[0]).isInstanceOf(ServerMessage.Welcome.class);
        return c;
    }

    private static ServerMessage.Joined join(ChatClient c, String room) throws Exception {
        ServerMessage r = c.request(id -> new ClientMessage.Join(id, room));
        assertThat(r).as("join %s", room).isInstanceOf(ServerMessage.Joined.class);
        return (ServerMessage.Joined) r;
    }

    private static void ok(ChatClient c, java.util.function.Function<String, ClientMessage> request) throws Exception {
        assertThat(c.request(request)).isInstanceOf(ServerMessage.Ok.class);
    }

    private static String code(ServerMessage m) {
        assertThat(m).isInstanceOf(ServerMessage.Error.class);
        return ((ServerMessage.Error) m).code();
    }

    private static Member memberEvent(ChatClient c, String event, String nick) throws Exception {
        return c.await(Member.class, m -> m.event().equals(event) && m.nick().equals(nick));
    }

    @Test
    void anOperatorWhoComesBackIsShownAsOperatorToTheOthers() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient bob = ChatClient.registered(port, "bob")) {
            join(alice, "back");
            join(bob, "back");
            assertThat(alice.request(id -> new ClientMessage.Part(id, "back", null))).isInstanceOf(ServerMessage.Parted.class);
            memberEvent(bob, Member.PART, "alice");
            assertThat(join(alice, "back").operators()).containsExactly("alice");
            memberEvent(bob, Member.JOIN, "alice");
            Member role = memberEvent(bob, Member.OP, "alice");
            assertThat(role.by()).as("the server's, not an operator's").isNull();
            ServerMessage.WhoReply who = (ServerMessage.WhoReply) bob.request(id -> new ClientMessage.Who(id, "back"));
            assertThat(who.operators()).containsExactly("alice");
        }
    }

    @Test
    void theFirstLoggedInJoinerIsOperatorAndGuestsNeverAre() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient bob = ChatClient.registered(port, "bob")) {
            assertThat(join(alice, "ops").operators()).containsExactly("alice");
            ServerMessage.Joined bj = join(bob, "ops");
            assertThat(bj.operators()).containsExactly("alice");
            assertThat(bj.members()).containsExactly("alice", "bob");

            assertThat(code(bob.request(id -> new ClientMessage.Op(id, "ops", "bob")))).isEqualTo("not_operator");
            assertThat(code(bob.request(id -> new ClientMessage.Mode(id, "ops", null, true, null))))
                    .isEqualTo("not_operator");
            assertThat(code(alice.request(id -> new ClientMessage.Op(id, "ops", "bob")))).isEqualTo("no_account");
            assertThat(code(alice.request(id -> new ClientMessage.Op(id, "ops", "nobody")))).isEqualTo("no_such_user");

            ok(alice, id -> new ClientMessage.Voice(id, "ops", "bob"));
            Member voiced = memberEvent(bob, Member.VOICE, "bob");
            assertThat(voiced.by()).isEqualTo("alice");
            ServerMessage.WhoReply who = (ServerMessage.WhoReply) bob.request(id -> new ClientMessage.Who(id, "ops"));
            assertThat(who.operators()).containsExactly("alice");
            assertThat(who.voiced()).containsExactly("bob");
            ServerMessage.Mode mode = (ServerMessage.Mode) bob.request(id -> new ClientMessage.Mode(id, "ops"));
            assertThat(mode.operators()).containsExactly("alice");
            assertThat(mode.voiced()).containsExactly("bob");
            assertThat(mode.moderated()).isFalse();
        }
        // a room a guest created has no operator: no moderation, anyone in it sets the topic
        try (ChatClient carol = ChatClient.registered(port, "carol"); ChatClient dave = account(port, "dave")) {
            assertThat(join(carol, "guests").operators()).isEmpty();
            assertThat(join(dave, "guests").operators()).as("a logged-in second joiner is no operator").isEmpty();
            assertThat(carol.request(id -> new ClientMessage.Topic(id, "guests", "anyone's"))).isInstanceOf(ServerMessage.Topic.class);
            ServerMessage.Topic t = dave.await(ServerMessage.Topic.class, x -> x.topic().equals("anyone's"));
            assertThat(t.by()).isEqualTo("carol");
            assertThat(code(dave.request(id -> new ClientMessage.Mode(id, "guests", true, null, null))))
                    .isEqualTo("not_operator");
            assertThat(code(dave.request(id -> new ClientMessage.Kick(id, "guests", "carol", null))))
                    .isEqualTo("not_operator");
        }
    }

    @Test
    void aKickIsSeenByEveryoneAndTheKickedMemberIsOut() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient bob = ChatClient.registered(port, "bob");
             ChatClient carol = ChatClient.registered(port, "carol")) {
            join(alice, "hall");
            join(bob, "hall");
            join(carol, "hall");
            assertThat(code(bob.request(id -> new ClientMessage.Kick(id, "hall", "carol", null)))).isEqualTo("not_operator");
            ok(alice, id -> new ClientMessage.Kick(id, "hall", "bob", "spam"));
            for (ChatClient c : List.of(alice, bob, carol)) {
                Member k = memberEvent(c, Member.KICK, "bob");
                assertThat(k.by()).isEqualTo("alice");
                assertThat(k.reason()).isEqualTo("spam");
            }
            assertThat(code(bob.request(id -> new ClientMessage.Say(id, "hall", "still here?")))).isEqualTo("not_in_room");
            assertThat(code(bob.request(id -> new ClientMessage.History(id, "hall", null, 10)))).isEqualTo("not_in_room");
            ServerMessage.WhoReply who = (ServerMessage.WhoReply) carol.request(id -> new ClientMessage.Who(id, "hall"));
            assertThat(who.members()).containsExactly("alice", "carol");
            assertThat(code(alice.request(id -> new ClientMessage.Kick(id, "hall", "bob", null))))
                    .as("no longer a member").isEqualTo("no_such_user");
            // not banned: it may come back
            assertThat(join(bob, "hall").members()).containsExactly("alice", "carol", "bob");
            ok(bob, id -> new ClientMessage.Say(id, "hall", "back"));
            carol.await(ServerMessage.ChatMessage.class, m -> m.text().equals("back"));
        }
    }

    @Test
    void bansAndTopicsSurviveARestart() throws Exception {
        int port = start(sqlite());
        try (ChatClient alice = account(port, "alice"); ChatClient bob = account(port, "bob");
             ChatClient bobcat = ChatClient.registered(port, "bobcat")) {
            join(alice, "club");
            join(bob, "club");
            assertThat(alice.request(id -> new ClientMessage.Topic(id, "club", "members only"))).isInstanceOf(ServerMessage.Topic.class);
            ServerMessage.Topic event = bob.await(ServerMessage.Topic.class, t -> t.topic().equals("members only"));
            assertThat(event.by()).isEqualTo("alice");
            assertThat(event.id()).isNull();
            assertThat(code(bob.request(id -> new ClientMessage.Topic(id, "club", "mine"))))
                    .as("a room with an operator: operators set the topic").isEqualTo("not_operator");
            ok(alice, id -> new ClientMessage.Ban(id, "club", "b?b*"));
            ModeChange ban = bob.await(ModeChange.class, m -> "b?b*".equals(m.ban()));
            assertThat(ban.by()).isEqualTo("alice");
            ok(alice, id -> new ClientMessage.Kick(id, "club", "bob", null));
            memberEvent(bob, Member.KICK, "bob");
            assertThat(code(bob.request(id -> new ClientMessage.Join(id, "club")))).isEqualTo("banned");
            assertThat(code(bobcat.request(id -> new ClientMessage.Join(id, "club")))).as("the mask matches").isEqualTo("banned");
            ServerMessage.Topic asked = (ServerMessage.Topic) alice.request(id -> new ClientMessage.Topic(id, "club", null));
            assertThat(asked.topic()).isEqualTo("members only");
            assertThat(asked.ts()).isNotNull();
        }
        stop();
        port = start(sqlite());
        try (ChatClient bob = login(port, "bob"); ChatClient carol = ChatClient.registered(port, "carol")) {
            assertThat(code(bob.request(id -> new ClientMessage.Join(id, "club")))).as("the ban holds").isEqualTo("banned");
            ServerMessage.Joined j = join(carol, "club");
            assertThat(j.topic()).as("the topic holds").isEqualTo("members only");
            assertThat(j.operators()).as("alice is not here").isEmpty();
            assertThat(code(carol.request(id -> new ClientMessage.Topic(id, "club", "x"))))
                    .as("the room keeps its operator").isEqualTo("not_operator");
        }
        try (ChatClient alice = login(port, "alice")) {
            ServerMessage.Joined j = join(alice, "club");
            assertThat(j.operators()).containsExactly("alice");
            ServerMessage.Mode mode = (ServerMessage.Mode) alice.request(id -> new ClientMessage.Mode(id, "club"));
            assertThat(mode.bans()).containsExactly("b?b*");
            ok(alice, id -> new ClientMessage.Unban(id, "club", "B?B*"));
        }
        try (ChatClient bob = login(port, "bob")) {
            assertThat(join(bob, "club").topic()).isEqualTo("members only");
        }
    }

    @Test
    void aModeratedRoomHearsOnlyOperatorsAndVoicedMembers() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient bob = ChatClient.registered(port, "bob");
             ChatClient carol = ChatClient.registered(port, "carol")) {
            join(alice, "stage");
            join(bob, "stage");
            join(carol, "stage");
            ok(alice, id -> new ClientMessage.Mode(id, "stage", null, true, null));
            assertThat(carol.await(ModeChange.class, m -> Boolean.TRUE.equals(m.moderated())).by()).isEqualTo("alice");
            assertThat(code(bob.request(id -> new ClientMessage.Say(id, "stage", "dropped")))).isEqualTo("moderated");
            ok(alice, id -> new ClientMessage.Say(id, "stage", "the operator speaks"));
            ok(alice, id -> new ClientMessage.Voice(id, "stage", "bob"));
            ok(bob, id -> new ClientMessage.Say(id, "stage", "voiced now"));
            carol.await(ServerMessage.ChatMessage.class, m -> m.text().equals("voiced now"));
            assertThat(carol.messages("stage")).extracting(ServerMessage.ChatMessage::text)
                    .containsExactly("the operator speaks", "voiced now");
            // a guest's voice goes with its nick
            ok(bob, id -> new ClientMessage.Nick(id, "bobby"));
            assertThat(code(bob.request(id -> new ClientMessage.Say(id, "stage", "x")))).isEqualTo("moderated");
        }
    }

    @Test
    void anInviteOnlyRoomTakesInvitedNicksOnce() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient carol = ChatClient.registered(port, "carol")) {
            join(alice, "vip");
            ok(alice, id -> new ClientMessage.Mode(id, "vip", true, null, null));
            assertThat(code(carol.request(id -> new ClientMessage.Join(id, "vip")))).isEqualTo("invite_only");
            assertThat(code(carol.request(id -> new ClientMessage.Invite(id, "vip", "carol")))).isEqualTo("not_in_room");
            ok(alice, id -> new ClientMessage.Invite(id, "vip", "Carol"));
            ServerMessage.Invited inv = carol.await(ServerMessage.Invited.class, i -> i.room().equals("vip"));
            assertThat(inv.by()).isEqualTo("alice");
            join(carol, "vip");
            assertThat(code(carol.request(id -> new ClientMessage.Invite(id, "vip", "dave")))).isEqualTo("not_operator");
            assertThat(carol.request(id -> new ClientMessage.Part(id, "vip"))).isInstanceOf(ServerMessage.Parted.class);
            assertThat(code(carol.request(id -> new ClientMessage.Join(id, "vip")))).as("used up").isEqualTo("invite_only");
        }
    }

    @Test
    void aSecretRoomIsHiddenFromNonMembers() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient dave = ChatClient.registered(port, "dave")) {
            join(alice, "hidden");
            join(alice, "open");
            join(dave, "lobby");
            ServerMessage.RoomList before = (ServerMessage.RoomList) dave.request(ClientMessage.ListRooms::new);
            assertThat(before.rooms()).extracting(ServerMessage.RoomInfo::room).contains("hidden", "open");
            assertThat(dave.request(id -> new ClientMessage.Topic(id, "hidden", null)))
                    .isInstanceOf(ServerMessage.Topic.class);
            ok(alice, id -> new ClientMessage.Mode(id, "hidden", null, null, true));
            ServerMessage.RoomList after = (ServerMessage.RoomList) dave.request(ClientMessage.ListRooms::new);
            assertThat(after.rooms()).extracting(ServerMessage.RoomInfo::room).contains("open", "lobby")
                    .doesNotContain("hidden");
            ServerMessage.RoomList own = (ServerMessage.RoomList) alice.request(ClientMessage.ListRooms::new);
            assertThat(own.rooms()).extracting(ServerMessage.RoomInfo::room).contains("hidden");
            assertThat(code(dave.request(id -> new ClientMessage.Who(id, "hidden")))).isEqualTo("not_in_room");
            assertThat(code(dave.request(id -> new ClientMessage.Topic(id, "hidden", null)))).isEqualTo("not_in_room");
            assertThat(code(dave.request(id -> new ClientMessage.Mode(id, "hidden")))).isEqualTo("not_in_room");
            assertThat(code(dave.request(id -> new ClientMessage.Topic(id, "nosuchroom", null)))).isEqualTo("not_in_room");
            // anyone may still join it (it is secret, not closed)
            assertThat(join(dave, "hidden").operators()).containsExactly("alice");
            assertThat(dave.request(id -> new ClientMessage.Who(id, "hidden"))).isInstanceOf(ServerMessage.WhoReply.class);
        }
    }

    @Test
    void everyActionIsSeenByTheRoomInOrder() throws Exception {
        int port = start(sqlite()); // a store that takes its time: changes wait behind messages
        try (ChatClient alice = account(port, "alice"); ChatClient bob = ChatClient.registered(port, "bob")) {
            join(alice, "line");
            join(bob, "line");
            List<String> ids = new ArrayList<>();
            List<ClientMessage> burst = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                burst.add(new ClientMessage.Say(alice.newId(), "line", "m" + n));
                burst.add(new ClientMessage.Topic(alice.newId(), "line", "t" + n));
                burst.add(new ClientMessage.Say(alice.newId(), "line", "n" + n));
                burst.add(new ClientMessage.Ban(alice.newId(), "line", "x" + n));
            }
            burst.add(new ClientMessage.Voice(alice.newId(), "line", "bob"));
            burst.add(new ClientMessage.Say(alice.newId(), "line", "last"));
            burst.add(new ClientMessage.Kick(alice.newId(), "line", "bob", null));
            burst.add(new ClientMessage.Say(alice.newId(), "line", "after the kick"));
            for (ClientMessage m : burst) {
                ids.add((String) m.id());
                alice.send(m);
            }
            for (String id : ids) {
                assertThat(alice.await(ServerMessage.class, m -> id.equals(m.id())))
                        .isInstanceOfAny(ServerMessage.Ok.class, ServerMessage.Topic.class); // a topic is answered with it
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.addAll(List.of("m" + i, "topic t" + i, "n" + i, "ban x" + i));
            }
            expected.addAll(List.of("voice bob", "last", "kick bob"));
            bob.await(Member.class, m -> m.event().equals(Member.KICK));
            alice.await(ServerMessage.ChatMessage.class, m -> m.text().equals("after the kick"));
            assertThat(bob.silentFor(Duration.ofMillis(500))).as("nothing after its kick").isTrue();
            for (ChatClient c : List.of(alice, bob)) {
                List<String> seen = new ArrayList<>();
                for (ServerMessage m : c.received()) {
                    if (m instanceof ServerMessage.ChatMessage cm) {
                        seen.add(cm.text());
                    } else if (m instanceof ServerMessage.Topic t && t.id() == null) {
                        seen.add("topic " + t.topic());
                    } else if (m instanceof ModeChange mc) {
                        seen.add("ban " + mc.ban());
                    } else if (m instanceof Member mm && (mm.event().equals(Member.VOICE) || mm.event().equals(Member.KICK))) {
                        seen.add(mm.event() + " " + mm.nick());
                    }
                }
                List<String> want = new ArrayList<>(expected);
                if (c == alice) {
                    want.add("after the kick");
                }
                assertThat(seen).as("what %s saw: everything before its kick, in order", c == alice ? "alice" : "bob")
                        .isEqualTo(want);
            }
        }
    }

    @Test
    void badInputIsAnsweredClearly() throws Exception {
        int port = start(ServerConfig.forTests());
        try (ChatClient alice = account(port, "alice"); ChatClient bob = ChatClient.registered(port, "bob")) {
            join(alice, "r");
            alice.sendJson("{\"type\":\"kick\",\"id\":\"k1\",\"room\":\"r\"}");
            ServerMessage.Error e = alice.await(ServerMessage.Error.class, x -> "k1".equals(x.id()));
            assertThat(e.code()).isEqualTo("invalid");
            assertThat(e.message()).contains("'nick'");
            alice.sendJson("{\"type\":\"ban\",\"id\":\"b1\",\"room\":\"r\",\"mask\":\"bob!*@*\"}");
            assertThat(alice.await(ServerMessage.Error.class, x -> "b1".equals(x.id())).message()).contains("'mask'");
            alice.sendJson("{\"type\":\"topic\",\"id\":\"t1\",\"room\":\"r\",\"topic\":\"" + "x".repeat(391) + "\"}");
            assertThat(alice.await(ServerMessage.Error.class, x -> "t1".equals(x.id())).message()).contains("'topic'");
            alice.sendJson("{\"type\":\"mode\",\"id\":\"m1\",\"room\":\"r\",\"secret\":\"yes\"}");
            assertThat(alice.await(ServerMessage.Error.class, x -> "m1".equals(x.id())).message()).contains("'secret'");
            assertThat(code(bob.request(id -> new ClientMessage.Kick(id, "r", "alice", null)))).isEqualTo("not_in_room");
            assertThat(code(alice.request(id -> new ClientMessage.Voice(id, "r", "bob")))).isEqualTo("no_such_user");
            assertThat(code(alice.request(id -> new ClientMessage.Topic(id, "elsewhere", "x")))).isEqualTo("not_in_room");
            for (int i = 0; i < 100; i++) {
                int n = i;
                ok(alice, id -> new ClientMessage.Ban(id, "r", "spam" + n));
            }
            assertThat(code(alice.request(id -> new ClientMessage.Ban(id, "r", "one-too-many")))).isEqualTo("invalid");
            ok(alice, id -> new ClientMessage.Ban(id, "r", "SPAM7")); // there already (ignoring case): nothing changes
            ServerMessage.Mode mode = (ServerMessage.Mode) alice.request(id -> new ClientMessage.Mode(id, "r"));
            assertThat(mode.bans()).hasSize(100);
            // the session is still usable
            ok(alice, id -> new ClientMessage.Say(id, "r", "fine"));
        }
    }
}
