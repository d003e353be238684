package dev.chat.it.cluster;

import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three server nodes as real processes on loopback, clustered through Hazelcast: one chat seen
 * from every node, and what survives a {@code kill -9} of one of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ClusterIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    /** The contract: a dead node's sessions leave rooms within this. */
    private static final Duration DEAD_NODE_BOUND = Duration.ofSeconds(30);

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<ChatClient> clients = new ArrayList<>();
    private int n1;
    private int n2;
    private int n3;

    @BeforeAll
    void startThreeNodes() throws Exception {
        int[] ports = {ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            nodes.add(node("node" + (i + 1), ports[i], members));
        }
        for (ServerProcess n : nodes) {
            n.awaitReady(START_TIMEOUT);
        }
        System.out.printf("three clustered nodes ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        n1 = nodes.get(0).tcpPort();
        n2 = nodes.get(1).tcpPort();
        n3 = nodes.get(2).tcpPort();
        assertThat(nodes.stream().map(ServerProcess::nodeId).distinct()).hasSize(3);
    }

    @AfterAll
    void stopNodes() throws Exception {
        for (ChatClient c : clients) {
            c.close();
        }
        for (ServerProcess n : nodes) {
            n.close();
        }
        for (ServerProcess n : nodes) {
            assertThat(n.extraStdout()).as("stdout of " + n.name() + " besides READY").isEmpty();
        }
    }

    /** One clustered node as a process on loopback; its stderr goes to target/cluster-it/NAME.log too. */
    private static ServerProcess node(String name, int clusterPort, String members) throws Exception {
        Path log = Path.of(System.getProperty("chat.root", "..")).toAbsolutePath().normalize()
                .resolve("integration-tests/target/cluster-it/" + name + ".log");
        return ServerProcess.launch(name, log, List.of("--name", name, "--no-announce", "--cluster",
                "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(clusterPort), "--cluster-members", members));
    }

    private ChatClient client(int port, String nick) throws Exception {
        ChatClient c = ChatClient.registeredReading(port, nick);
        clients.add(c);
        return c;
    }

    @Test
    @Order(1)
    void welcomeHealthAndMetricsNameTheClusterNode() throws Exception {
        ChatClient c = client(n2, "greeter");
        ServerMessage.Welcome w = (ServerMessage.Welcome) c.await(m -> m instanceof ServerMessage.Welcome, ChatClient.TIMEOUT);
        assertThat(w.node()).isEqualTo(nodes.get(1).nodeId());
        HttpClient http = HttpClient.newHttpClient();
        for (ServerProcess n : nodes) {
            String base = "http://127.0.0.1:" + n.httpPort();
            String health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(health).contains("\"node\":\"" + n.nodeId() + "\"");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().lines().anyMatch(l -> l.matches("chat_cluster_peers 2(\\.0)?")));
        }
    }

    @Test
    @Order(2)
    void roomChatAcrossNodesHasOneSeqOrderEverywhere() throws Exception {
        ChatClient a = client(n1, "alice");
        ChatClient b = client(n2, "bob");
        ChatClient c = client(n3, "carol");
        assertThat(joined(a, "#Lobby").members()).containsExactly("alice");
        assertThat(joined(b, "lobby").members()).containsExactly("alice", "bob");
        ServerMessage.Joined cj = joined(c, "LOBBY");
        assertThat(cj.members()).containsExactly("alice", "bob", "carol");
        assertThat(cj.lastSeq()).isZero();
        a.await(m -> m instanceof Member mm && mm.event().equals(Member.JOIN) && mm.nick().equals("carol"),
                ChatClient.TIMEOUT);

        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (ChatClient who : List.of(a, b, c)) {
                String nick = who == a ? "alice" : who == b ? "bob" : "carol";
                sent.add(pool.submit(() -> sayMany(who, "lobby", nick, each)));
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get()).as("acknowledged says").isEqualTo(each);
            }
        } finally {
            pool.shutdownNow();
        }
        for (ChatClient who : List.of(a, b, c)) {
            who.await(m -> who.messages("lobby").size() >= 3 * each, ChatClient.TIMEOUT);
        }
        List<ChatMessage> seenByA = a.messages("lobby");
        assertThat(seenByA).hasSize(3 * each);
        for (int i = 0; i < seenByA.size(); i++) {
            assertThat(seenByA.get(i).seq()).isEqualTo(i + 1L);
        }
        assertThat(b.messages("lobby")).isEqualTo(seenByA);
        assertThat(c.messages("lobby")).isEqualTo(seenByA);
        // each sender's own messages keep the order it sent them in
        for (String nick : List.of("alice", "bob", "carol")) {
            List<String> own = seenByA.stream().filter(m -> m.from().equals(nick)).map(ChatMessage::text).toList();
            assertThat(own).hasSize(each);
            for (int i = 0; i < each; i++) {
                assertThat(own.get(i)).isEqualTo(nick + " " + i);
            }
        }

        for (ChatClient who : List.of(a, b, c)) {
            ServerMessage.WhoReply w = (ServerMessage.WhoReply) who.request(new ClientMessage.Who("w", "lobby"));
            assertThat(w.members()).containsExactly("alice", "bob", "carol");
            ServerMessage.RoomList rooms = (ServerMessage.RoomList) who.request(new ClientMessage.ListRooms("r"));
            assertThat(rooms.rooms()).contains(new ServerMessage.RoomInfo("lobby", 3));
        }
        ServerMessage.HistoryReply h = (ServerMessage.HistoryReply) b.request(
                new ClientMessage.History("h", "lobby", 100L, 50));
        assertThat(h.messages()).isEqualTo(seenByA.subList(100, 120));
        ServerMessage.HistoryReply latest = (ServerMessage.HistoryReply) c.request(
                new ClientMessage.History("h2", "lobby", null, 5));
        assertThat(latest.messages()).isEqualTo(seenByA.subList(115, 120));
    }

    @Test
    @Order(3)
    void directMessagesReachPeopleOnOtherNodes() throws Exception {
        ChatClient dave = client(n1, "dave");
        ChatClient erin = client(n3, "erin");
        assertThat(dave.request(new ClientMessage.Dm("d1", "ERIN", "psst, across nodes")))
                .isInstanceOf(ServerMessage.Ok.class);
        ChatMessage got = (ChatMessage) erin.await(m -> m instanceof ChatMessage cm && cm.isDirect(), ChatClient.TIMEOUT);
        assertThat(got.from()).isEqualTo("dave");
        assertThat(got.to()).isEqualTo("erin");
        assertThat(got.text()).isEqualTo("psst, across nodes");
        assertThat(erin.request(new ClientMessage.Dm("d2", "dave", "back at you"))).isInstanceOf(ServerMessage.Ok.class);
        dave.await(m -> m instanceof ChatMessage cm && cm.isDirect() && cm.text().equals("back at you"), ChatClient.TIMEOUT);
        ServerMessage nobody = dave.request(new ClientMessage.Dm("d3", "nobody-here", "hello?"));
        assertThat(nobody).isInstanceOf(ServerMessage.Error.class);
        assertThat(((ServerMessage.Error) nobody).code()).isEqualTo(ErrorCode.NO_SUCH_USER);
    }

    @Test
    @Order(4)
    void nicksAreUniqueAcrossNodesIgnoringCase() throws Exception {
        client(n1, "frank");
        for (int port : new int[] {n2, n3}) {
            ChatClient other = ChatClient.connectReading(port, "other");
            clients.add(other);
            ServerMessage r = other.request(new ClientMessage.Hello("h", "FRANK"));
            assertThat(r).isInstanceOf(ServerMessage.Error.class);
            assertThat(((ServerMessage.Error) r).code()).isEqualTo(ErrorCode.NICK_TAKEN);
        }
        ChatClient gina = client(n2, "gina");
        ServerMessage taken = gina.request(new ClientMessage.Nick("n1", "Frank"));
        assertThat(((ServerMessage.Error) taken).code()).isEqualTo(ErrorCode.NICK_TAKEN);
        assertThat(gina.request(new ClientMessage.Nick("n2", "gina2"))).isInstanceOf(ServerMessage.Ok.class);
        client(n3, "gina"); // the old nick is free again, on another node

        // three nodes race for one new nick: exactly one wins
        List<ChatClient> racers = new ArrayList<>();
        for (int port : new int[] {n1, n2, n3}) {
            ChatClient r = ChatClient.connectReading(port, "racer");
            clients.add(r);
            racers.add(r);
        }
        for (ChatClient r : racers) {
            r.send(new ClientMessage.Hello("race", "Racer"));
        }
        int welcomed = 0;
        for (ChatClient r : racers) {
            ServerMessage m = r.await(x -> "race".equals(x.id()), ChatClient.TIMEOUT);
            if (m instanceof ServerMessage.Welcome) {
                welcomed++;
            } else {
                assertThat(((ServerMessage.Error) m).code()).isEqualTo(ErrorCode.NICK_TAKEN);
            }
        }
        assertThat(welcomed).isEqualTo(1);
    }

    @Test
    @Order(5)
    void presenceHeardByOneNodeIsSeenFromEveryNode() throws Exception {
        ChatClient onN1 = client(n1, "uma");
        ChatClient onN2 = client(n2, "vic");
        ChatClient onN3 = client(n3, "walt");
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress node1 = new InetSocketAddress(InetAddress.getLoopbackAddress(), nodes.get(0).udpPort());
            ScheduledExecutorService beacons = Executors.newSingleThreadScheduledExecutor();
            long[] seq = {0};
            beacons.scheduleAtFixedRate(() -> beacon(udp, node1, Beacon.ONLINE, ++seq[0]), 0, 500, TimeUnit.MILLISECONDS);
            try {
                // the node that hears the beacons tells its own sessions first
                onN1.await(m -> m instanceof ServerMessage.Presence p && p.nick().equals("beacon-ann"), ChatClient.TIMEOUT);
                // the node that heard it forwards the event; the others tell their sessions
                for (ChatClient c : List.of(onN2, onN3)) {
                    ServerMessage.Presence p = (ServerMessage.Presence) c.await(
                            m -> m instanceof ServerMessage.Presence pr && pr.nick().equals("beacon-ann"), ChatClient.TIMEOUT);
                    assertThat(p.status()).isEqualTo(Beacon.ONLINE);
                }
                // peers from any node: node1's table, merged
                for (ChatClient c : List.of(onN1, onN2, onN3)) {
                    ServerMessage.PeerList peers = (ServerMessage.PeerList) c.request(new ClientMessage.ListPeers("p"));
                    assertThat(peers.peers()).extracting(ServerMessage.PeerInfo::nick).containsOnlyOnce("beacon-ann");
                }
            } finally {
                beacons.shutdownNow();
                beacons.awaitTermination(10, TimeUnit.SECONDS);
            }
            beacon(udp, node1, Beacon.OFFLINE, 1_000);
            onN3.await(m -> m instanceof ServerMessage.Presence p && p.nick().equals("beacon-ann")
                    && p.status().equals(Beacon.OFFLINE), ChatClient.TIMEOUT);
        }
    }

    @Test
    @Order(5)
    void aNickVerifiedOnItsNodeHidesUnverifiedBeaconsOfItFromOtherNodes() throws Exception {
        ChatClient xena = ChatClient.connectReading(n1, "xena");
        clients.add(xena);
        ServerMessage.Welcome w = (ServerMessage.Welcome) xena.request(id -> new ClientMessage.Hello(id, "xena"));
        byte[] key = dev.chat.protocol.BeaconSignature.decodeKey(w.beaconKey());
        ChatClient onN3 = client(n3, "yuri");
        try (DatagramSocket real = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket forger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress node1 = new InetSocketAddress(InetAddress.getLoopbackAddress(), nodes.get(0).udpPort());
            InetSocketAddress node2 = new InetSocketAddress(InetAddress.getLoopbackAddress(), nodes.get(1).udpPort());
            send(real, node1, dev.chat.protocol.BeaconSignature.signed(key, new Beacon.ClientBeacon("xena", Beacon.ONLINE,
                    1, System.currentTimeMillis(), 60_000)));
            // node2 holds no key for xena (keys never leave node1): it lists the forger's beacon, unverified
            send(forger, node2, new Beacon.ClientBeacon("xena", Beacon.AWAY, 1, System.currentTimeMillis(), 60_000));
            onN3.await(m -> m instanceof ServerMessage.Presence p && p.nick().equals("xena")
                    && p.status().equals(Beacon.ONLINE), ChatClient.TIMEOUT); // node1 heard xena
            onN3.await(m -> m instanceof ServerMessage.Presence p && p.nick().equals("xena")
                    && p.status().equals(Beacon.AWAY), ChatClient.TIMEOUT); // node2 heard the forger
            for (ChatClient c : List.of(xena, onN3)) {
                List<ServerMessage.PeerInfo> rows = ((ServerMessage.PeerList) c.request(new ClientMessage.ListPeers("p")))
                        .peers().stream().filter(p -> p.nick().equals("xena")).toList();
                assertThat(rows).as("xena from every node: the verified row only").hasSize(1);
                assertThat(rows.get(0).verified()).isTrue();
                assertThat(rows.get(0).address()).isEqualTo("127.0.0.1:" + real.getLocalPort());
            }
            send(real, node1, dev.chat.protocol.BeaconSignature.signed(key, new Beacon.ClientBeacon("xena", Beacon.OFFLINE,
                    2, System.currentTimeMillis(), 60_000)));
            send(forger, node2, new Beacon.ClientBeacon("xena", Beacon.OFFLINE, 2, System.currentTimeMillis(), 60_000));
        }
    }

    private static void send(DatagramSocket udp, InetSocketAddress to, Beacon.ClientBeacon b) throws java.io.IOException {
        byte[] frame = MessageCodec.encodeFrame(b);
        udp.send(new DatagramPacket(frame, frame.length, to));
    }

    private static void beacon(DatagramSocket udp, InetSocketAddress to, String status, long seq) {
        byte[] frame = MessageCodec.encodeFrame(new Beacon.ClientBeacon("beacon-ann", status, seq,
                System.currentTimeMillis(), 500));
        try {
            udp.send(new DatagramPacket(frame, frame.length, to));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Order(7)
    void aKilledNodeLosesNoAcknowledgedMessageAndItsUsersLeave() throws Exception {
        // the room is created from node3, so node3 sequences it: killing node3 moves the sequencer
        ChatClient zed = client(n3, "zed");
        ChatClient wes = client(n3, "wes");
        ChatClient xia = client(n1, "xia");
        ChatClient yan = client(n2, "yan");
        joined(zed, "ha");
        joined(wes, "ha");
        joined(xia, "ha");
        joined(yan, "ha");
        xia.await(m -> m instanceof Member mm && mm.nick().equals("yan"), ChatClient.TIMEOUT);

        // xia and yan each say something every 25 ms (under the rate limit) throughout
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
        long zedSawBefore;

        List<Stream> streams = List.of(new Stream(xia, "x"), new Stream(yan, "y"));
        for (Stream st : streams) {
            pace.scheduleAtFixedRate(st::sayNext, 0, 25, TimeUnit.MILLISECONDS);
        }
        try {
            xia.await(m -> xia.messages("ha").size() >= 40, ChatClient.TIMEOUT);

            long killedAt = System.nanoTime();
            nodes.get(2).kill();
            for (Stream st : streams) {
                st.markKill();
            }
            // zed's connection died with its node: what it saw last is where it resumes
            Awaitility.await().atMost(ChatClient.TIMEOUT).until(zed::isClosed);
            zedSawBefore = last(zed.messages("ha")).seq();

            // the dead node's users quit the room, seen from the survivors, within the bound
            for (String gone : List.of("zed", "wes")) {
                xia.await(m -> m instanceof Member mm && mm.event().equals(Member.QUIT) && mm.nick().equals(gone)
                        && mm.room().equals("ha"), DEAD_NODE_BOUND);
            }
            long quitMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("members of the killed node quit after %d ms%n", quitMs);
            assertThat(quitMs).isLessThan(DEAD_NODE_BOUND.toMillis());

            // chat goes on: both survivors get acks for messages sent after the kill
            Awaitility.await().atMost(Duration.ofSeconds(40))
                    .until(() -> streams.stream().allMatch(st -> st.ackedAfterKill() >= 15));
        } finally {
            pace.shutdownNow();
            pace.awaitTermination(10, TimeUnit.SECONDS);
        }
        Set<String> acked = new HashSet<>();
        for (Stream st : streams) {
            acked.addAll(st.ackedTexts());
        }
        for (ChatClient who : List.of(xia, yan)) {
            ServerMessage.WhoReply w = (ServerMessage.WhoReply) who.request(new ClientMessage.Who("w", "ha"));
            assertThat(w.members()).containsExactlyInAnyOrder("xia", "yan");
        }
        // their nicks are free: zed comes back through a surviving node (a client given several servers)
        ChatClient zedAgain = client(n1, "zed");
        ChatClient wesAgain = client(n2, "wes");

        List<ChatMessage> onN1 = fullHistory(xia, "ha");
        List<ChatMessage> onN2 = fullHistory(yan, "ha");
        assertThat(onN2).isEqualTo(onN1);
        for (int i = 0; i < onN1.size(); i++) {
            assertThat(onN1.get(i).seq()).as("history seq without gaps").isEqualTo(i + 1L);
        }
        Set<String> stored = new HashSet<>();
        for (ChatMessage m : onN1) {
            assertThat(stored.add(m.text())).as("stored once: " + m.text()).isTrue();
        }
        assertThat(stored).as("every acknowledged message is in the history").containsAll(acked);
        System.out.printf("%d messages acknowledged, %d stored, across the kill%n", acked.size(), stored.size());

        // what the survivors' members saw live: one seq order, no gaps
        List<ChatMessage> liveX = xia.messages("ha");
        for (int i = 1; i < liveX.size(); i++) {
            assertThat(liveX.get(i).seq()).isEqualTo(liveX.get(i - 1).seq() + 1);
        }

        // the reconnected zed resumes with history after the last seq it saw, without a gap
        joined(zedAgain, "ha");
        List<ChatMessage> resumed = historyAfter(zedAgain, "ha", zedSawBefore);
        assertThat(resumed).isNotEmpty();
        assertThat(resumed.get(0).seq()).isEqualTo(zedSawBefore + 1);
        assertThat(resumed).isEqualTo(onN1.subList((int) zedSawBefore, onN1.size()));

        // the survivors' logs: one line says who left and where its room went, and none of
        // Hazelcast's multi-line bursts about heartbeats, suspects and partition tables
        String killedId = nodes.get(2).nodeId();
        for (ServerProcess survivor : nodes.subList(0, 2)) {
            String log = survivor.stderr();
            assertThat(log).as(survivor.name() + "'s log").contains("node " + killedId
                    + " left the cluster: the rooms it sequenced move, ").contains(" room(s) to ");
            assertThat(log.lines().filter(l -> l.contains(" WARN ") && (l.contains("MembershipManager")
                    || l.contains("TcpServerConnectionErrorHandler") || l.contains("ClusterHeartbeatManager")
                    || l.contains("PartitionService") || l.contains("MigrationManager"))))
                    .as(survivor.name() + ": Hazelcast's warnings about the dead node").isEmpty();
            assertThat(log.lines().filter(l -> l.startsWith("\t["))).as("continuation lines of a partition table").isEmpty();
        }
        assertThat(wesAgain.request(new ClientMessage.Who("w", "ha"))).isInstanceOf(ServerMessage.WhoReply.class);
    }

    @Test
    @Order(6)
    void aHungNodeIsCountedDeadAndWhenItResumesItsClientsAreToldToReconnect() throws Exception {
        ServerProcess hung = nodes.get(1);
        ChatClient pia = client(n2, "pia");
        ChatClient quinn = client(n1, "quinn");
        joined(pia, "hz"); // node2 sequences the room
        joined(quinn, "hz");
        assertThat(pia.request(new ClientMessage.Say("s0", "hz", "before"))).isInstanceOf(ServerMessage.Ok.class);

        hung.signal("STOP");
        try {
            // node1 and node3 carry on: node2 is counted dead after 5 s without heartbeat (being the
            // smaller side, it is the one that merges back into the others when it resumes)
            quinn.await(m -> m instanceof Member mm && mm.nick().equals("pia") && mm.event().equals(Member.QUIT),
                    DEAD_NODE_BOUND);
            for (int i = 1; i <= 3; i++) {
                assertThat(quinn.request(new ClientMessage.Say("s" + i, "hz", "while node2 hangs " + i)))
                        .isInstanceOf(ServerMessage.Ok.class);
            }
            ChatClient other = client(n1, "pia"); // the nick is free
            other.close();
        } finally {
            hung.signal("CONT");
        }
        // when it resumes it learns it was counted dead and closes its sessions; pia fails over
        ServerMessage bye = pia.await(m -> m instanceof ServerMessage.Bye, Duration.ofSeconds(90));
        assertThat(((ServerMessage.Bye) bye).reason()).contains("reconnect");
        ChatClient piaAgain = client(n3, "pia");
        joined(piaAgain, "hz");
        List<ChatMessage> hz = fullHistory(quinn, "hz");
        assertThat(hz).extracting(ChatMessage::text)
                .containsExactly("before", "while node2 hangs 1", "while node2 hangs 2", "while node2 hangs 3");
        assertThat(fullHistory(piaAgain, "hz")).isEqualTo(hz);

        // once node2 has merged back it serves the same rooms again: its copy of hz, and of lobby
        // (which it claimed while cut off, and node1 sequenced all along), are the others' copies.
        // Until the merge it may close new sessions too, so each try is a new connection.
        ChatClient sam = client(n1, "sam");
        long lobbySeq = joined(sam, "lobby").lastSeq();
        List<ChatMessage> lobby = fullHistory(sam, "lobby");
        int[] tries = {0};
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            try (ChatClient rita = ChatClient.registeredReading(n2, "rita" + tries[0]++)) {
                joined(rita, "hz"); // history is for members
                joined(rita, "lobby");
                List<ChatMessage> hzOnN2 = fullHistory(rita, "hz");
                assertThat(hzOnN2).startsWith(hz.toArray(new ChatMessage[0])).isEqualTo(fullHistory(quinn, "hz"));
                assertThat(fullHistory(rita, "lobby")).isEqualTo(lobby);
                assertThat(rita.request(new ClientMessage.Say("back", "hz", "back " + tries[0])))
                        .isInstanceOf(ServerMessage.Ok.class);
                quinn.await(m -> m instanceof ChatMessage cm && ("back " + tries[0]).equals(cm.text()),
                        Duration.ofSeconds(5));
            }
        });
        assertThat(sam.request(new ClientMessage.Say("l1", "lobby", "after the merge"))).isInstanceOf(ServerMessage.Ok.class);
        ChatMessage got = (ChatMessage) sam.await(m -> m instanceof ChatMessage cm && "after the merge".equals(cm.text()),
                ChatClient.TIMEOUT);
        assertThat(got.seq()).isEqualTo(lobbySeq + 1);
    }

    // ---- helpers ----

    private static ServerMessage.Joined joined(ChatClient c, String room) throws Exception {
        ServerMessage r = c.request(new ClientMessage.Join("join-" + room, room));
        assertThat(r).as("join " + room).isInstanceOf(ServerMessage.Joined.class);
        return (ServerMessage.Joined) r;
    }

    /** Sends {@code n} says with ids (pipelined) and returns how many were acknowledged. */
    private static int sayMany(ChatClient c, String room, String nick, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            c.send(new ClientMessage.Say(nick + "-" + i, room, nick + " " + i));
        }
        int ok = 0;
        for (int i = 0; i < n; i++) {
            String id = nick + "-" + i;
            ServerMessage r = c.await(m -> id.equals(m.id()), ChatClient.TIMEOUT);
            if (r instanceof ServerMessage.Ok) {
                ok++;
            }
        }
        return ok;
    }

    /** One client saying numbered messages at a steady pace, remembering which were sent after the kill. */
    private static final class Stream {
        private final ChatClient c;
        private final String tag;
        private final List<String> ids = new ArrayList<>();
        private int killIndex = Integer.MAX_VALUE;

        Stream(ChatClient c, String tag) {
            this.c = c;
            this.tag = tag;
        }

        synchronized void sayNext() {
            String id = tag + "-" + ids.size();
            ids.add(id);
            try {
                c.send(new ClientMessage.Say(id, "ha", "stream " + id));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        synchronized void markKill() {
            killIndex = ids.size();
        }

        /** Acknowledged says that were sent after the kill. */
        int ackedAfterKill() {
            Set<String> after;
            synchronized (this) {
                after = new HashSet<>(ids.subList(Math.min(killIndex, ids.size()), ids.size()));
            }
            return (int) c.received().stream().filter(m -> m instanceof ServerMessage.Ok && after.contains(m.id())).count();
        }

        /** Waits for the answer to every say and returns the texts that got {@code ok}. */
        Set<String> ackedTexts() throws Exception {
            List<String> all;
            synchronized (this) {
                all = new ArrayList<>(ids);
            }
            Set<String> acked = new HashSet<>();
            for (String id : all) {
                ServerMessage r = c.await(m -> id.equals(m.id()), ChatClient.TIMEOUT);
                if (r instanceof ServerMessage.Ok) {
                    acked.add("stream " + id);
                }
            }
            return acked;
        }
    }

    private static List<ChatMessage> fullHistory(ChatClient c, String room) throws Exception {
        return historyAfter(c, room, 0);
    }

    private static List<ChatMessage> historyAfter(ChatClient c, String room, long afterSeq) throws Exception {
        List<ChatMessage> all = new ArrayList<>();
        long after = afterSeq;
        for (int page = 0; ; page++) {
            ServerMessage.HistoryReply h = (ServerMessage.HistoryReply) c.request(
                    new ClientMessage.History("page-" + page + "-" + after, room, after, 500));
            if (h.messages().isEmpty()) {
                return all;
            }
            all.addAll(h.messages());
            after = last(h.messages()).seq();
        }
    }

    private static ChatMessage last(List<ChatMessage> list) {
        return list.get(list.size() - 1);
    }
}
