package dev.flowcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * {@code flowcast.js} in a real browser (Debian's headless Chromium) against two real nodes of one cluster (two
 * bundle JVMs, Hazelcast on 127.0.0.1:6320+): failover to the next node on a failed connect, an abnormal close,
 * a silent connection and a node shutting down, each resumed with since/epoch, with no gap and no duplicate; a
 * handler that throws inside a packed message; tokens that expire; and the demo page fed hostile data.
 *
 * <p>The page of most tests is a document of node B's origin that loaded B's {@code /flowcast.js} and the test
 * harness {@code flowcast-probe.js} (test resources), which records what the clients get. Tests use node B only,
 * except the failover tests, which list node A first; the last test stops A (it is ordered last for that).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowcastJsIT {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static NodeProcess nodeA;
    static NodeProcess nodeB;
    static HeadlessChromium chromium;
    static WebDriver browser;
    static String probe;

    @BeforeAll
    static void startTwoNodesAndABrowser() throws IOException {
        assertThat(Tokens.SECRET).as("FLOWCAST_AUTH_SECRET from the failsafe configuration").isNotEmpty();
        Map<String, String> env = Map.of(
                "FLOWCAST_PUBLISH_KEY", Api.PUBLISH_KEY,
                "FLOWCAST_AUTH_SECRET", Tokens.SECRET,
                "FLOWCAST_CLUSTER_NAME", "flowcast-js-it-" + UUID.randomUUID(),
                "FLOWCAST_CLUSTER_PORT", "6320",
                "FLOWCAST_CLUSTER_MEMBERS", "127.0.0.1");
        nodeA = NodeProcess.start("js-a", env);
        nodeB = NodeProcess.start("js-b", env);
        await().atMost(TIMEOUT).until(() -> Api.getAbsolute(nodeB.base(), "/metrics?scope=application").body()
                .contains("flowcast_cluster_members{mp_scope=\"application\"} 2"));
        try (InputStream in = FlowcastJsIT.class.getResourceAsStream("/flowcast-probe.js")) {
            probe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        chromium = HeadlessChromium.start(TIMEOUT);
        browser = chromium.driver();
        browser.manage().timeouts().scriptTimeout(TIMEOUT);
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        for (NodeProcess node : new NodeProcess[] {nodeB, nodeA}) {
            if (node != null) {
                node.close();
            }
        }
    }

    // ---- the page and what it recorded ----

    /** Opens a document of {@code node}'s origin with the harness, then the {@code flowcast.js} the node serves. */
    private static void openClientPage(NodeProcess node) {
        browser.get(node.base().resolve("flowcast.js").toString());
        js(probe);
        Object loaded = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const script = document.createElement('script');"
                        + "script.src = '/flowcast.js'; script.onload = () => done(true); script.onerror = () => done(false);"
                        + "document.head.appendChild(script);");
        assertThat(loaded).as("flowcast.js loaded from the node").isEqualTo(true);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static String ws(NodeProcess node) {
        return "ws://127.0.0.1:" + node.base().getPort() + "/ws";
    }

    private static String topic(String kind) {
        return kind + ":js." + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<Long> seqs(String client, String topic) {
        return longs(js("return probes[arguments[0]].events.filter(e => e.topic === arguments[1]).map(e => e.seq);",
                client, topic));
    }

    private static List<Long> awaitSeqs(String client, String topic, int count) {
        return await().atMost(TIMEOUT).until(() -> seqs(client, topic), s -> s.size() >= count);
    }

    private static void awaitActive(String client, String topic) {
        await().atMost(TIMEOUT).until(() -> Boolean.TRUE.equals(js("return probeActive(arguments[0], arguments[1]);",
                client, topic)));
    }

    private static List<List<Object>> statuses(String client) {
        @SuppressWarnings("unchecked")
        List<List<Object>> statuses = (List<List<Object>>) js("return probes[arguments[0]].statuses;", client);
        return statuses;
    }

    private static int tokenCalls(String source) {
        return ((Number) js("return tokenSources[arguments[0]].calls.length;", source)).intValue();
    }

    private static List<Long> oneTo(int n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private static void publish(NodeProcess via, String topic, int from, int to) {
        Api api = new Api(via.base());
        for (int n = from; n <= to; n++) {
            HttpResponse<String> response = api.publish(topic, "{\"n\":" + n + "}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
    }

    /** Every event of {@code topic} arrived once, in order, 1..n, with no gap reported. */
    private static void assertExactlyOneTo(String client, String topic, int n) {
        assertThat(awaitSeqs(client, topic, n)).containsExactlyElementsOf(oneTo(n));
        assertThat((List<?>) js("return probes[arguments[0]].gaps;", client)).isEmpty();
    }

    // ---- failover ----

    @Test
    @Order(1)
    void givenADeadNodeFirst_theClientMovesToTheNext_andReceivesEveryEventInOrder() throws IOException {
        String dead = "ws://127.0.0.1:" + NodeProcess.freePort() + "/ws"; // nothing listens there
        String topic = topic("public");
        openClientPage(nodeB);

        js("probeClient('c', arguments[0]); probeSubscribe('c', arguments[1]);", List.of(dead, ws(nodeB)), topic);
        awaitActive("c", topic);
        publish(nodeB, topic, 1, 20);

        assertExactlyOneTo("c", topic, 20);
        List<List<Object>> statuses = statuses("c");
        assertThat(statuses.get(0)).containsExactly("connecting", dead);
        assertThat(statuses).contains(List.of("closed", 1006L, ""), List.of("open", ws(nodeB)));
    }

    @Test
    @Order(2)
    void whenTheConnectionBreaksAbnormally_theClientResumesOnTheNextNode_withNoGapAndNoDuplicate() throws IOException {
        String topic = topic("public");
        try (TcpRelay toA = new TcpRelay(nodeA.base().getPort())) {
            String viaRelay = "ws://127.0.0.1:" + toA.port() + "/ws";
            openClientPage(nodeB);
            js("probeClient('c', arguments[0]); probeSubscribe('c', arguments[1]);", List.of(viaRelay, ws(nodeB)), topic);
            awaitActive("c", topic);
            assertThat(statuses("c")).contains(List.of("open", viaRelay));
            publish(nodeB, topic, 1, 10);
            awaitSeqs("c", topic, 10);

            toA.blackHole(); // what A sends from now on is lost on the way: only a replay can bring it
            publish(nodeB, topic, 11, 20);
            toA.reset();

            awaitActive("c", topic);
            publish(nodeB, topic, 21, 30);
            assertExactlyOneTo("c", topic, 30);
            assertThat(statuses("c")).contains(List.of("closed", 1006L, ""), List.of("open", ws(nodeB)));
        }
    }

    @Test
    @Order(3)
    void whenANodeStopsAnswering_theClientGivesUpOnIt_andResumesOnTheNextNode() throws IOException {
        String topic = topic("public");
        try (TcpRelay toA = new TcpRelay(nodeA.base().getPort())) {
            String viaRelay = "ws://127.0.0.1:" + toA.port() + "/ws";
            openClientPage(nodeB);
            js("probeClient('c', arguments[0], { pingMs: 1000 }); probeSubscribe('c', arguments[1]);",
                    List.of(viaRelay, ws(nodeB)), topic);
            awaitActive("c", topic);
            publish(nodeB, topic, 1, 10);
            awaitSeqs("c", topic, 10);

            toA.blackHole(); // half-open: no close, no RST, just silence both ways
            publish(nodeB, topic, 11, 20);

            await().atMost(TIMEOUT).until(() -> statuses("c").contains(List.of("closed", 1006L, "no answer")));
            awaitActive("c", topic);
            publish(nodeB, topic, 21, 30);
            assertExactlyOneTo("c", topic, 30);
            assertThat(statuses("c")).contains(List.of("open", ws(nodeB)));
        }
    }

    @Test
    @Order(100) // stops node A: the last test of the class
    void whenANodeShutsDown_theClientResumesOnTheOtherNode_withNoGapAndNoDuplicate() throws Exception {
        String topic = topic("public");
        int total = 400;
        openClientPage(nodeB);
        js("probeClient('c', arguments[0]); probeSubscribe('c', arguments[1]);", List.of(ws(nodeA), ws(nodeB)), topic);
        awaitActive("c", topic);
        assertThat(statuses("c")).contains(List.of("open", ws(nodeA)));
        publish(nodeB, topic, 1, 50);
        awaitSeqs("c", topic, 50);

        // publishing goes on, through B, while A drains and closes its sockets with 1001
        Api api = new Api(nodeB.base());
        AtomicInteger published = new AtomicInteger(50);
        AtomicInteger refused = new AtomicInteger();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        try {
            publisher.scheduleWithFixedDelay(() -> {
                int n = published.get() + 1;
                if (n <= total) {
                    if (api.publish(topic, "{\"n\":" + n + "}").statusCode() == 202) {
                        published.set(n);
                    } else {
                        refused.incrementAndGet();
                    }
                }
            }, 0, 15, TimeUnit.MILLISECONDS);
            nodeA.signalTerm();

            await().atMost(TIMEOUT).until(() -> statuses("c").stream()
                    .anyMatch(s -> s.size() > 1 && "closed".equals(s.get(0)) && Long.valueOf(1001).equals(s.get(1))));
            await().atMost(TIMEOUT).until(() -> published.get() == total);
        } finally {
            publisher.shutdownNow();
        }

        assertExactlyOneTo("c", topic, total);
        List<Long> data = longs(js("return probes.c.events.map(e => e.data.n);"));
        assertThat(data).as("published in order through one node: data n is seq n").containsExactlyElementsOf(oneTo(total));
        List<List<Object>> statuses = statuses("c");
        assertThat(statuses.subList(statuses.indexOf(List.of("open", ws(nodeA))) + 1, statuses.size()))
                .contains(List.of("open", ws(nodeB)));
        assertThat(refused.get()).as("publishes through B refused while A left").isZero();
        assertThat(nodeA.awaitExit(TIMEOUT)).as("node A exited").isTrue();
    }

    // ---- packed messages ----

    /**
     * Simulated: the packing. The node packs frames into one message only when they wait for a socket that is
     * backed up, which takes megabytes here (a paused client got 301 single-frame messages of 40 KB before the
     * first packed one); so the harness holds the node's real messages back in the browser and hands them to
     * flowcast.js as one packed message, frames one per line, as the node would.
     */
    @Test
    @Order(10)
    void aHandlerThatThrows_doesNotStopTheOtherFramesOfAPackedMessage() {
        String topic = topic("public");
        int total = 20;
        openClientPage(nodeB);
        js("probeClient('c', [arguments[0]]);"
                + "probeSubscribe('c', arguments[1], undefined, (e) => { if (e.seq % 2 === 1) throw new Error('odd ' + e.seq); });",
                ws(nodeB), topic);
        awaitActive("c", topic);

        js("probes.c.client.ws.coalesce();");
        publish(nodeB, topic, 1, total);
        await().atMost(TIMEOUT).until(() -> ((Number) js("return probes.c.client.ws.heldFrames();")).intValue() == total);
        js("probes.c.client.ws.flush();");

        assertExactlyOneTo("c", topic, total);
        assertThat(longs(js("return probes.c.handlerErrors.map(e => e.seq);")))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).filter(n -> n % 2 == 1).boxed().toList());
        assertThat(longs(js("const messages = probes.c.client.ws.received;"
                + "return messages[messages.length - 1].split('\\n').map(l => JSON.parse(l))"
                + ".filter(f => f.type === 'event').map(f => f.seq);")))
                .as("one packed message carried them all").containsExactlyElementsOf(oneTo(total));
    }

    private static List<Long> longs(Object jsArray) {
        return ((List<?>) jsArray).stream().map(n -> ((Number) n).longValue()).toList();
    }

    // ---- tokens ----

    /**
     * A connect token ends: the client asks its token callback for a fresh one, connects again with it and
     * resumes with since/epoch. Events published while it had no connection arrive by replay.
     *
     * @param firstToken  the token the page starts with
     * @param expire      makes the first token end (after events 1..10 were published)
     */
    private void resumesAfterTheConnectTokenEnds(String topic, String firstToken, Runnable expire) {
        openClientPage(nodeB);
        js("const source = tokenSource('connect'); source.give(arguments[1]);"
                + "probeClient('c', [arguments[0]], { token: source.fn }); probeSubscribe('c', arguments[2]);",
                ws(nodeB), firstToken, topic);
        awaitActive("c", topic);
        publish(nodeB, topic, 1, 10);

        expire.run();
        await().atMost(TIMEOUT).until(() -> tokenCalls("connect") == 2);
        publish(nodeB, topic, 11, 20); // the client waits for its token: it has no connection now
        String fresh = Tokens.forTopics(topic);
        js("tokenSources.connect.give(arguments[0]);", fresh);

        awaitActive("c", topic);
        publish(nodeB, topic, 21, 30);
        assertExactlyOneTo("c", topic, 30);
        assertThat(statuses("c")).contains(List.of("closed", 1008L, "token expired"));
        assertThat((String) js("return probeSockets[probeSockets.length - 1].target;")).endsWith("?token=" + fresh);
        Map<?, ?> resubscribe = lastSubscribeFrame();
        assertThat(resubscribe.get("since")).isNotNull();
        assertThat(resubscribe.get("epoch")).isNotNull();
    }

    /**
     * A token given in the subscribe frame ends: the client asks for a fresh one for that topic and subscribes
     * again with it (in the frame's {@code token} field) and since/epoch.
     */
    private void resumesAfterTheSubscriptionTokenEnds(String topic, String firstToken, Runnable expire) {
        openClientPage(nodeB);
        js("const source = tokenSource('topic'); source.give(arguments[1]);"
                + "probeClient('c', [arguments[0]]); probeSubscribe('c', arguments[2], { token: source.fn });",
                ws(nodeB), firstToken, topic);
        awaitActive("c", topic);
        assertThat(lastSubscribeFrame().get("token")).isEqualTo(firstToken);
        publish(nodeB, topic, 1, 10);

        expire.run();
        await().atMost(TIMEOUT).until(() -> tokenCalls("topic") == 2);
        assertThat(js("return tokenSources.topic.calls;")).isEqualTo(List.of(topic, topic));
        publish(nodeB, topic, 11, 20); // unsubscribed by the server: not delivered until the client subscribes again
        String fresh = Tokens.forTopics(topic);
        js("tokenSources.topic.give(arguments[0]);", fresh);

        awaitActive("c", topic);
        publish(nodeB, topic, 21, 30);
        assertExactlyOneTo("c", topic, 30);
        Map<?, ?> resubscribe = lastSubscribeFrame();
        assertThat(resubscribe.get("token")).isEqualTo(fresh);
        assertThat(resubscribe.get("since")).isNotNull();
        assertThat(resubscribe.get("epoch")).isNotNull();
        assertThat((Number) js("return probeSockets.length;")).as("the same connection throughout").isEqualTo(1L);
    }

    private static Map<?, ?> lastSubscribeFrame() {
        return (Map<?, ?>) js("const sent = probeSockets.flatMap(s => s.sent).map(t => JSON.parse(t))"
                + ".filter(f => f.type === 'subscribe'); return sent[sent.length - 1];");
    }

    /**
     * Simulated (the server cannot end tokens yet): the harness closes the real socket from the browser and tells
     * flowcast.js the close was the server's 1008 "token expired". Everything else is real: the node, the fresh
     * token in {@code ?token=}, the replay.
     */
    @Test
    @Order(20)
    void whenTheConnectTokenEnds_simulatedClose_theClientFetchesAFreshTokenAndResumesWithNoLoss() {
        String topic = topic("private");
        resumesAfterTheConnectTokenEnds(topic, Tokens.forTopics(topic), () -> {
            awaitSeqs("c", topic, 10);
            js("probes.c.client.ws.simulateServerClose(1008, 'token expired');");
        });
    }

    /**
     * Simulated (the server cannot end tokens yet): the harness sends a real unsubscribe for the topic and adds
     * {@code "reason":"token_expired"} to the server's real {@code unsubscribed} answer before flowcast.js sees
     * it. Everything else is real: the node unsubscribed the topic, and checks the fresh token in the new subscribe
     * frame and replays from since.
     */
    @Test
    @Order(21)
    void whenTheSubscriptionTokenEnds_simulatedFrame_theClientSubscribesAgainWithAFreshTokenAndNoLoss() {
        String topic = topic("private");
        resumesAfterTheSubscriptionTokenEnds(topic, Tokens.forTopics(topic), () -> {
            awaitSeqs("c", topic, 10);
            js("const socket = probes.c.client.ws; const topic = arguments[0];"
                    + "socket.rewrites.push((text) => text.split('\\n').map((line) => {"
                    + "  if (!line) return line;"
                    + "  const frame = JSON.parse(line);"
                    + "  if (frame.type !== 'unsubscribed' || frame.topic !== topic) return line;"
                    + "  frame.reason = 'token_expired'; return JSON.stringify(frame); }).join('\\n'));"
                    + "socket.send(JSON.stringify({ type: 'unsubscribe', topic: topic }));", topic);
        });
    }

    @Test
    @Order(30)
    void whenTheConnectTokenExpires_theServerCloses1008_andTheClientResumesWithAFreshTokenAndNoLoss() {
        String topic = topic("private");
        resumesAfterTheConnectTokenEnds(topic, Tokens.expiringIn(Duration.ofSeconds(6), topic), () -> { });
    }

    @Test
    @Order(31)
    void whenTheSubscriptionTokenExpires_theServerUnsubscribes_andTheClientSubscribesAgainWithNoLoss() {
        String topic = topic("private");
        resumesAfterTheSubscriptionTokenEnds(topic, Tokens.expiringIn(Duration.ofSeconds(6), topic), () -> { });
    }

    // ---- the demo page ----

    @Test
    @Order(40)
    void theDemoPage_showsHostileEventDataAsText_andRunsNoScriptFromIt() {
        browser.get(nodeB.base().toString());
        await().atMost(TIMEOUT).until(() -> Boolean.TRUE.equals(js("const c = window.flowcastDemo && window.flowcastDemo.client;"
                + "return Boolean(c) && ['public:demo.prices', 'public:demo.counter', 'public:demo.chat']"
                + ".every(t => c.topics.get(t) && c.topics.get(t).epoch !== undefined);"))); // subscribed
        String symbol = "<img src=x onerror=\"window.__xss=1\">";
        String price = "<b>1</b>";
        String count = "<img src=x onerror=\"window.__xss=2\">";
        String user = "<svg onload=\"window.__xss=3\"></svg>";
        String text = "<script>window.__xss=4</script><img src=x onerror=\"window.__xss=5\">";
        Api api = new Api(nodeB.base());
        assertThat(api.publish("public:demo.prices", json(Map.of("symbol", symbol, "price", 1.5, "change", -0.5)))
                .statusCode()).isEqualTo(202);
        assertThat(api.publish("public:demo.prices", json(Map.of("symbol", "WRONG", "price", price, "change", "up")))
                .statusCode()).isEqualTo(202);
        assertThat(api.publish("public:demo.counter", json(Map.of("count", count))).statusCode()).isEqualTo(202);
        assertThat(api.publish("public:demo.chat", json(Map.of("user", user, "text", text))).statusCode()).isEqualTo(202);

        await().atMost(TIMEOUT).until(() -> ((Number) js("return window.flowcastDemo.count();")).intValue() >= 4);

        // innerHTML would have made these elements at once; as text, there are none
        assertThat((Number) js("return document.querySelectorAll("
                + "'#prices img, #prices b, #counter *, #chat img, #chat svg, #chat script').length;")).isEqualTo(0L);
        List<String> cells = browser.findElements(By.cssSelector("#prices td")).stream().map(e -> e.getText()).toList();
        assertThat(cells).containsExactly(symbol, "1.50", "-0.500", "WRONG", price, "up"); // sorted by symbol
        assertThat(browser.findElement(By.id("counter")).getText()).isEqualTo(count);
        assertThat(browser.findElement(By.cssSelector("#chat li")).getText()).isEqualTo(user + ": " + text);
        assertThat(js("return window.__xss === undefined;")).isEqualTo(true);
    }

    private static String json(Map<String, Object> object) {
        var builder = jakarta.json.Json.createObjectBuilder();
        object.forEach((k, v) -> {
            if (v instanceof Number n) {
                builder.add(k, n.doubleValue());
            } else {
                builder.add(k, String.valueOf(v));
            }
        });
        return builder.build().toString();
    }
}
