package dev.chat.server.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.ListRooms;
import dev.chat.protocol.ClientMessage.Nick;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Frames;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.IrcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The chat's behaviour as docs/PROTOCOL.md states it, one suite for every hub backend: a single
 * node ({@link SingleNodeContractTest}) and a three-node cluster ({@link ClusterContractTest}),
 * where the clients of one test sit on different nodes. Each test uses its own nicks and rooms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
abstract class ChatContract {
    /** Small limits, so that the tests can reach them. */
    static final int ROOMS_PER_SESSION = 3;
    static final int ROOM_MEMBERS = 3;
    static final int ROOMS = 12;
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private final List<ChatClient> clients = new ArrayList<>();

    /** What every node of the backend under test runs with (the subclass adds ports, cluster options). */
    static ServerConfig.Builder config() {
        return ServerConfig.forTests().toBuilder().rateLimit(0).maxRoomsPerSession(ROOMS_PER_SESSION)
                .maxRoomMembers(ROOM_MEMBERS).maxRooms(ROOMS);
    }

    /** The chat port of node {@code i} (0, 1, 2; a single node has one port for all three). */
    abstract int port(int i);

    /** The IRC port of node {@code i} ({@code --irc-port}, docs/IRC.md). */
    abstract int ircPort(int i);

    private final List<IrcClient> ircClients = new ArrayList<>();

    /**
     * Whether a room dropped from memory to make way for another keeps its history and numbering
     * in the store (the single node); the cluster forgets it, on disk too.
     */
    boolean keepsHistoryOfDroppedRooms() {
        return true;
    }

    /** Whether {@code member} quit events carry the reason of the {@code quit} (the cluster does not pass it on yet). */
    boolean carriesQuitReasons() {
        return true;
    }

    @AfterEach
    void closeClients() throws IOException {
        for (ChatClient c : clients) {
            c.close();
        }
        clients.clear();
        for (IrcClient c : ircClients) {
            c.close();
        }
        ircClients.clear();
    }

    String unique(String name) {
        return name + UNIQUE.incrementAndGet();
    }

    ChatClient client(int node, String nick) throws IOException {
        ChatClient c = ChatClient.registered(port(node), nick);
        clients.add(c);
        return c;
    }

    ChatClient in(int node, String nick, String room) throws IOException {
        ChatClient c = client(node, nick);
        assertThat(c.request(id -> new Join(id, room))).isInstanceOf(ServerMessage.Joined.class);
        return c;
    }

    static void assertError(ServerMessage reply, String code) {
        assertThat(reply).isInstanceOf(ServerMessage.Error.class);
        assertThat(((ServerMessage.Error) reply).code()).as(reply.toString()).isEqualTo(code);
    }

    // ---- IRC: the same chat through the IRC port ----

    @Test
    void ircUsersOnTwoNodesAndAFramedUserOnTheThirdShareOneRoomInOneOrder() throws Exception {
        String room = unique("irc");
        String ann = unique("ann");
        String bea = unique("bea");
        IrcClient ircAnn = IrcClient.registered(ircPort(0), ann);
        ircClients.add(ircAnn);
        IrcClient ircBea = IrcClient.registered(ircPort(1), bea);
        ircClients.add(ircBea);
        for (IrcClient c : List.of(ircAnn, ircBea)) {
            c.send("JOIN #" + room);
            c.awaitNumeric("366");
        }
        ChatClient carol = in(2, unique("carol"), room);
        for (IrcClient c : List.of(ircAnn, ircBea)) {
            c.awaitLine(l -> l.startsWith(":" + nick(carol) + "!" + nick(carol) + "@chat JOIN #" + room));
        }

        // three senders on three nodes, at once: every member sees one order
        ircAnn.send("PRIVMSG #" + room + " :from ann");
        ircBea.send("PRIVMSG #" + room + " :from bea");
        carol.send(new Say("c1", room, "from carol"));
        carol.await(m -> m instanceof ChatMessage x && room.equals(x.room()) && x.seq() == 3, ChatClient.TIMEOUT);
        List<ChatMessage> order = carol.messages(room);
        assertThat(order).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L);
        assertThat(order).extracting(ChatMessage::text).containsExactlyInAnyOrder("from ann", "from bea", "from carol");
        // an IRC member sees the others' messages in that order (its own are not echoed)
        for (IrcClient c : List.of(ircAnn, ircBea)) {
            String me = c == ircAnn ? ann : bea;
            List<String> expected = new ArrayList<>();
            for (ChatMessage m : order) {
                if (!m.from().equals(me)) {
                    expected.add(":" + m.from() + "!" + m.from() + "@chat PRIVMSG #" + room + " :" + m.text());
                }
            }
            List<String> seen = new ArrayList<>();
            while (seen.size() < expected.size()) {
                seen.add(c.awaitLine(l -> l.contains(" PRIVMSG #" + room + " ")));
            }
            assertThat(seen).as(me + " sees the room's order").isEqualTo(expected);
        }

        // direct messages across nodes: IRC to IRC, framed to IRC, IRC to framed
        ircAnn.send("PRIVMSG " + bea + " :psst bea");
        assertThat(ircBea.awaitLine(l -> l.contains(" PRIVMSG " + bea + " ")))
                .isEqualTo(":" + ann + "!" + ann + "@chat PRIVMSG " + bea + " :psst bea");
        carol.send(new Dm("d1", ann, "hi ann"));
        assertThat(ircAnn.awaitLine(l -> l.contains(" PRIVMSG " + ann + " ")))
                .isEqualTo(":" + nick(carol) + "!" + nick(carol) + "@chat PRIVMSG " + ann + " :hi ann");
        ircBea.send("PRIVMSG " + nick(carol) + " :hi carol");
        assertThat(carol.await(ChatMessage.class, m -> m.text().equals("hi carol")).from()).isEqualTo(bea);

        // an IRC user renames and leaves: the others, on other nodes and of either transport, see it
        String ann2 = ann + "x";
        ircAnn.send("NICK " + ann2);
        ircBea.awaitLine(l -> l.startsWith(":" + ann + "!" + ann + "@chat NICK"));
        assertThat(carol.await(Member.class, m -> m.event().equals(Member.NICK)).nick()).isEqualTo(ann2);
        ircAnn.send("QUIT :done");
        assertThat(ircAnn.awaitClose()).isTrue();
        String reason = carriesQuitReasons() ? "Quit: done" : "Connection closed";
        assertThat(ircBea.awaitLine(l -> l.contains(" QUIT ")))
                .isEqualTo(":" + ann2 + "!" + ann2 + "@chat QUIT :" + reason);
        Member quit = carol.await(Member.class, m -> m.event().equals(Member.QUIT) && m.nick().equals(ann2));
        assertThat(quit.room()).isEqualTo(room);
        assertThat(quit.reason()).isEqualTo(carriesQuitReasons() ? "done" : null);
    }

    @Test
    void ircWhoisFindsUsersOfEitherTransportOnEveryNode() throws Exception {
        String room = unique("whois");
        String ann = unique("ann");
        String bea = unique("bea");
        IrcClient ircAnn = IrcClient.registered(ircPort(0), ann);
        ircClients.add(ircAnn);
        IrcClient ircBea = IrcClient.registered(ircPort(1), bea);
        ircClients.add(ircBea);
        ChatClient carol = in(2, unique("carol"), room);
        for (String nick : List.of(bea, nick(carol))) {
            ircAnn.send("WHOIS " + nick);
            List<String> whois = ircAnn.awaitLines(l -> IrcClient.numeric(l, "318"));
            assertThat(whois).as(nick).anyMatch(l -> l.endsWith(" 311 " + ann + " " + nick + " " + nick + " chat * :"
                    + nick + (nick.equals(bea) && ircPort(0) == ircPort(1) ? " Example" : "")));
            assertThat(whois).as(nick).anyMatch(l -> IrcClient.numeric(l, "312") && l.contains(" " + nick + " "));
            assertThat(whois).as(nick).noneMatch(l -> IrcClient.numeric(l, "401"));
        }
        ircAnn.send("ISON " + bea + " " + nick(carol) + " nobody" + ann);
        assertThat(ircAnn.awaitNumeric("303")).endsWith(":" + bea + " " + nick(carol));
        String nobody = unique("nobody");
        ircAnn.send("WHOIS " + nobody);
        assertThat(ircAnn.awaitLines(l -> IrcClient.numeric(l, "318"))).anyMatch(l -> IrcClient.numeric(l, "401"));
    }

    // ---- hello ----

    @Test
    void helloRegistersOnceAndNicksAreUniqueIgnoringCaseAcrossNodes() throws Exception {
        String nick = unique("Ann");
        ChatClient fresh = ChatClient.connect(port(0));
        clients.add(fresh);
        assertError(fresh.request(id -> new Join(id, "x")), ErrorCode.NOT_REGISTERED);
        ServerMessage w = fresh.request(id -> new Hello(id, nick));
        assertThat(w).isInstanceOf(ServerMessage.Welcome.class);
        ServerMessage.Welcome welcome = (ServerMessage.Welcome) w;
        assertThat(welcome.nick()).isEqualTo(nick);
        assertThat(welcome.protocol()).isEqualTo(Frames.PROTOCOL_VERSION);
        assertThat(welcome.node()).isNotBlank();
        assertError(fresh.request(id -> new Hello(id, unique("other"))), ErrorCode.ALREADY_REGISTERED);

        ChatClient rival = ChatClient.connect(port(1));
        clients.add(rival);
        assertError(rival.request(id -> new Hello(id, nick.toUpperCase())), ErrorCode.NICK_TAKEN);
        // the holder leaves: the nick is free again, everywhere
        fresh.close();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                rival.request(id -> new Hello(id, nick.toUpperCase())) instanceof ServerMessage.Welcome);
    }

    // ---- rooms ----

    @Test
    void joinPartAndWhoShowTheSameMembersFromEveryNode() throws Exception {
        String room = unique("room");
        ChatClient alice = client(0, unique("alice"));
        ChatClient bob = client(1, unique("bob"));
        ChatClient carol = client(2, unique("carol"));
        ServerMessage.Joined first = (ServerMessage.Joined) alice.request(id -> new Join(id, "#" + room.toUpperCase()));
        assertThat(first.room()).as("canonical room name").isEqualTo(room);
        assertThat(first.members()).containsExactly(nick(alice));
        assertThat(first.lastSeq()).isZero();
        ServerMessage.Joined second = (ServerMessage.Joined) bob.request(id -> new Join(id, room));
        assertThat(second.members()).containsExactly(nick(alice), nick(bob));
        Member joined = alice.await(Member.class, m -> m.room().equals(room));
        assertThat(joined.event()).isEqualTo(Member.JOIN);
        assertThat(joined.nick()).isEqualTo(nick(bob));
        assertThat(((ServerMessage.Joined) bob.request(id -> new Join(id, room))).members())
                .as("joining again changes nothing").containsExactly(nick(alice), nick(bob));

        ServerMessage.WhoReply who = (ServerMessage.WhoReply) carol.request(id -> new Who(id, room));
        assertThat(who.members()).containsExactly(nick(alice), nick(bob));
        ServerMessage.RoomList rooms = (ServerMessage.RoomList) carol.request(ListRooms::new);
        assertThat(rooms.rooms()).contains(new ServerMessage.RoomInfo(room, 2));

        assertThat(((ServerMessage.Parted) bob.request(id -> new Part(id, room))).room()).isEqualTo(room);
        Member parted = alice.await(Member.class, m -> m.room().equals(room) && !m.event().equals(Member.JOIN));
        assertThat(parted.event()).isEqualTo(Member.PART);
        assertError(bob.request(id -> new Part(id, room)), ErrorCode.NOT_IN_ROOM);
        assertThat(((ServerMessage.WhoReply) carol.request(id -> new Who(id, room))).members()).containsExactly(nick(alice));
        assertThat(((ServerMessage.WhoReply) carol.request(id -> new Who(id, unique("nowhere")))).members()).isEmpty();
    }

    @Test
    void saysAreNumberedInOrderForEveryMemberAndKeptInHistory() throws Exception {
        String room = unique("talk");
        ChatClient alice = in(0, unique("alice"), room);
        ChatClient bob = in(1, unique("bob"), room);
        ChatClient eve = client(2, unique("eve"));
        assertError(eve.request(id -> new Say(id, room, "let me in")), ErrorCode.NOT_IN_ROOM);
        for (int i = 1; i <= 5; i++) {
            int n = i;
            ChatClient from = i % 2 == 0 ? bob : alice;
            assertThat(from.request(id -> new Say(id, room, "line " + n))).isInstanceOf(ServerMessage.Ok.class);
        }
        for (ChatClient c : List.of(alice, bob)) {
            c.await(m -> m instanceof ChatMessage x && room.equals(x.room()) && x.seq() == 5, ChatClient.TIMEOUT);
            List<ChatMessage> got = c.messages(room);
            assertThat(got).extracting(ChatMessage::text).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
            assertThat(got).extracting(ChatMessage::seq).as("seq strictly increasing from 1").containsExactly(1L, 2L, 3L, 4L, 5L);
        }
        assertError(eve.request(id -> new History(id, room, null, 2)), ErrorCode.NOT_IN_ROOM); // members only
        ServerMessage.HistoryReply latest = (ServerMessage.HistoryReply) alice.request(id -> new History(id, room, null, 2));
        assertThat(latest.messages()).extracting(ChatMessage::text).containsExactly("line 4", "line 5");
        ServerMessage.HistoryReply after = (ServerMessage.HistoryReply) bob.request(id -> new History(id, room, 1L, 2));
        assertThat(after.messages()).extracting(ChatMessage::seq).containsExactly(2L, 3L);
        ServerMessage.Joined late = (ServerMessage.Joined) eve.request(id -> new Join(id, room));
        assertThat(late.lastSeq()).isEqualTo(5);
    }

    @Test
    void directMessagesReachANickOnAnyNode() throws Exception {
        ChatClient alice = client(0, unique("alice"));
        ChatClient bob = client(2, unique("bob"));
        assertThat(alice.request(id -> new Dm(id, nick(bob).toUpperCase(), "psst"))).isInstanceOf(ServerMessage.Ok.class);
        ChatMessage m = bob.await(ChatMessage.class, x -> true);
        assertThat(m.room()).isNull();
        assertThat(m.to()).isEqualTo(nick(bob));
        assertThat(m.from()).isEqualTo(nick(alice));
        assertThat(m.text()).isEqualTo("psst");
        assertError(alice.request(id -> new Dm(id, unique("nobody"), "hello?")), ErrorCode.NO_SUCH_USER);
    }

    @Test
    void aNickChangeIsSeenByRoomMatesAndCannotTakeAHeldNick() throws Exception {
        String room = unique("nicks");
        ChatClient alice = in(0, unique("alice"), room);
        ChatClient bob = in(1, unique("bob"), room);
        String old = nick(bob);
        String renamed = unique("robert");
        assertError(bob.request(id -> new Nick(id, nick(alice).toUpperCase())), ErrorCode.NICK_TAKEN);
        assertThat(bob.request(id -> new Nick(id, renamed))).isInstanceOf(ServerMessage.Ok.class);
        Member m = alice.await(Member.class, x -> x.event().equals(Member.NICK));
        assertThat(m.nick()).isEqualTo(renamed);
        assertThat(m.old()).isEqualTo(old);
        assertThat(m.room()).isEqualTo(room);
        assertThat(((ServerMessage.WhoReply) alice.request(id -> new Who(id, room))).members())
                .containsExactly(nick(alice), renamed);
        // the old nick is free again; the new one is taken
        ChatClient again = client(2, old);
        assertThat(nick(again)).isEqualTo(old);
        ChatClient rival = ChatClient.connect(port(2));
        clients.add(rival);
        assertError(rival.request(id -> new Hello(id, renamed)), ErrorCode.NICK_TAKEN);
    }

    @Test
    void aClosedConnectionQuitsItsRooms() throws Exception {
        String room = unique("quit");
        ChatClient alice = in(0, unique("alice"), room);
        ChatClient bob = in(1, unique("bob"), room);
        bob.close();
        Member quit = alice.await(Member.class, m -> m.event().equals(Member.QUIT));
        assertThat(quit.nick()).isEqualTo(nick(bob));
        assertThat(quit.room()).isEqualTo(room);
    }

    // ---- limits ----

    @Test
    void perSessionAndPerRoomLimits() throws Exception {
        ChatClient alice = client(0, unique("alice"));
        for (int i = 0; i < ROOMS_PER_SESSION; i++) {
            String r = unique("lim");
            assertThat(alice.request(id -> new Join(id, r))).isInstanceOf(ServerMessage.Joined.class);
        }
        assertError(alice.request(id -> new Join(id, unique("lim"))), ErrorCode.TOO_MANY_ROOMS);

        String full = unique("full");
        for (int i = 0; i < ROOM_MEMBERS; i++) {
            in(i % 3, unique("m"), full);
        }
        ChatClient late = client(1, unique("late"));
        assertError(late.request(id -> new Join(id, full)), ErrorCode.ROOM_FULL);
    }

    /**
     * Rooms kept: a room that would go beyond {@code --max-rooms} drops the least recently used
     * empty room, with its history; when every room has members, {@code unavailable}.
     */
    @Test
    void theLeastRecentlyUsedEmptyRoomMakesWayAndFullRoomsDoNot() throws Exception {
        ChatClient watcher = client(2, unique("watcher"));
        // earlier tests' rooms empty out as their clients leave
        await().atMost(Duration.ofSeconds(30)).until(() ->
                ((ServerMessage.RoomList) watcher.request(ListRooms::new)).rooms().isEmpty());
        // fill every place with rooms that have history; the first is used least recently
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < ROOMS; i++) {
            String r = unique("keep");
            ChatClient c = in(i % 3, unique("k"), r);
            assertThat(c.request(id -> new Say(id, r, "remember me"))).isInstanceOf(ServerMessage.Ok.class);
            assertThat(c.request(id -> new Part(id, r))).isInstanceOf(ServerMessage.Parted.class);
            kept.add(r);
        }
        String oldest = kept.get(0);
        String newcomer = unique("new");
        ChatClient n = client(1, unique("n"));
        assertThat(n.request(id -> new Join(id, newcomer))).as("the least recently used empty room made way")
                .isInstanceOf(ServerMessage.Joined.class);
        // history is for members: the watcher joins to read it, then leaves
        assertThat(readAsMember(watcher, kept.get(1)))
                .as("a room used later is kept").extracting(ChatMessage::text).containsExactly("remember me");
        if (keepsHistoryOfDroppedRooms()) {
            assertThat(readAsMember(watcher, oldest))
                    .as("its history stays in the store").extracting(ChatMessage::text).containsExactly("remember me");
        } else {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(readAsMember(watcher, oldest))
                    .as("dropped with its room").isEmpty());
        }
        if (keepsHistoryOfDroppedRooms()) {
            // the dropped room comes back (making way for the next least recently used one) with its numbering
            ChatClient back = client(0, unique("back"));
            ServerMessage.Joined j = (ServerMessage.Joined) back.request(id -> new Join(id, oldest));
            assertThat(j.lastSeq()).as("numbering continues from the store").isEqualTo(1);
            assertThat(back.request(id -> new Say(id, oldest, "again"))).isInstanceOf(ServerMessage.Ok.class);
            assertThat(back.await(ChatMessage.class, m -> true).seq()).isEqualTo(2);
            assertThat(back.request(id -> new Part(id, oldest))).isInstanceOf(ServerMessage.Parted.class);
            kept.remove(1); // dropped to make way for the next one, history and all kept
            kept.add(oldest);
        }

        // every room taken by a member: no room can make way
        List<ChatClient> holders = new ArrayList<>();
        for (String r : kept.subList(1, kept.size())) {
            holders.add(in(holders.size() % 3, unique("h"), r));
        }
        ChatClient refused = client(0, unique("refused"));
        assertError(refused.request(id -> new Join(id, unique("none"))), ErrorCode.UNAVAILABLE);
    }

    /** A room's latest messages as a member reads them: join, history, part. */
    static List<ChatMessage> readAsMember(ChatClient c, String room) throws Exception {
        assertThat(c.request(id -> new Join(id, room))).isInstanceOf(ServerMessage.Joined.class);
        List<ChatMessage> got = ((ServerMessage.HistoryReply) c.request(id -> new History(id, room, null, 10))).messages();
        assertThat(c.request(id -> new Part(id, room))).isInstanceOf(ServerMessage.Parted.class);
        return got;
    }

    static String nick(ChatClient c) {
        return c.received().stream().filter(m -> m instanceof ServerMessage.Welcome).map(m -> ((ServerMessage.Welcome) m).nick())
                .findFirst().orElseThrow();
    }
}
