package dev.flowcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The admin console in a real browser: Debian's headless Chromium driven by its chromedriver (both installed by
 * {@code .ci/run}; nothing is downloaded), against the real WAR in a real Payara Micro.
 *
 * <p>The happy-path test leaves a screenshot in {@code target/admin-console.png}; the README shows a copy of it,
 * {@code docs/admin-console.png}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminConsoleIT extends DeployedWarTest {

    static final Duration TIMEOUT = ConsolePage.TIMEOUT;
    static final Path SCREENSHOT = Path.of("target", "admin-console.png");

    ConsolePage console;
    WebDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        console = ConsolePage.open(new Api(base()).base()); // the context root Arquillian picked: not necessarily "/"
        browser = console.browser();
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (console != null) {
            console.close();
        }
    }

    private void logIn(String password) {
        console.logIn("admin", password);
    }

    private String text(String id) {
        return console.text(id);
    }

    @Test
    void aWrongPassword_isRefused_andTheConsoleStaysHidden() {
        logIn("not-the-password");

        await().atMost(TIMEOUT).until(() -> !browser.findElements(By.id("login-error")).isEmpty());
        assertThat(text("login-error")).contains("Wrong user name or password");
        assertThat(browser.findElements(By.id("accepted-rate"))).isEmpty();
    }

    @Test
    void theAdminLogsIn_andWithTrafficRunning_theThroughputChangesOnScreenWithoutAReload() throws Exception {
        String topic = "public:it.console." + UUID.randomUUID().toString().substring(0, 8);
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger published = new AtomicInteger();
        try (WsTestClient subscriber = WsTestClient.connect(base())) {
            subscriber.subscribeAndWait(topic);
            logIn(OperationsIT.ADMIN_PASSWORD);
            await().atMost(TIMEOUT).until(() -> !browser.findElements(By.id("accepted-rate")).isEmpty());
            // a mark on the page's window object: a reload would wipe it
            ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
            String idle = text("accepted-rate");

            Api api = new Api(base());
            int limit = 4_000; // bounded: ~40 events/s for at most 100 s
            publisher.scheduleAtFixedRate(() -> {
                if (published.get() < limit) {
                    api.publish(topic, "{\"n\":" + published.incrementAndGet() + "}");
                }
            }, 0, 25, TimeUnit.MILLISECONDS);

            Set<String> seen = new HashSet<>();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                String now = text("accepted-rate");
                if (!now.equals(idle) && !now.equals("–") && !now.equals("0")) {
                    seen.add(now);
                }
                return seen.size() >= 2; // it moved, and then moved again: live updates, not one render
            });
            await().atMost(TIMEOUT).until(() -> !text("delivered-rate").equals("0")
                    && !text("delivered-rate").equals("–"));
            assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"))
                    .as("the page was never reloaded").isEqualTo(true);
            assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.cookie;"))
                    .as("the session cookie is HttpOnly: no script sees it").doesNotContain("JSESSIONID");

            // let the charts fill a little before the picture the README shows
            await().atMost(TIMEOUT).until(() -> ((Number) ((JavascriptExecutor) browser)
                    .executeScript("return window.flowcastConsole.points();")).intValue() >= 15);
            assertThat(browser.findElements(By.cssSelector("#chart-rates canvas"))).isNotEmpty();
            assertThat(text("sessions")).isNotEqualTo("–");
            assertThat(console.isShown("members-table")).isTrue();
            if ("persistent".equals(FlowcastDeployment.DURABILITY)) {
                await().atMost(TIMEOUT).until(() -> console.isShown("store-tile")
                        && !text("store-latency").equals("–"));
                assertThat(browser.findElements(By.cssSelector("#members-table th.store-col")))
                        .as("the store's columns, shown").isNotEmpty().allMatch(WebElement::isDisplayed);
            } else {
                assertThat(console.isShown("store-tile")).as("no store in memory mode: no store tile").isFalse();
                assertThat(browser.findElements(By.cssSelector("#members-table th.store-col")))
                        .as("the store's columns exist, hidden").isNotEmpty()
                        .noneMatch(WebElement::isDisplayed);
            }
            Files.createDirectories(SCREENSHOT.getParent());
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT,
                    StandardCopyOption.REPLACE_EXISTING);

            browser.findElement(By.id("session:logout")).click();
            await().atMost(TIMEOUT).until(() -> !browser.findElements(By.id("password")).isEmpty());
            assertThat(browser.findElements(By.id("accepted-rate"))).as("logged out").isEmpty();
        } finally {
            publisher.shutdownNow();
        }
    }
}
