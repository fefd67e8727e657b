package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The README's first command, as a user runs it: the micro bundle with the demo feed on serves the app at
 * {@code /}, the demo page and its client, and live demo events over the WebSocket, shown in a real browser.
 */
class BundleIT {

    private static NodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeProcess.start("bundle", Map.of(
                "FLOWCAST_DEMO_ENABLED", "true",
                "FLOWCAST_DEMO_RATE", "50",
                "FLOWCAST_CLUSTER_NAME", "bundle-it",
                "FLOWCAST_CLUSTER_PORT", "5861"));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void bundleServesTheDemoPageAndItsClientAtTheRoot() {
        Api api = new Api(node.base());
        HttpResponse<String> page = api.get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Flowcast demo</title>", "flowcast.js", "public:demo.prices");
        HttpResponse<String> client = api.get("flowcast.js");
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.body()).contains("split(\"\\n\")", "since");
    }

    @Test
    void demoFeedStreamsLiveEvents_withConsecutiveSeqs() throws IOException {
        try (WsTestClient client = WsTestClient.connect(node.base())) {
            JsonObject subscribed = client.subscribeAndWait("public:demo.counter");
            long start = subscribed.getJsonNumber("seq").longValue();
            List<JsonObject> events = client.awaitFrames(isEvent("public:demo.counter"), 3);
            for (int i = 0; i < 3; i++) {
                assertThat(events.get(i).getJsonNumber("seq").longValue()).isEqualTo(start + 1 + i);
            }
            int first = events.get(0).getJsonObject("data").getInt("count");
            assertThat(events.get(2).getJsonObject("data").getInt("count")).isEqualTo(first + 2);
        }
        // they came as frames encoded once per chunk (delivery/RawFrameWriter), not re-encoded per client by Tyrus:
        // a Payara whose Tyrus changed inside would fall back to the slow path with a warning, and fail this
        assertThat(node.logText()).contains("WebSocket messages leave as frames encoded once per chunk")
                .doesNotContain("does not let Flowcast write ready-made frames");
    }

    @Test
    void theDemoPage_showsTheLiveFeedInABrowser_andResumesInOrderAfterAReconnect() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start(Duration.ofSeconds(60))) {
            WebDriver browser = chromium.driver();
            JavascriptExecutor js = (JavascriptExecutor) browser;
            browser.get(node.base().toString());
            await().atMost(WsTestClient.TIMEOUT).until(() -> count(js) >= 20);
            assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("open");
            assertThat(browser.findElements(By.cssSelector("#prices tr"))).isNotEmpty();
            assertThat(browser.findElement(By.id("counter")).getText()).matches("\\d+");
            assertThat(browser.findElement(By.id("lat-last")).getText()).matches("-?[0-9.]+");

            // Drop the socket as a network would: the client reconnects by itself and resumes with since/epoch.
            js.executeScript("window.flowcastDemo.client.ws.close()");
            await().atMost(WsTestClient.TIMEOUT).until(() ->
                    "1".equals(browser.findElement(By.id("reconnects")).getText())
                            && "open".equals(browser.findElement(By.id("status")).getText()));
            long afterReconnect = count(js);
            await().atMost(WsTestClient.TIMEOUT).until(() -> count(js) >= afterReconnect + 20);

            // Every event after the reconnect continued its topic's sequence: replayed, no hole, no duplicate.
            assertThat(((Number) js.executeScript("return window.flowcastDemo.integrity.outOfOrder")).longValue()).isZero();
            assertThat(browser.findElement(By.id("order")).getText()).isEqualTo("ok");
            assertThat(browser.findElement(By.id("gaps")).getText()).isEqualTo("0");
        }
    }

    private static long count(JavascriptExecutor js) {
        return ((Number) js.executeScript("return window.flowcastDemo.count()")).longValue();
    }

    @Test
    void readinessWentUpOnlyWithThePipeline() {
        List<String> seen = node.readinessSeenWhileStarting();
        assertThat(seen).isNotEmpty();
        // Payara answers before and while the WAR deploys (503 "No Application deployed", 500, …): never 200
        // until Flowcast's own check is up.
        assertThat(seen).filteredOn(answer -> answer.startsWith("200 "))
                .isNotEmpty()
                .allSatisfy(answer -> assertThat(answer).contains("\"name\":\"flowcast-pipeline\",\"status\":\"UP\""));
    }

    @Test
    void aKeepAliveConnection_carriesMoreRequestsThanPayarasDefault250() throws IOException {
        // payara-config/pre-boot-commands.txt lifts Grizzly's per-connection request limit: a publisher keeps its
        // connection instead of reconnecting (and, behind TLS, shaking hands again) every 250 requests
        int requests = 400;
        try (Socket socket = new Socket(node.base().getHost(), node.base().getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            byte[] request = ("GET /flowcast.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 1; i <= requests; i++) {
                out.write(request);
                out.flush();
                Map<String, String> headers = readHead(in);
                assertThat(headers.get(":status")).as("status line of request %d", i).contains(" 200 ");
                assertThat(headers.get("connection")).as("request %d", i).isNotEqualToIgnoringCase("close");
                in.readFully(new byte[Integer.parseInt(headers.get("content-length"))]);
            }
        }
    }

    /** Status line (under {@code :status}) and headers, names lower-case, up to the blank line. */
    private static Map<String, String> readHead(DataInputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        String status = readLine(in);
        headers.put(":status", status);
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the server closed the connection after: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Test
    void bundleRunsWithoutAPublishKey_andSaysSoInItsLog() throws Exception {
        assertThat(new Api(node.base()).publish("public:x", "1").statusCode()).isEqualTo(401);
        assertThat(node.logText()).contains("flowcast.publish.key is not set");
    }
}
