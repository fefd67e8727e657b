package dev.flowcast.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The admin console of one node as an operator sees it, in a {@link HeadlessChromium}: log in, read what is on
 * screen. Shared by the browser tests so each says only what it checks.
 */
final class ConsolePage implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HeadlessChromium chromium;
    private final URI appBase;

    private ConsolePage(HeadlessChromium chromium, URI appBase) {
        this.chromium = chromium;
        this.appBase = appBase;
    }

    /** Starts a browser for the node whose application root is {@code appBase} (ends with "/"). */
    static ConsolePage open(URI appBase) throws IOException {
        return new ConsolePage(HeadlessChromium.start(TIMEOUT), appBase);
    }

    WebDriver browser() {
        return chromium.driver();
    }

    /** Opens the console's login form and submits it (does not wait for the outcome). */
    void logIn(String user, String password) {
        WebDriver browser = browser();
        browser.get(appBase.resolve("admin/").toString());
        await().atMost(TIMEOUT).until(() -> !browser.findElements(By.id("password")).isEmpty());
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
    }

    /** Logs in as {@code admin} and waits until the console has drawn its first numbers. */
    void logInAndAwaitNumbers(String password) {
        logIn("admin", password);
        await().atMost(TIMEOUT).until(() -> has("accepted-rate") && !text("updated").startsWith("connecting"));
    }

    boolean has(String id) {
        return !browser().findElements(By.id(id)).isEmpty();
    }

    /**
     * The element's visible text, read in one script call: the console re-renders its numbers every second, so a
     * find-then-read could hold a node the page has just replaced (Chromium: "Node with given id does not belong to
     * the document"). A hidden element's text is "".
     */
    String text(String id) {
        Object text = script("const e = document.getElementById(arguments[0]); return e === null ? null : e.innerText;",
                id);
        if (text == null) {
            throw new AssertionError("no element #" + id + " on the page");
        }
        return ((String) text).strip();
    }

    /** Whether the element is laid out on screen (present, not hidden by an attribute or a style rule). */
    boolean isShown(String id) {
        return Boolean.TRUE.equals(script(
                "const e = document.getElementById(arguments[0]); return e !== null && e.getClientRects().length > 0;",
                id));
    }

    /** Whether the element carries the class (e.g. {@code warn}: drawn in red). */
    boolean hasClass(String id, String cssClass) {
        return Boolean.TRUE.equals(script(
                "const e = document.getElementById(arguments[0]); return e !== null && e.classList.contains(arguments[1]);",
                id, cssClass));
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) browser()).executeScript(script, args);
    }

    @Override
    public void close() throws IOException {
        chromium.close();
    }
}
