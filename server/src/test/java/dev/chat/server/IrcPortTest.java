package dev.chat.server;

import static dev.chat.testsupport.IrcClient.numeric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.IrcClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The IRC port ({@code --irc-port}) on real sockets: raw IRC clients (CR LF lines) and framed
 * clients on the same server, one chat. docs/IRC.md.
 */
@Timeout(120)
class IrcPortTest {
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private ServerFixture fx;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private ServerFixture start() throws Exception {
        return start(ServerConfig.forTests());
    }

    private ServerFixture start(ServerConfig config) throws Exception {
        fx = ServerFixture.start(config);
        return fx;
    }

    private int ircPort() {
        return fx.server.port("irc");
    }

    private static String unique(String name) {
        return name + UNIQUE.incrementAndGet();
    }

    private IrcClient irc(String nick) throws IOException {
        IrcClient c = IrcClient.registered(ircPort(), nick);
        clients.add(c);
        return c;
    }

    private IrcClient ircConnected(String name) throws IOException {
        IrcClient c = IrcClient.connect(ircPort(), name);
        clients.add(c);
        return c;
    }

    private ChatClient framed(String nick) throws IOException {
        ChatClient c = ChatClient.registered(fx.port(), nick);
        clients.add(c);
        return c;
    }

    private static void join(ChatClient c, String room) throws IOException {
        assertThat(c.request(id -> new ClientMessage.Join(id, room))).isInstanceOf(ServerMessage.Joined.class);
    }

    private static void joinIrc(IrcClient c, String nick, String room) throws IOException {
        c.send("JOIN #" + room);
        c.awaitLine(l -> l.equals(":" + nick + "!" + nick + "@chat JOIN #" + room)
                || l.endsWith(" :" + nick + "!" + nick + "@chat JOIN #" + room)); // with tags (server-time)
        c.awaitNumeric("366");
    }

    @Test
    void theIrcPortIsInTheReadyLineAndRegistrationGivesTheWelcomeBurstWithIsupport() throws Exception {
        start();
        assertThat(fx.server.readyLine()).endsWith(" irc=127.0.0.1:" + ircPort());
        assertThat(ircPort()).isPositive().isNotEqualTo(fx.port());
        IrcClient c = ircConnected("reg");
        c.send("CAP LS 302");
        assertThat(c.awaitLine(l -> l.contains(" CAP * LS "))).contains("server-time", "echo-message");
        c.send("NICK alice");
        c.send("USER alice 0 * :Alice Example");
        c.send("CAP END");
        List<String> burst = c.awaitLines(l -> numeric(l, "376") || numeric(l, "422"));
        for (String code : List.of("001", "002", "003", "004", "005")) {
            assertThat(burst).as("numeric " + code).anyMatch(l -> numeric(l, code));
        }
        assertThat(burst.stream().filter(l -> numeric(l, "001")).findFirst().orElseThrow())
                .contains(" 001 alice ").contains("alice!alice@chat");
        String isupport = String.join(" ", burst.stream().filter(l -> numeric(l, "005")).toList());
        assertThat(isupport).contains("CASEMAPPING=ascii", "CHANTYPES=#", "NICKLEN=32", "CHANNELLEN=65",
                "CHANLIMIT=#:" + ServerConfig.DEFAULT_MAX_ROOMS_PER_SESSION, "TOPICLEN=", "NETWORK=chat");
        c.send("PING :are-you-there");
        assertThat(c.awaitLine(l -> l.contains(" PONG "))).endsWith(":are-you-there");
    }

    @Test
    void aRoomIsAChannelBothWays() throws Exception {
        start();
        String room = unique("room");
        String alice = unique("alice");
        String bob = unique("bob");
        ChatClient framedBob = framed(bob);
        join(framedBob, room);
        IrcClient ircAlice = irc(alice);
        ircAlice.send("JOIN #" + room);
        ircAlice.awaitLine(l -> l.equals(":" + alice + "!" + alice + "@chat JOIN #" + room));
        String names = ircAlice.awaitNumeric("353");
        assertThat(names).contains("#" + room).contains(alice).contains(bob);
        ircAlice.awaitNumeric("366");
        Member joined = framedBob.await(Member.class, m -> m.nick().equals(alice));
        assertThat(joined.event()).isEqualTo(Member.JOIN);
        assertThat(joined.room()).isEqualTo(room);

        framedBob.send(new ClientMessage.Say("s1", room, "hello from the framed side"));
        assertThat(ircAlice.awaitLine(l -> l.contains("PRIVMSG")))
                .isEqualTo(":" + bob + "!" + bob + "@chat PRIVMSG #" + room + " :hello from the framed side");

        ircAlice.send("PRIVMSG #" + room + " :hello from irc, ünïcödé");
        ChatMessage m = framedBob.await(ChatMessage.class, x -> x.from().equals(alice));
        assertThat(m.room()).isEqualTo(room);
        assertThat(m.text()).isEqualTo("hello from irc, ünïcödé");
        assertThat(m.seq()).isEqualTo(2L);
        assertThat(fx.server.metrics().messagesDelivered.sum()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void directMessagesBothWays() throws Exception {
        start();
        String alice = unique("alice");
        String bob = unique("bob");
        ChatClient framedBob = framed(bob);
        IrcClient ircAlice = irc(alice);
        ircAlice.send("PRIVMSG " + bob + " :psst");
        ChatMessage dm = framedBob.await(ChatMessage.class, x -> x.from().equals(alice));
        assertThat(dm.isDirect()).isTrue();
        assertThat(dm.text()).isEqualTo("psst");
        framedBob.send(new ClientMessage.Dm("d1", alice, "psst back"));
        assertThat(ircAlice.awaitLine(l -> l.contains("PRIVMSG")))
                .isEqualTo(":" + bob + "!" + bob + "@chat PRIVMSG " + alice + " :psst back");
        // IRC to IRC
        String carol = unique("carol");
        IrcClient ircCarol = irc(carol);
        ircCarol.send("PRIVMSG " + alice + " :from carol");
        assertThat(ircAlice.awaitLine(l -> l.contains("PRIVMSG")))
                .isEqualTo(":" + carol + "!" + carol + "@chat PRIVMSG " + alice + " :from carol");
    }

    @Test
    void joinPartNickAndQuitAreSeenAcrossBothTransports() throws Exception {
        start();
        String room = unique("r");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        ChatClient framedBob = framed(bob);
        join(framedBob, room);
        IrcClient ircAlice = irc(alice);
        joinIrc(ircAlice, alice, room);
        framedBob.await(Member.class, m -> m.nick().equals(alice) && m.event().equals(Member.JOIN));

        // a framed user joins, renames, parts: the IRC user sees each with nick!user@host
        ChatClient framedCarol = framed(carol);
        join(framedCarol, room);
        ircAlice.awaitLine(l -> l.equals(":" + carol + "!" + carol + "@chat JOIN #" + room));
        String carol2 = carol + "x";
        assertThat(framedCarol.request(id -> new ClientMessage.Nick(id, carol2))).isInstanceOf(ServerMessage.Ok.class);
        ircAlice.awaitLine(l -> l.equals(":" + carol + "!" + carol + "@chat NICK " + carol2)
                || l.equals(":" + carol + "!" + carol + "@chat NICK :" + carol2));
        assertThat(framedCarol.request(id -> new ClientMessage.Part(id, room, "off to lunch")))
                .isInstanceOf(ServerMessage.Parted.class);
        assertThat(ircAlice.awaitLine(l -> l.contains(" PART ")))
                .isEqualTo(":" + carol2 + "!" + carol2 + "@chat PART #" + room + " :off to lunch");

        // the IRC user renames: the framed user sees a nick event with the old nick
        String alice2 = alice + "x";
        ircAlice.send("NICK " + alice2);
        ircAlice.awaitLine(l -> l.startsWith(":" + alice + "!" + alice + "@chat NICK"));
        Member renamed = framedBob.await(Member.class, m -> m.event().equals(Member.NICK) && alice.equals(m.old()));
        assertThat(renamed.nick()).isEqualTo(alice2);

        // the IRC user parts and joins again, then quits
        ircAlice.send("PART #" + room + " :brb");
        ircAlice.awaitLine(l -> l.startsWith(":" + alice2 + "!" + alice2 + "@chat PART #" + room));
        Member parted = framedBob.await(Member.class, m -> m.event().equals(Member.PART) && m.nick().equals(alice2));
        assertThat(parted.room()).isEqualTo(room);
        assertThat(parted.reason()).isEqualTo("brb");
        joinIrc(ircAlice, alice2, room);
        framedBob.await(Member.class, m -> m.event().equals(Member.JOIN) && m.nick().equals(alice2));
        ircAlice.send("QUIT :gone fishing");
        assertThat(ircAlice.awaitLine(l -> l.startsWith("ERROR "))).contains("gone fishing");
        assertThat(ircAlice.awaitClose()).isTrue();
        Member quit = framedBob.await(Member.class, m -> m.event().equals(Member.QUIT) && m.nick().equals(alice2));
        assertThat(quit.reason()).isEqualTo("gone fishing");

        // a framed user quits: an IRC member sees QUIT
        String dave = unique("dave");
        IrcClient ircDave = irc(dave);
        joinIrc(ircDave, dave, room);
        framedBob.send(new ClientMessage.Quit(null, "bye all"));
        assertThat(ircDave.awaitLine(l -> l.contains(" QUIT")))
                .isEqualTo(":" + bob + "!" + bob + "@chat QUIT :Quit: bye all");
    }

    @Test
    void errorsGetTheirNumerics() throws Exception {
        start();
        IrcClient early = ircConnected("early");
        early.send("JOIN #x");
        assertThat(early.awaitLine(l -> numeric(l, "451"))).containsIgnoringCase("not registered");
        early.send("FROBNICATE now");
        assertThat(early.awaitLine(l -> numeric(l, "421"))).contains("FROBNICATE");

        String taken = unique("taken");
        framed(taken);
        IrcClient clash = ircConnected("clash");
        clash.send("NICK " + taken.toUpperCase());
        clash.send("USER u 0 * :U");
        assertThat(clash.awaitLine(l -> numeric(l, "433"))).contains(taken.toUpperCase());
        String ok = unique("ok");
        clash.send("NICK " + ok); // a second try registers
        clash.awaitNumeric("001");
        clash.awaitLine(l -> numeric(l, "376") || numeric(l, "422"));

        clash.send("JOIN");
        assertThat(clash.awaitLine(l -> numeric(l, "461"))).contains("JOIN");
        clash.send("PRIVMSG nobody-here :hi");
        assertThat(clash.awaitLine(l -> numeric(l, "401"))).contains("nobody-here");
        clash.send("JOIN #no*such");
        assertThat(clash.awaitLine(l -> numeric(l, "403"))).contains("#no*such");
        clash.send("PRIVMSG #notjoined :hi");
        assertThat(clash.awaitLine(l -> numeric(l, "404"))).contains("#notjoined");
        clash.send("NICK [bad]");
        assertThat(clash.awaitLine(l -> numeric(l, "432"))).contains("[bad]");
        clash.send("USER again 0 * :A");
        clash.awaitNumeric("462");
        // the connection still works
        clash.send("PING :still");
        clash.awaitLine(l -> l.contains(" PONG ") && l.endsWith(":still"));
    }

    @Test
    void overlongLinesBadBytesAndAFloodAreAnsweredAndTheServerStaysUp() throws Exception {
        start(ServerConfig.forTests().toBuilder().rateLimit(5).rateBurst(5).build());
        String room = unique("flood");
        String alice = unique("alice");
        IrcClient c = irc(alice);
        joinIrc(c, alice, room);
        // 10,000 bytes without a line end, then the end: one 417, and the next line is served
        byte[] longLine = ("PRIVMSG #" + room + " :" + "x".repeat(10_000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        c.sendRaw(longLine);
        c.awaitNumeric("417");
        c.sendRaw(new byte[] {'P', 'I', 'N', 'G', ' ', 0, 'x', '\r', '\n'});
        assertThat(c.awaitNumeric("400")).contains("NUL");
        c.sendRaw(new byte[] {'P', 'I', 'N', 'G', ' ', (byte) 0xC3, (byte) 0x28, '\r', '\n'});
        assertThat(c.awaitLine(l -> l.contains(" FAIL "))).contains("INVALID_UTF8");
        c.send("PING :after-garbage");
        c.awaitLine(l -> l.endsWith(":after-garbage"));

        // a flood: over the rate limit, messages are refused with 404 (not dropped silently), never a close
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            flood.append("PRIVMSG #").append(room).append(" :flood ").append(i).append("\r\n");
        }
        flood.append("PING :after-flood\r\n");
        c.sendRaw(flood.toString().getBytes(StandardCharsets.US_ASCII));
        List<String> answers = c.awaitLines(l -> l.endsWith(":after-flood"));
        assertThat(answers).anyMatch(l -> numeric(l, "404") && l.contains("faster"));

        // the server is healthy: a new client registers and talks
        String bob = unique("bob");
        ChatClient framedBob = framed(bob);
        join(framedBob, room);
        IrcClient other = irc(unique("carol"));
        other.send("PING :alive");
        other.awaitLine(l -> l.endsWith(":alive"));
        assertThat(fx.server.metrics().connections.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void silentClientsArePingedThenClosedAndUnregisteredOnesTimeOut() throws Exception {
        start(ServerConfig.forTests().toBuilder().heartbeat(Duration.ofMillis(400))
                .helloTimeout(Duration.ofMillis(600)).build());
        IrcClient silent = ircConnected("silent");
        assertThat(silent.awaitLine(l -> l.startsWith("ERROR "))).contains("Closing link");
        assertThat(silent.awaitClose()).isTrue();

        String alice = unique("alice");
        IrcClient c = irc(alice);
        String ping = c.awaitLine(l -> l.startsWith("PING ") || l.contains(" PING "));
        c.send("PONG " + ping.substring(ping.indexOf("PING ") + 5));
        // answered: still open; the next ping comes, and this time it is not answered
        c.awaitLine(l -> l.startsWith("PING ") || l.contains(" PING "));
        assertThat(c.awaitLine(l -> l.startsWith("ERROR "))).contains("silent");
        assertThat(c.awaitClose()).isTrue();
    }

    @Test
    void theConnectionLimitCountsBothTransports() throws Exception {
        start(ServerConfig.forTests().toBuilder().maxConnections(1).build());
        framed(unique("only"));
        IrcClient refused = ircConnected("refused");
        assertThat(refused.awaitLine(l -> l.startsWith("ERROR "))).startsWith("ERROR :Closing link: ");
        assertThat(refused.awaitClose()).isTrue();
        assertThat(fx.server.metrics().render()).contains("chat_errors_total{code=\"server_full\"} 1");
    }

    @Test
    void framedBytesAtTheIrcPortGetOneLineNamingTheFramedPort() throws Exception {
        start();
        IrcClient c = ircConnected("framed");
        c.sendRaw(dev.chat.protocol.MessageCodec.encodeFrame(new ClientMessage.Hello(1L, "x")));
        assertThat(c.awaitLine(l -> l.startsWith("ERROR ")))
                .contains("IRC port (" + ircPort() + ")").contains("port " + fx.port());
        assertThat(c.awaitClose()).isTrue();
    }

    @Test
    void serverStopSaysErrorToIrcClients() throws Exception {
        start();
        IrcClient c = irc(unique("alice"));
        fx.close();
        fx = null;
        assertThat(c.awaitLine(l -> l.startsWith("ERROR "))).isEqualTo("ERROR :Closing link: server shutting down");
        assertThat(c.awaitClose()).isTrue();
    }

    /**
     * An IRC client that reads slower than its room: dropped as a slow consumer without slowing
     * the sender, and what it reads to the end of the stream is whole lines, the last of them the
     * {@code ERROR}. Its JOIN, sent before the welcome, was held and served after it.
     */
    @Test
    void aSlowIrcReaderIsClosedAsASlowConsumerWithWholeLinesAndErrorLast() throws Exception {
        start(ServerConfig.forTests().toBuilder().rateLimit(0).maxBacklog(64 * 1024).build());
        String room = unique("busy");
        String fastNick = unique("fast");
        try (java.net.Socket slow = new java.net.Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", ircPort()), 10_000);
            slow.getOutputStream().write(("NICK slowpoke\r\nUSER s 0 * :S\r\nJOIN #" + room + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ChatClient fast = framed(fastNick);
            join(fast, room);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    ((ServerMessage.WhoReply) fast.request(id -> new ClientMessage.Who(id, room))).members()
                            .contains("slowpoke"));
            fast.drainInBackground();
            var metrics = fx.server.metrics();
            String text = "z".repeat(400); // fits one IRC line: each PRIVMSG received must be whole
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 1_000_000 && metrics.slowConsumersClosed.sum() == 0; i++) {
                        fast.send(new ClientMessage.Say(null, room, text));
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "room-writer");
            writer.setDaemon(true);
            writer.start();
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            java.io.InputStream in = slow.getInputStream();
            slow.setSoTimeout(60_000);
            byte[] buf = new byte[1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
                java.util.concurrent.locks.LockSupport.parkNanos(4_000_000); // pacing a slow reader, not waiting for an event
            }
            writer.join(30_000);
            assertThat(metrics.slowConsumersClosed.sum()).isEqualTo(1);
            String stream = all.toString(StandardCharsets.UTF_8);
            assertThat(stream).as("ends with a whole line").endsWith("\r\n");
            List<String> lines = List.of(stream.split("\r\n"));
            assertThat(lines).anyMatch(l -> l.equals(":slowpoke!slowpoke@chat JOIN #" + room));
            assertThat(lines.stream().filter(l -> l.startsWith(":" + fastNick + "!") && l.contains(" PRIVMSG ")))
                    .hasSizeGreaterThan(2)
                    .allMatch(l -> l.equals(":" + fastNick + "!" + fastNick + "@chat PRIVMSG #" + room + " :" + text));
            assertThat(lines.get(lines.size() - 1)).startsWith("ERROR :Closing link: ");
            // the server goes on: the room no longer has the slow reader, and the sender is still in it
            ChatClient probe = framed(unique("probe"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    ((ServerMessage.WhoReply) probe.request(id -> new ClientMessage.Who(id, room))).members()
                            .equals(List.of(fastNick)));
        }
    }

    /** Registers with capabilities asked for before the welcome. */
    private IrcClient ircWithCaps(String nick, String caps) throws IOException {
        IrcClient c = ircConnected(nick);
        c.send("CAP LS 302");
        c.send("NICK " + nick);
        c.send("USER " + nick + " 0 * :" + nick + " Example");
        c.send("CAP REQ :" + caps);
        assertThat(c.awaitLine(l -> l.contains(" CAP * ACK ") || l.contains(" CAP * NAK "))).contains(" ACK ");
        c.send("CAP END");
        c.awaitLine(l -> numeric(l, "376") || numeric(l, "422"));
        return c;
    }

    /** Sends PING and returns every line up to its PONG: what the server said in between. */
    private static List<String> untilPong(IrcClient c, String token) throws IOException {
        c.send("PING :" + token);
        return c.awaitLines(l -> l.contains(" PONG ") && l.endsWith(":" + token));
    }

    @Test
    void aRoomMessageReachesEachMemberInItsOwnRenderingAndTheSenderAsItsEcho() throws Exception {
        start();
        String room = unique("fan");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        String dave = unique("dave");
        IrcClient a = ircWithCaps(alice, "echo-message message-tags server-time");
        IrcClient b = irc(bob);
        IrcClient c = ircWithCaps(carol, "server-time");
        ChatClient d = framed(dave);
        joinIrc(a, alice, room);
        joinIrc(b, bob, room);
        joinIrc(c, carol, room);
        join(d, room);
        a.send("PRIVMSG #" + room + " :one render per kind");
        String tail = " PRIVMSG #" + room + " :one render per kind";
        String echo = a.awaitLine(l -> l.endsWith(tail));
        assertThat(echo).matches("@(time=[^;]+;msgid=" + room + ":1|msgid=" + room + ":1;time=[^;]+) :" + alice + "!"
                + alice + "@chat" + tail);
        assertThat(b.awaitLine(l -> l.endsWith(tail))).isEqualTo(":" + alice + "!" + alice + "@chat" + tail);
        assertThat(c.awaitLine(l -> l.endsWith(tail))).matches("@time=\\S+ :" + alice + "!" + alice + "@chat" + tail);
        assertThat(d.await(ChatMessage.class, m -> m.from().equals(alice)).text()).isEqualTo("one render per kind");
        // from the framed side: every IRC member gets it, none as an echo
        d.send(new ClientMessage.Say("s1", room, "from dave"));
        String tail2 = " PRIVMSG #" + room + " :from dave";
        assertThat(a.awaitLine(l -> l.endsWith(tail2))).contains("msgid=" + room + ":2").contains(":" + dave + "!");
        assertThat(b.awaitLine(l -> l.endsWith(tail2))).isEqualTo(":" + dave + "!" + dave + "@chat" + tail2);
        assertThat(c.awaitLine(l -> l.endsWith(tail2))).startsWith("@time=").doesNotContain("msgid");
        // bob never got alice's or dave's message twice
        assertThat(untilPong(b, "done")).noneMatch(l -> l.contains(" PRIVMSG "));
    }

    @Test
    void whoisAndWhoKnowOtherUsersOfEveryTransport() throws Exception {
        start();
        String room = unique("who");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        ChatClient framedBob = framed(bob);
        join(framedBob, room);
        IrcClient ircCarol = irc(carol);
        joinIrc(ircCarol, carol, room);
        IrcClient a = irc(alice);

        a.send("WHOIS " + bob);
        List<String> whois = a.awaitLines(l -> numeric(l, "318"));
        assertThat(whois).anyMatch(l -> l.endsWith(" 311 " + alice + " " + bob + " " + bob + " chat * :" + bob));
        assertThat(whois).anyMatch(l -> l.endsWith(" 319 " + alice + " " + bob + " :#" + room));
        assertThat(whois).anyMatch(l -> numeric(l, "312") && l.contains(" 312 " + alice + " " + bob + " "));
        assertThat(whois).noneMatch(l -> numeric(l, "401") || numeric(l, "301"));

        a.send("WHOIS " + carol.toUpperCase());
        whois = a.awaitLines(l -> numeric(l, "318"));
        assertThat(whois).anyMatch(l -> l.endsWith(" 311 " + alice + " " + carol + " " + carol + " chat * :" + carol
                + " Example"));
        assertThat(whois).anyMatch(l -> l.endsWith(" 319 " + alice + " " + carol + " :#" + room));

        String nobody = unique("nobody");
        a.send("WHOIS " + nobody);
        assertThat(a.awaitLines(l -> numeric(l, "318"))).anyMatch(l -> numeric(l, "401") && l.contains(" " + nobody + " "));
        a.send("WHOIS");
        assertThat(a.awaitLine(l -> numeric(l, "461") || numeric(l, "431"))).contains("WHOIS");

        a.send("WHO " + carol);
        List<String> who = a.awaitLines(l -> numeric(l, "315"));
        assertThat(who).anyMatch(l -> l.contains(" 352 " + alice + " * " + carol + " chat ") && l.contains(" " + carol
                + " H :0 " + carol + " Example"));
        a.send("WHO " + nobody);
        assertThat(a.awaitLines(l -> numeric(l, "315"))).noneMatch(l -> numeric(l, "352"));
        a.send("WHO #" + room);
        who = a.awaitLines(l -> numeric(l, "315"));
        assertThat(who.stream().filter(l -> numeric(l, "352"))).hasSize(2)
                .anyMatch(l -> l.contains(" " + bob + " H :0 " + bob)).anyMatch(l -> l.contains(" " + carol + " H :0 "));

        a.send("ISON " + bob + " " + nobody + " " + carol);
        assertThat(a.awaitNumeric("303")).endsWith(":" + bob + " " + carol);
        a.send("USERHOST " + bob);
        assertThat(a.awaitNumeric("302")).endsWith(":" + bob + "=+" + bob + "@chat");
        // a user who left is gone from the lookups
        ircCarol.send("QUIT :bye");
        ircCarol.awaitClose();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            a.send("WHOIS " + carol);
            assertThat(a.awaitLines(l -> numeric(l, "318"))).anyMatch(l -> numeric(l, "401"));
        });
    }

    @Test
    void awayIsShownToOthersWith301WhoisWhoAndAwayNotify() throws Exception {
        start();
        String room = unique("away");
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        IrcClient a = irc(alice);
        IrcClient b = irc(bob);
        IrcClient c = ircWithCaps(carol, "away-notify");
        joinIrc(a, alice, room);
        joinIrc(b, bob, room);
        joinIrc(c, carol, room);

        a.send("AWAY :gone for lunch");
        assertThat(a.awaitNumeric("306")).endsWith(":You have been marked as being away");
        assertThat(c.awaitLine(l -> l.contains(" AWAY"))).isEqualTo(":" + alice + "!" + alice + "@chat AWAY :gone for lunch");
        b.send("PRIVMSG " + alice + " :are you there?");
        assertThat(b.awaitNumeric("301")).endsWith(" 301 " + bob + " " + alice + " :gone for lunch");
        assertThat(a.awaitLine(l -> l.contains(" PRIVMSG "))).endsWith(" PRIVMSG " + alice + " :are you there?");
        b.send("WHOIS " + alice);
        assertThat(b.awaitLines(l -> numeric(l, "318"))).anyMatch(l -> l.endsWith(" 301 " + bob + " " + alice
                + " :gone for lunch"));
        b.send("WHO #" + room);
        assertThat(b.awaitLines(l -> numeric(l, "315"))).anyMatch(l -> numeric(l, "352") && l.contains(" " + alice
                + " G :0 "));
        b.send("USERHOST " + alice);
        assertThat(b.awaitNumeric("302")).endsWith(":" + alice + "=-" + alice + "@chat");
        // bob did not ask for away-notify: no AWAY line
        assertThat(untilPong(b, "b1")).noneMatch(l -> l.contains(" AWAY"));

        a.send("AWAY");
        assertThat(a.awaitNumeric("305")).endsWith(":You are no longer marked as being away");
        assertThat(c.awaitLine(l -> l.contains(" AWAY"))).isEqualTo(":" + alice + "!" + alice + "@chat AWAY");
        b.send("PRIVMSG " + alice + " :back?");
        assertThat(untilPong(b, "b2")).noneMatch(l -> numeric(l, "301"));
        // the away message follows a nick change
        a.send("AWAY :still out");
        a.awaitNumeric("306");
        String alice2 = unique("alice");
        a.send("NICK " + alice2);
        a.awaitLine(l -> l.endsWith(" NICK " + alice2));
        b.send("PRIVMSG " + alice2 + " :hi");
        assertThat(b.awaitNumeric("301")).endsWith(" " + alice2 + " :still out");
        b.send("PRIVMSG " + alice + " :old nick");
        assertThat(b.awaitLine(l -> numeric(l, "401") || numeric(l, "301"))).matches(l -> numeric(l, "401"), "401");
    }
}
