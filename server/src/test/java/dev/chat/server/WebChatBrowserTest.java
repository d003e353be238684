package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The chat page in headless Chromium served by a real server (its own pages, {@code /ws} and
 * {@code /api/*}, behind {@link WebFixture}'s LAN): two browser users, alice and bob, each in a tab of their own
 * origin (127.0.0.1 and localhost, so their storage is apart), and carol on a raw framed TCP
 * socket like the terminal client. One browser for the whole class; the server restart comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebChatBrowserTest {
    private static WebFixture web;
    private static ChromeDriver browser;
    private static ChatPage alice;
    private static ChatPage bob;
    private final List<ChatClient> terminals = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Chromium.require();
        web = WebFixture.start(ServerConfig.forTests().toBuilder().rateLimit(0).build());
        browser = Chromium.start(Files.createTempDirectory("chat-web-chrome"), 1280, 900);
        alice = ChatPage.open(browser, web.url("127.0.0.1", "")).login("alice", "lobby");
        browser.switchTo().newWindow(WindowType.TAB);
        bob = ChatPage.open(browser, web.url("localhost", "")).login("bob", "lobby");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (web != null) {
            web.close();
        }
    }

    @AfterEach
    void noScriptErrorsAndClose() throws Exception {
        for (ChatClient t : terminals) {
            t.close();
        }
        for (ChatPage p : List.of(alice, bob)) {
            assertThat(Chromium.consoleErrors(p.focus().driver)).as("console errors (CSP violations, exceptions)").isEmpty();
        }
    }

    /** carol, on the framed TCP port, in {@code room}. */
    private ChatClient terminal(String nick, String room) throws Exception {
        ChatClient t = ChatClient.registered(web.server().tcpPort(), nick);
        terminals.add(t);
        assertThat(t.request(id -> new ClientMessage.Join(id, room))).isInstanceOf(ServerMessage.Joined.class);
        return t;
    }

    private static void say(ChatClient t, String room, String text) throws Exception {
        assertThat(t.request(id -> new ClientMessage.Say(id, room, text))).isInstanceOf(ServerMessage.Ok.class);
    }

    private static ServerMessage.ChatMessage awaitMessage(ChatClient t, String from, String text) throws Exception {
        return t.nextOf(ServerMessage.ChatMessage.class, m -> m.from().equals(from) && m.text().equals(text));
    }

    @Test
    @Order(1)
    void twoBrowserUsersAndATerminalUserTalkInOneRoom() throws Exception {
        ChatClient carol = terminal("carol", "lobby");
        alice.await("three members in #lobby", d -> d.findElements(By.cssSelector("#member-list li")).size() == 3);
        assertThat(alice.element("member-list").getText()).contains("alice", "bob", "carol");

        alice.type("hello from the browser, ça va? \uD83D\uDC4B");
        bob.awaitText("hello from the browser, ça va? \uD83D\uDC4B");
        ServerMessage.ChatMessage m = awaitMessage(carol, "alice", "hello from the browser, ça va? \uD83D\uDC4B");
        assertThat(m.room()).isEqualTo("lobby");

        say(carol, "lobby", "hello from the terminal");
        alice.awaitText("hello from the terminal");
        bob.awaitText("hello from the terminal");

        bob.type("bob here, alice: lunch?");
        awaitMessage(carol, "bob", "bob here, alice: lunch?");
        alice.awaitText("bob here, alice: lunch?");

        List<String> expected = List.of("hello from the browser, ça va? \uD83D\uDC4B", "hello from the terminal", "bob here, alice: lunch?");
        assertThat(alice.texts()).containsExactlyElementsOf(expected);
        assertThat(alice.senders()).containsExactly("alice", "carol", "bob");
        assertThat(bob.texts()).containsExactlyElementsOf(expected);
        // bob's line names alice: on her page it is a mention, highlighted
        assertThat(alice.script("return document.querySelector('#messages li.msg.mention mark').textContent")).isEqualTo("alice");
    }

    @Test
    @Order(2)
    void keyboardUpRecallsTheLastLineAndAltNumberSwitchesRooms() {
        alice.join("second");
        assertThat(alice.title()).isEqualTo("#second");
        new Actions(browser).keyDown(Keys.ALT).sendKeys("1").keyUp(Keys.ALT).perform();
        alice.await("Alt+1 shows #lobby", d -> alice.title().equals("#lobby"));
        new Actions(browser).keyDown(Keys.ALT).sendKeys("2").keyUp(Keys.ALT).perform();
        alice.await("Alt+2 shows #second", d -> alice.title().equals("#second"));

        alice.type("first try with a tpyo");
        alice.awaitText("first try with a tpyo");
        alice.element("input").sendKeys(Keys.ARROW_UP);
        assertThat(alice.element("input").getAttribute("value")).isEqualTo("first try with a tpyo");
        alice.element("input").clear();
        alice.type("/part");
        alice.await("#second left", d -> alice.title().equals("#lobby"));
    }

    @Test
    @Order(3)
    void aBrowserUserScrollsBackThroughTheHistoryPageByPage() throws Exception {
        ChatClient carol = terminal("carol", "archive");
        for (int i = 1; i <= 120; i++) {
            carol.send(new ClientMessage.Say(i == 120 ? "last" : null, "archive", "archive line " + i));
        }
        carol.nextOf(ServerMessage.Ok.class, ok -> "last".equals(ok.id()));

        alice.join("archive");
        alice.awaitText("archive line 120");
        assertThat(alice.texts()).as("the latest page").hasSize(50).startsWith("archive line 71");

        assertThat(alice.element("older").getText()).isEqualTo("Load older messages");
        alice.script("document.getElementById('log').scrollTop = 0"); // as a user scrolling up
        alice.await("a second page", d -> alice.texts().size() == 100);
        assertThat(alice.texts().get(0)).isEqualTo("archive line 21");
        alice.script("document.getElementById('log').scrollTop = 0");
        alice.await("the start of the history", d -> alice.texts().size() == 120 && alice.element("log-start").isDisplayed());
        assertThat(alice.element("older").isDisplayed()).isFalse();
        assertThat(alice.texts()).containsExactlyElementsOf(IntStream.rangeClosed(1, 120).mapToObj(i -> "archive line " + i).toList());
    }

    @Test
    @Order(4)
    void afterANetworkDropThePageShowsExactlyTheMissedMessagesOnce() throws Exception {
        ChatClient carol = terminal("carol", "resume");
        alice.join("resume");
        say(carol, "resume", "before the drop");
        alice.awaitText("before the drop");

        web.hold();
        web.dropBrowsers();
        alice.awaitOffline();
        assertThat(alice.element("banner").isDisplayed()).isTrue();
        say(carol, "resume", "missed 1");
        say(carol, "resume", "missed 2");
        alice.type("typed while offline");
        alice.await("the line waits", d -> alice.script("return document.querySelectorAll('#pending li').length").equals(1L));

        web.release();
        alice.awaitOnline();
        alice.awaitText("typed while offline");
        awaitMessage(carol, "alice", "typed while offline");
        say(carol, "resume", "after the drop");
        alice.awaitText("after the drop");
        assertThat(alice.texts()).containsExactly("before the drop", "missed 1", "missed 2", "typed while offline", "after the drop");
        assertThat(alice.script("return document.querySelectorAll('#pending li').length")).isEqualTo(0L);
        assertThat(carol.silentFor(java.time.Duration.ofMillis(500))).as("the offline line reached carol once").isTrue();
        bob.awaitOnline();
    }

    @Test
    @Order(5)
    void markupInTextsAndNicksIsShownAsTextAndRunsNothing() throws Exception {
        String hostile = "<img src=x onerror=alert(1)>";
        String hostile2 = "<script>alert(2)</script><b>bold?</b> & <a href=javascript:alert(3)>x</a>";
        ChatClient carol = terminal("carol", "xss");
        alice.join("xss");
        say(carol, "xss", hostile);
        say(carol, "xss", hostile2);
        alice.type(hostile);
        awaitMessage(carol, "alice", hostile);
        alice.awaitText(hostile2);
        assertThat(alice.texts()).containsExactly(hostile, hostile2, hostile);
        assertThat(alice.script("return document.querySelectorAll('#messages img, #messages script, #messages b, #messages a').length"))
                .isEqualTo(0L);
        assertNoAlert();

        // a hostile nick never reaches the server: the form says why, as text
        browser.switchTo().newWindow(WindowType.TAB);
        ChatPage eve = ChatPage.open(browser, web.url("127.0.0.1", ""));
        eve.submitLogin(hostile, "xss");
        eve.await("the form refuses the nick", d -> d.findElement(By.id("login-error")).isDisplayed());
        assertThat(eve.element("login-error").getText()).contains("A nick is 1 to 32");
        assertThat(eve.script("return document.querySelectorAll('img:not([src^=\"assets/\"])').length")).isEqualTo(0L);
        assertNoAlert();
        assertThat(Chromium.consoleErrors(browser)).isEmpty();
        browser.close();
        alice.focus();
    }

    private static void assertNoAlert() {
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    @Order(6)
    void afterAServerRestartThePageReconnectsAndShowsExactlyTheMissedMessagesOnce() throws Exception {
        ChatClient carol = terminal("carol", "restart");
        alice.join("restart");
        say(carol, "restart", "old 1");
        say(carol, "restart", "old 2");
        alice.awaitText("old 2");

        web.hold();
        web.restartServer(); // history lives in memory: the new server's #restart starts again at seq 1
        alice.awaitOffline();
        ChatClient carol2 = terminal("carol", "restart");
        say(carol2, "restart", "new 1");
        say(carol2, "restart", "new 2");

        web.release();
        alice.awaitOnline();
        alice.awaitText("new 2");
        say(carol2, "restart", "new 3");
        alice.awaitText("new 3");
        assertThat(alice.texts()).containsExactly("old 1", "old 2", "new 1", "new 2", "new 3");
        assertThat(alice.script("return document.querySelectorAll('#messages li.sys.divider').length")).isEqualTo(1L);
        bob.awaitOnline();
    }

    @Test
    @Order(7)
    void aRegisteredNickLogsInFromThePageWithItsPasswordOnly() throws Exception {
        try (ChatClient owner = ChatClient.connect(web.server().tcpPort())) {
            assertThat(owner.request(id -> new ClientMessage.Register(id, "dana", "correct horse battery")))
                    .isInstanceOf(ServerMessage.Welcome.class);
        } // the account stays; the nick is free again once the connection is gone

        browser.switchTo().newWindow(WindowType.TAB);
        ChatPage dana = ChatPage.open(browser, web.url("127.0.0.1", ""));
        // the server has accounts: the form asks for a password
        dana.await("the password field", d -> d.findElement(By.id("login-password")).isDisplayed());
        dana.submitLogin("dana", "lobby");
        dana.await("a guest is refused the registered nick", d -> d.findElement(By.id("login-error")).isDisplayed()
                && d.findElement(By.id("login-error")).getText().contains("belongs to an account"));
        dana.submitLogin("dana", "not the password", "lobby");
        dana.await("a wrong password is refused", d -> d.findElement(By.id("login-error")).isDisplayed()
                && d.findElement(By.id("login-error")).getText().contains("Wrong nick or password"));
        dana.submitLogin("dana", "correct horse battery", "lobby");
        dana.await("logged in", d -> d.findElement(By.id("conn-dot")).getAttribute("class").contains("online"));
        ChatClient erin = terminal("erin", "lobby");
        dana.type("logged in from a browser");
        assertThat(awaitMessage(erin, "dana", "logged in from a browser").room()).isEqualTo("lobby");
        assertThat(String.valueOf(dana.script("return document.location.href"))).doesNotContain("correct");
        assertThat(Chromium.consoleErrors(browser)).isEmpty();
        browser.close();
        alice.focus();
    }

    /** The member list as text: roles and nicks ({@code @olga}), then "you". */
    private static String members(ChatPage page) {
        return String.valueOf(page.script("return document.getElementById('member-list').textContent"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> systemLines(ChatPage page) {
        return (List<String>) page.script("return [...document.querySelectorAll('#messages li.sys')].map(e => e.textContent)");
    }

    @Test
    @Order(8)
    void anOperatorsTopicVoiceAndKickShowOnThePage() throws Exception {
        ChatClient olga = ChatClient.connect(web.server().tcpPort());
        terminals.add(olga);
        assertThat(olga.request(id -> new ClientMessage.Register(id, "olga", "correct horse battery")))
                .isInstanceOf(ServerMessage.Welcome.class);
        ServerMessage.Joined created = (ServerMessage.Joined) olga.request(id -> new ClientMessage.Join(id, "webmod"));
        assertThat(created.operators()).containsExactly("olga"); // the first registered member runs a new room

        alice.join("webmod");
        alice.await("olga marked as operator", d -> members(alice).contains("@olga"));
        assertThat(olga.request(id -> new ClientMessage.Topic(id, "webmod", "ship it on Friday")))
                .isInstanceOf(ServerMessage.Topic.class);
        alice.await("the topic under the title", d -> d.findElement(By.id("conv-sub")).getText().contains("ship it on Friday"));
        alice.type("/topic");
        alice.await("the topic asked for", d -> systemLines(alice).stream().anyMatch(l -> l.contains("Topic: ship it on Friday (set by olga)")));

        alice.type("/kick olga");
        alice.await("a guest cannot kick", d -> systemLines(alice).stream().anyMatch(l -> l.contains("operator")));
        assertThat(olga.request(id -> new ClientMessage.Voice(id, "webmod", "alice"))).isInstanceOf(ServerMessage.Ok.class);
        alice.await("alice voiced", d -> members(alice).contains("+alice"));

        assertThat(olga.request(id -> new ClientMessage.Kick(id, "webmod", "alice", "enough for today")))
                .isInstanceOf(ServerMessage.Ok.class);
        alice.await("alice is told why", d -> systemLines(alice).stream()
                .anyMatch(l -> l.contains("You were kicked from #webmod by olga: enough for today")));
        assertThat(alice.element("room-list").getText()).doesNotContain("webmod");
        assertThat(olga.request(id -> new ClientMessage.Who(id, "webmod")))
                .isInstanceOfSatisfying(ServerMessage.WhoReply.class, w -> assertThat(w.members()).containsExactly("olga"));
    }
}
