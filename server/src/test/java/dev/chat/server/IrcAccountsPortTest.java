package dev.chat.server;

import static dev.chat.testsupport.IrcClient.numeric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.accounts.LoginThrottle;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.IrcClient;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Accounts on the IRC port, real sockets: SASL {@code PLAIN} and {@code PASS} log in to accounts
 * made over the framed protocol, with the framed protocol's rules (passwords only over TLS or
 * loopback, the login throttle, {@code --require-account}); account-tag and extended-join show
 * who is logged in. docs/IRC.md, "Accounts".
 */
@Timeout(120)
class IrcAccountsPortTest {
    private static final String PASSWORD = "correct horse";
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

    private static String plain(String authcid, String password) {
        return Base64.getEncoder().encodeToString(("\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Registers {@code nick}'s account over the framed protocol (from loopback), then leaves its nick free. */
    private ChatClient account(String nick, String nowNick) throws IOException {
        ChatClient f = ChatClient.connect(fx.port());
        clients.add(f);
        assertThat(f.request(id -> new ClientMessage.Register(id, nick, PASSWORD))).isInstanceOf(ServerMessage.Welcome.class);
        assertThat(f.request(id -> new ClientMessage.Nick(id, nowNick))).isInstanceOf(ServerMessage.Ok.class);
        return f;
    }

    private IrcClient irc(String host, String name) throws IOException {
        IrcClient c = IrcClient.connect(host, fx.server.port("irc"), name);
        clients.add(c);
        return c;
    }

    /** CAP negotiation with {@code caps} and sasl, NICK, USER, then {@code AUTHENTICATE PLAIN}. */
    private static void startSasl(IrcClient c, String nick, String caps) throws IOException {
        c.send("CAP LS 302");
        assertThat(c.awaitLine(l -> l.contains(" CAP * LS "))).contains(" sasl=PLAIN");
        c.send("CAP REQ :" + caps + " sasl");
        c.awaitLine(l -> l.contains(" CAP * ACK "));
        c.send("NICK " + nick);
        c.send("USER " + nick + " 0 * :Real " + nick);
        c.send("AUTHENTICATE PLAIN");
        assertThat(c.awaitLine(l -> l.startsWith("AUTHENTICATE"))).isEqualTo("AUTHENTICATE +");
    }

    @Test
    void saslLogsAnIrcClientInToAFramedAccountAndOthersSeeItsAccount() throws Exception {
        fx = ServerFixture.start();
        ChatClient framed = account("alice", "alice-desk");
        assertThat(framed.request(id -> new ClientMessage.Join(id, "room"))).isInstanceOf(ServerMessage.Joined.class);

        IrcClient watcher = IrcClient.registered(fx.server.port("irc"), "bob");
        clients.add(watcher);
        watcher.send("CAP REQ :account-tag extended-join account-notify");
        watcher.awaitLine(l -> l.contains(" CAP bob ACK "));
        watcher.send("JOIN #room");
        watcher.awaitNumeric("366");

        IrcClient alice = irc("127.0.0.1", "alice");
        startSasl(alice, "somenick", "account-tag");
        alice.send("AUTHENTICATE " + plain("alice", PASSWORD));
        assertThat(alice.awaitNumeric("900")).endsWith(" alice :You are now logged in as alice");
        alice.awaitNumeric("903");
        alice.send("CAP END");
        assertThat(alice.awaitNumeric("001")).contains(" 001 alice ");
        alice.send("JOIN #room");
        alice.awaitNumeric("366");

        // extended-join and account-tag: the IRC user's account, and the framed user's
        assertThat(watcher.awaitLine(l -> l.contains(" JOIN #room"))).startsWith("@account=alice :alice!")
                .endsWith(" JOIN #room alice :Real somenick");
        framed.request(id -> new ClientMessage.Say(id, "room", "from the desk", false));
        assertThat(watcher.awaitLine(l -> l.contains("from the desk"))).startsWith("@account=alice :alice-desk!");
        assertThat(alice.awaitLine(l -> l.contains("from the desk"))).startsWith("@account=alice :alice-desk!");
        watcher.send("WHOIS alice");
        assertThat(watcher.awaitLines(l -> numeric(l, "318"))).anyMatch(l -> l.contains(" 330 bob alice alice :"));
        // the framed user logs out (deletes its account): account-notify
        assertThat(framed.request(id -> new ClientMessage.Unregister(id, PASSWORD))).isInstanceOf(ServerMessage.Ok.class);
        assertThat(watcher.awaitLine(l -> l.contains(" ACCOUNT "))).endsWith(" ACCOUNT *").contains("alice-desk!");
    }

    @Test
    void saslAfterRegistrationTakesTheAccountsNickAndLinesSentMeanwhileWaitForIt() throws Exception {
        fx = ServerFixture.start();
        account("gina", "gina-desk");
        IrcClient c = IrcClient.registered(fx.server.port("irc"), "guest9");
        clients.add(c);
        c.send("CAP REQ sasl");
        c.awaitLine(l -> l.contains(" CAP guest9 ACK "));
        c.send("AUTHENTICATE PLAIN");
        c.awaitLine(l -> l.equals("AUTHENTICATE +"));
        // the JOIN right behind the credentials is served once the login is answered, as gina
        c.sendRaw(("AUTHENTICATE " + plain("gina", PASSWORD) + "\r\nJOIN #after\r\n").getBytes(StandardCharsets.UTF_8));
        List<String> lines = c.awaitLines(l -> l.contains(" JOIN #after"));
        assertThat(lines).containsSubsequence(":guest9!guest9@chat NICK gina",
                ":test 900 gina gina!gina@chat gina :You are now logged in as gina",
                ":test 903 gina :SASL authentication successful", ":gina!gina@chat JOIN #after");
    }

    @Test
    void passIsTheNicksAccountPasswordAndAGuestGets433ForAnAccountsNick() throws Exception {
        fx = ServerFixture.start();
        account("carol", "carol-away");
        IrcClient guest = irc("127.0.0.1", "guest");
        guest.send("NICK carol");
        guest.send("USER g 0 * :G");
        assertThat(guest.awaitNumeric("433")).contains(" 433 * carol :Nickname is reserved by a different account");
        IrcClient withPass = irc("127.0.0.1", "pass");
        withPass.send("PASS :" + PASSWORD);
        withPass.send("NICK carol");
        withPass.send("USER c 0 * :C");
        assertThat(withPass.awaitNumeric("900")).contains(" carol :You are now logged in as carol");
        assertThat(withPass.awaitNumeric("001")).contains(" 001 carol ");
    }

    @Test
    void aPasswordFromAnotherMachineOverPlaintextIsRefusedUnlessAllowed() throws Exception {
        InetAddress lan = lanAddress();
        Assumptions.assumeTrue(lan != null, "no non-loopback IPv4 address on this machine");
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().host("0.0.0.0").build());
        account("dave", "dave-away");
        IrcClient c = irc(lan.getHostAddress(), "lan");
        startSasl(c, "dave", "server-time");
        c.send("AUTHENTICATE " + plain("dave", PASSWORD));
        assertThat(c.awaitNumeric("904")).contains("SASL authentication failed: passwords are only accepted over TLS");
        IrcClient pass = irc(lan.getHostAddress(), "lan-pass");
        pass.send("PASS :" + PASSWORD);
        pass.send("NICK dave");
        pass.send("USER d 0 * :D");
        assertThat(pass.awaitNumeric("464")).contains("passwords are only accepted over TLS");
        fx.close();

        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().host("0.0.0.0").allowPlaintextPasswords(true).build());
        account("dave", "dave-away");
        IrcClient allowed = irc(lan.getHostAddress(), "lan-allowed");
        startSasl(allowed, "dave", "server-time");
        allowed.send("AUTHENTICATE " + plain("dave", PASSWORD));
        allowed.awaitNumeric("903");
    }

    @Test
    void requireAccountClosesAnIrcGuestAndWrongPasswordsAreThrottledAsFramedLogins() throws Exception {
        fx = ServerFixture.start(ServerConfig.forTests().toBuilder().requireAccount(true).build());
        IrcClient guest = irc("127.0.0.1", "guest");
        guest.send("NICK eve");
        guest.send("USER e 0 * :E");
        assertThat(guest.awaitLine(l -> l.contains(" FAIL "))).contains(" FAIL * ACCOUNT_REQUIRED :This server requires"
                + " an account: log in with SASL");
        assertThat(guest.awaitLine(l -> l.startsWith("ERROR "))).startsWith("ERROR :Closing link: This server requires");
        assertThat(guest.awaitClose()).isTrue();

        ChatClient f = ChatClient.connect(fx.port());
        clients.add(f);
        assertThat(f.request(id -> new ClientMessage.Register(id, "frank", PASSWORD))).isInstanceOf(ServerMessage.Welcome.class);
        IrcClient c = irc("127.0.0.1", "frank");
        startSasl(c, "frank", "server-time");
        c.send("AUTHENTICATE " + plain("frank", PASSWORD)); // the account's nick is online
        assertThat(c.awaitNumeric("904")).endsWith(":SASL authentication failed: nick 'frank' is taken: the account"
                + " is in use by another session (log out there, or change its nick there)");
        assertThat(f.request(id -> new ClientMessage.Nick(id, "frank-away"))).isInstanceOf(ServerMessage.Ok.class);
        c.send("AUTHENTICATE PLAIN");
        c.awaitLine(l -> l.equals("AUTHENTICATE +"));
        long lastNanos = 0;
        for (int attempt = 1; attempt <= LoginThrottle.FREE_ATTEMPTS + 1; attempt++) {
            if (attempt > 1) {
                c.send("AUTHENTICATE PLAIN");
                c.awaitLine(l -> l.equals("AUTHENTICATE +"));
            }
            long t0 = System.nanoTime();
            c.send("AUTHENTICATE " + plain("frank", "wrong " + attempt));
            assertThat(c.awaitNumeric("904")).endsWith(":SASL authentication failed");
            lastNanos = System.nanoTime() - t0;
        }
        // the attempt after the free ones waited its turn, as a framed login does
        assertThat(lastNanos / 1_000_000).isGreaterThanOrEqualTo(LoginThrottle.FIRST_DELAY_MS - 50);
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
