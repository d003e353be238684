package dev.chat.server;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchWindowException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page (src/main/resources/web/index.html) in one browser tab, as a person uses it: the
 * login form, the composer, the room list. Every wait is for something on the page, never a sleep.
 */
final class ChatPage {
    static final Duration WAIT = Duration.ofSeconds(60);

    final ChromeDriver driver;
    final String tab;

    private ChatPage(ChromeDriver driver, String tab) {
        this.driver = driver;
        this.tab = tab;
    }

    /** Opens the page in the current tab. */
    static ChatPage open(ChromeDriver driver, String url) {
        driver.get(url);
        return new ChatPage(driver, driver.getWindowHandle());
    }

    /** Brings this tab to the front for the next commands. */
    ChatPage focus() {
        try {
            if (driver.getWindowHandle().equals(tab)) {
                return this;
            }
        } catch (NoSuchWindowException closed) {
            // the current tab was closed: switch anyway
        }
        driver.switchTo().window(tab);
        return this;
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        focus();
        return new WebDriverWait(driver, WAIT).withMessage(what).until(condition);
    }

    /** Fills the login form and waits until the chat is connected. */
    ChatPage login(String nick, String room) {
        submitLogin(nick, room);
        await("connected as " + nick, d -> d.findElement(By.id("conn-dot")).getAttribute("class").contains("online"));
        return this;
    }

    void submitLogin(String nick, String room) {
        submitLogin(nick, null, room);
    }

    /** Fills the login form, with a password when it is not null, and submits it. */
    void submitLogin(String nick, String password, String room) {
        WebElement field = await("the login form", d -> d.findElement(By.id("login-nick")));
        if (password != null) {
            WebElement pw = await("the password field", d -> {
                WebElement e = d.findElement(By.id("login-password"));
                return e.isDisplayed() ? e : null;
            });
            pw.clear();
            pw.sendKeys(password);
        }
        field.clear();
        field.sendKeys(nick);
        WebElement roomField = driver.findElement(By.id("login-room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("login-submit")).click();
    }

    /** Types a line into the composer and presses Enter. */
    ChatPage type(String line) {
        focus();
        WebElement input = driver.findElement(By.id("input"));
        input.sendKeys(line);
        input.sendKeys(Keys.ENTER);
        return this;
    }

    /** /join, and wait until the room is the one shown. */
    ChatPage join(String room) {
        type("/join " + room);
        await("#" + room + " shown", d -> title().equals("#" + room));
        return this;
    }

    String title() {
        return focus().driver.findElement(By.id("conv-title")).getText();
    }

    /** The texts of the messages shown in the current conversation, top to bottom (not the pending ones). */
    @SuppressWarnings("unchecked")
    List<String> texts() {
        return (List<String>) script("return [...document.querySelectorAll('#messages li.msg .text')].map(e => e.textContent)");
    }

    /** The senders of those messages. */
    @SuppressWarnings("unchecked")
    List<String> senders() {
        return (List<String>) script("return [...document.querySelectorAll('#messages li.msg')].map(e => e.dataset.from)");
    }

    ChatPage awaitText(String text) {
        await("'" + text + "' shown", d -> texts().contains(text));
        return this;
    }

    /** Waits until the connection banner says we are offline or reconnecting. */
    ChatPage awaitOffline() {
        await("the page noticed the drop", d -> !d.findElement(By.id("conn-dot")).getAttribute("class").contains("online"));
        return this;
    }

    ChatPage awaitOnline() {
        await("the page reconnected", d -> d.findElement(By.id("conn-dot")).getAttribute("class").contains("online"));
        return this;
    }

    Object script(String js, Object... args) {
        focus();
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    WebElement element(String id) {
        return focus().driver.findElement(By.id(id));
    }
}
