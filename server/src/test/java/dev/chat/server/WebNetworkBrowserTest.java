package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.BeaconSignature;
import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The network page in headless Chromium: LAN peers from real UDP beacons (one misses every fifth
 * {@code seq}, so 20 % loss; one signed by its session, marked verified), the rooms and their owner, one room's frames with their length
 * headers. Then the screenshots of both pages (docs/images with {@code -Dchat.web.screenshots=DIR},
 * else target/screenshots).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebNetworkBrowserTest {
    private static WebFixture web;
    private static ChromeDriver browser;
    private static DatagramSocket udp;
    private static ScheduledExecutorService beacons;
    private static final AtomicLong seq = new AtomicLong();
    private static ChatPage alice;
    private static ChatPage network;
    private static ChatClient carol;
    private static ChatClient frank;
    private static byte[] frankKey;

    @BeforeAll
    static void start() throws Exception {
        Chromium.require();
        web = WebFixture.start(ServerConfig.forTests().toBuilder().name("lan-1").rateLimit(0).build());
        browser = Chromium.start(Files.createTempDirectory("chat-web-chrome"), 1360, 900);
        udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        frank = ChatClient.connect(web.server().tcpPort());
        ServerMessage welcome = frank.request(id -> new ClientMessage.Hello(id, "frank"));
        assertThat(welcome).isInstanceOf(ServerMessage.Welcome.class);
        frankKey = BeaconSignature.decodeKey(((ServerMessage.Welcome) welcome).beaconKey());
        frank.drainInBackground();
        beacons = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-beacons");
            t.setDaemon(true);
            return t;
        });
        beacons.scheduleAtFixedRate(WebNetworkBrowserTest::beacon, 0, 100, TimeUnit.MILLISECONDS);
        // a loaded machine may start slowly: the page is opened once both peers are beaconing
        Awaitility.await("the first beacons sent").atMost(Duration.ofSeconds(60)).until(() -> seq.get() >= 5);
        alice = ChatPage.open(browser, web.url("127.0.0.1", "")).login("alice", "wire");
        browser.switchTo().newWindow(WindowType.TAB);
        network = ChatPage.open(browser, web.url("127.0.0.1", "network"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (beacons != null) {
            beacons.shutdownNow();
            beacons.awaitTermination(30, TimeUnit.SECONDS);
        }
        if (udp != null) {
            udp.close();
        }
        if (carol != null) {
            carol.close();
        }
        if (frank != null) {
            frank.close();
        }
        if (browser != null) {
            browser.quit();
        }
        if (web != null) {
            web.close();
        }
    }

    /**
     * One round of three LAN peers beaconing to the server's UDP port, run every 100 ms at a fixed
     * rate: dave skips every fifth seq (what the server counts as loss), erin skips none but stamps
     * her beacons with a jittery clock, frank signs his with his session's key (verified). A late
     * round on a loaded machine changes no seq, so the loss the server counts stays 20 %.
     */
    private static void beacon() {
        long n = seq.incrementAndGet();
        long now = System.currentTimeMillis();
        try {
            int port = web.server().udpPort();
            if (n % 5 != 0) {
                send(port, "dave", n, now);
            }
            send(port, "erin", n, now - ThreadLocalRandom.current().nextInt(0, 25));
            byte[] signed = MessageCodec.encodeFrame(BeaconSignature.signed(frankKey,
                    new Beacon.ClientBeacon("frank", Beacon.ONLINE, n, now, 1000)));
            udp.send(new DatagramPacket(signed, signed.length, InetAddress.getLoopbackAddress(), port));
            if (n % 10 == 0) {
                frank.send(new Pong(null)); // heard from: his session (and so his key) stays
            }
        } catch (Exception e) {
            // the socket closed at the end of the test, or a send failed: the next round tries again
            // (an exception escaping would cancel the schedule)
        }
    }

    private static void send(int port, String nick, long seq, long ts) throws Exception {
        String json = "{\"type\":\"beacon\",\"role\":\"client\",\"nick\":\"" + nick + "\",\"status\":\"online\",\"seq\":" + seq
                + ",\"ts\":" + ts + ",\"interval_ms\":1000}";
        byte[] frame = Frames.frame(json.getBytes(StandardCharsets.UTF_8));
        udp.send(new DatagramPacket(frame, frame.length, InetAddress.getLoopbackAddress(), port));
    }

    private static double percent(String cell) {
        return Double.parseDouble(cell.replace("%", "").trim());
    }

    @Test
    @Order(1)
    void theNetworkPageShowsPeersWithTheirLossTheRoomOwnersAndTheFramesOnTheWire() throws Exception {
        network.await("dave's loss near 20 %", d -> {
            List<WebElement> cells = d.findElements(By.cssSelector("#peers tr[data-nick='dave'] td.loss"));
            if (cells.isEmpty() || !cells.get(0).getText().endsWith("%")) {
                return false;
            }
            double loss = percent(cells.get(0).getText());
            return loss >= 15 && loss <= 25;
        });
        assertThat(percent(network.driver.findElement(By.cssSelector("#peers tr[data-nick='erin'] td.loss")).getText())).isZero();
        network.await("frank's signed beacons marked verified", d -> {
            List<WebElement> marks = d.findElements(By.cssSelector("#peers tr[data-nick='frank'] .mark"));
            return !marks.isEmpty() && marks.get(0).getAttribute("class").contains("verified")
                    && marks.get(0).getText().equals("✓ verified");
        });
        for (String unsigned : List.of("dave", "erin")) {
            WebElement mark = network.driver.findElement(By.cssSelector("#peers tr[data-nick='" + unsigned + "'] .mark"));
            assertThat(mark.getAttribute("class")).as(unsigned).contains("unverified");
            assertThat(mark.getText()).as(unsigned).isEqualTo("unverified");
        }
        network.await("the loss chart drawn", d -> !d.findElements(By.cssSelector("#loss-chart canvas")).isEmpty());

        network.await("#wire with its owner", d -> !d.findElements(By.cssSelector("#rooms tr[data-room='wire']")).isEmpty());
        String owner = network.driver.findElement(By.cssSelector("#rooms tr[data-room='wire'] .node-chip")).getText();
        assertThat(owner).isEqualTo("lan-1");
        assertThat(network.element("nodes").getText()).contains("lan-1", web.server().nodeId(), "this page");

        chooseWireRoom();
        alice.type("hello, wire ☃");
        network.await("alice's say and its message on the wire", d -> {
            String all = d.findElement(By.id("frames")).getText();
            return all.contains("\"type\":\"say\"") && all.contains("\"type\":\"message\"") && all.contains("hello, wire ☃");
        });
        @SuppressWarnings("unchecked")
        List<Map<String, String>> frames = (List<Map<String, String>>) network.script(
                "return [...document.querySelectorAll('#frames li.frame')].map(li => ({dir: li.querySelector('.dir-in, .dir-out').textContent,"
                        + " hdr: li.querySelector('.hdr').textContent, payload: li.querySelector('.payload').textContent}))");
        assertThat(frames).isNotEmpty();
        for (Map<String, String> f : frames) {
            int length = f.get("payload").getBytes(StandardCharsets.UTF_8).length;
            String hex = String.format(Locale.ROOT, "%02x %02x %02x %02x", length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255);
            assertThat(f.get("hdr")).as("length header of %s", f.get("payload")).isEqualTo(hex);
        }
        assertThat(frames).anySatisfy(f -> {
            assertThat(f.get("dir")).isEqualTo(">>");
            assertThat(f.get("payload")).contains("\"type\":\"say\"", "hello, wire ☃");
        });
        assertThat(frames).anySatisfy(f -> {
            assertThat(f.get("dir")).isEqualTo("<<");
            assertThat(f.get("payload")).startsWith("{\"type\":\"message\",\"room\":\"wire\",\"from\":\"alice\",\"text\":\"hello, wire ☃\"");
        });
        network.await("messages per second measured", d -> !d.findElement(By.id("t-messages")).getText().equals("–"));
        assertThat(Integer.parseInt(network.element("t-connections").getText())).as("alice").isGreaterThanOrEqualTo(1);
        assertThat(Chromium.consoleErrors(browser)).isEmpty();
    }

    @Test
    @Order(2)
    void screenshotsOfBothPages() throws Exception {
        Path dir = Path.of(System.getProperty("chat.web.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        // a conversation worth looking at: the terminal user, a second browser user, a mention, an unread room
        carol = ChatClient.registered(web.server().tcpPort(), "carol"); // registered now: nobody answers its pings
        carol.send(new ClientMessage.Join(null, "wire"));
        carol.send(new ClientMessage.Join(null, "ops"));
        carol.drainInBackground();
        alice.join("ops").join("wire");
        browser.switchTo().newWindow(WindowType.TAB);
        ChatPage bob = ChatPage.open(browser, web.url("localhost", "")).login("bob", "wire");
        bob.type("beacons from the lab switch show about 20% loss, see the network page");
        carol.send(new ClientMessage.Say(null, "wire", "deploy of v1.4 is done, all green"));
        alice.awaitText("deploy of v1.4 is done, all green");
        alice.type("nice! latency looks fine from here");
        carol.send(new ClientMessage.Say(null, "wire", "alice, can you run ./chat impair on the lab link?"));
        alice.awaitText("alice, can you run ./chat impair on the lab link?");
        alice.type("on it: --loss 0.2 --jitter 30ms");
        carol.send(new ClientMessage.Say(null, "ops", "alice: the 14:00 window is yours"));
        alice.await("an unread mention in #ops", d -> !d.findElements(By.cssSelector("#room-list .badge.mention")).isEmpty());
        for (int i = 0; i < 30; i++) {
            carol.send(new ClientMessage.Say(null, "ops", "load " + i)); // something on the rate chart
        }

        alice.focus();
        browser.manage().window().setSize(new Dimension(1280, 760));
        alice.await("the last line shown", d -> alice.texts().contains("on it: --loss 0.2 --jitter 30ms"));
        shoot(dir.resolve("web-chat.png"));
        dark(true);
        shoot(dir.resolve("web-chat-dark.png"));
        dark(false);
        browser.manage().window().setSize(new Dimension(390, 760));
        alice.await("phone layout", d -> d.findElement(By.id("menu-toggle")).isDisplayed());
        // the side panels slide out (a CSS transition): shoot once they are off the screen
        alice.await("side panels slid out", d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return document.getElementById('sidebar').getBoundingClientRect().right <= 0"
                        + " && document.getElementById('members').getBoundingClientRect().left >= window.innerWidth")));
        shoot(dir.resolve("web-chat-phone.png"));

        network.focus();
        browser.manage().window().setSize(new Dimension(1360, 1900));
        // a tab in the background polls rarely: wait for a poll that has both rooms and the three chatters
        network.await("a fresh poll", d -> d.findElement(By.id("t-rooms")).getText().equals("2")
                && Integer.parseInt(d.findElement(By.id("t-connections")).getText().replace("–", "0")) >= 3);
        network.await("charts with data", d -> d.findElements(By.cssSelector("#rate-chart canvas, #loss-chart canvas, #jitter-chart canvas")).size() == 3
                && d.findElements(By.cssSelector("#frames li.frame")).size() >= 3);
        chooseWireRoom();
        network.await("wire frames", d -> d.findElements(By.cssSelector("#frames li.frame")).size() >= 3);
        shoot(dir.resolve("web-network.png"));
        dark(true);
        shoot(dir.resolve("web-network-dark.png"));
        dark(false);
        assertThat(Chromium.consoleErrors(browser)).isEmpty();
        for (String name : List.of("web-chat.png", "web-chat-dark.png", "web-chat-phone.png", "web-network.png", "web-network-dark.png")) {
            assertThat(Files.size(dir.resolve(name))).as(name).isGreaterThan(10_000);
        }
    }

    /** Chooses #wire under "On the wire"; the page redraws the list at each poll, so a stale option is chosen again. */
    private static void chooseWireRoom() {
        network.await("#wire chosen under On the wire", d -> {
            try {
                new Select(network.element("wire-room")).selectByValue("wire");
                return true;
            } catch (StaleElementReferenceException | NoSuchElementException redrawn) {
                return false;
            }
        });
    }

    private static void dark(boolean on) {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", on ? "dark" : "light"))));
    }

    private static void shoot(Path file) throws Exception {
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }
}
