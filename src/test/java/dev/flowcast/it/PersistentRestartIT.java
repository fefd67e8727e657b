package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;

/**
 * {@code persistent} durability on a real PostgreSQL server and real nodes: both members killed with SIGKILL right
 * after the last {@code 202}, then started again, give a resuming client every accepted event with the same epoch
 * and no gap; a store lost while running turns publishes into 503 (and the admin console shows the store's writes and
 * then its failures); an unreachable store refuses the start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PersistentRestartIT {

    private static final String KEY = "persistent-it-key-0123456789";
    private static final String ADMIN_PASSWORD = "persistent-it-admin-password";
    private static PostgresServer postgres;
    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static Map<String, String> env;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.start();
        env = new HashMap<>(Map.of(
                "FLOWCAST_PUBLISH_KEY", KEY,
                "FLOWCAST_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "FLOWCAST_DURABILITY", "persistent",
                "FLOWCAST_STORE_URL", postgres.jdbcUrl(),
                "FLOWCAST_STORE_USER", "postgres",
                "FLOWCAST_CLUSTER_NAME", "persistent-it-" + UUID.randomUUID(),
                "FLOWCAST_CLUSTER_PORT", "6170",
                "FLOWCAST_CLUSTER_MEMBERS", "127.0.0.1:6170,127.0.0.1:6171"));
    }

    @AfterAll
    static void stopAll() throws Exception {
        nodes.forEach(NodeProcess::close);
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void whenBothMembersAreKilledRightAfterTheLast202_theRestartedClusterGivesEveryAcceptedEvent_sameEpoch_noGap()
            throws Exception {
        nodes.addAll(NodeProcess.startAll(List.of("persistent-a", "persistent-b"), env));
        String topic = "public:kept." + UUID.randomUUID().toString().substring(0, 8);
        List<String> accepted = new ArrayList<>();
        String epoch;
        long since;
        try (WsTestClient client = WsTestClient.connect(nodes.get(0).base())) {
            epoch = client.subscribeAndWait(topic).getString("epoch");
            for (int b = 0; b < 6; b++) {
                accepted.addAll(publishBatch(nodes.get(b % 2), topic, b, 50));
            }
            List<JsonObject> seen = client.awaitFrames(isEvent(topic), 100);
            since = seen.get(seen.size() - 1).getJsonNumber("seq").longValue();
            for (int b = 6; b < 12; b++) {
                accepted.addAll(publishBatch(nodes.get(b % 2), topic, b, 50));
            }
            for (NodeProcess node : nodes) {
                node.kill(); // right after the last 202, before delivery completes
            }
        }
        nodes.clear();
        nodes.addAll(NodeProcess.startAll(List.of("persistent-a2", "persistent-b2"), env));
        try (WsTestClient resumed = WsTestClient.connect(nodes.get(1).base())) {
            resumed.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":" + since
                    + ",\"epoch\":\"" + epoch + "\"}");
            JsonObject subscribed = resumed.awaitFrame(WsTestClient.ofType("subscribed"));
            assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
            assertThat(subscribed.getJsonNumber("seq").longValue()).isEqualTo(accepted.size());
            List<JsonObject> replayed = resumed.awaitFrames(isEvent(topic), (int) (accepted.size() - since));
            for (int i = 0; i < replayed.size(); i++) {
                assertThat(replayed.get(i).getJsonNumber("seq").longValue()).isEqualTo(since + 1 + i);
            }
            assertThat(replayed.stream().map(e -> e.getString("id")).toList())
                    .isEqualTo(accepted.subList((int) since, accepted.size()));
            assertThat(resumed.frames()).noneMatch(WsTestClient.ofType("gap"));
            // and it goes on from there
            List<String> next = publishBatch(nodes.get(0), topic, 99, 1);
            JsonObject live = resumed.awaitFrames(isEvent(topic), replayed.size() + 1).get(replayed.size());
            assertThat(live.getJsonNumber("seq").longValue()).isEqualTo(accepted.size() + 1);
            assertThat(live.getString("id")).isEqualTo(next.get(0));
        }
        // every persistent 202 waited for a store write on the node that accepted it: the node's timer counted them
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                DeployedWarTest.metric(nodes.get(0).base(), "flowcast_store_write_latency_seconds_count")).isPositive());
        assertThat(DeployedWarTest.metric(nodes.get(0).base(), "flowcast_store_failures_total")).isZero();
        JsonObject store = storeStats(nodes.get(0));
        assertThat(store.getJsonObject("writeMs").getJsonNumber("recorded").longValue()).isPositive();
        assertThat(store.getJsonNumber("failures").longValue()).isZero();
    }

    @Test
    @Order(2)
    void aStoreLostWhileRunning_turnsPublishesInto503_neverIntoASilent202_andTheConsoleShowsIt() throws Exception {
        assertThat(nodes).isNotEmpty();
        Api api = new Api(nodes.get(0).base());
        try (ConsolePage console = ConsolePage.open(nodes.get(0).base())) {
            console.logInAndAwaitNumbers(ADMIN_PASSWORD);
            // the store's window is the last ~5 s: keep writing until the console shows a write latency
            await().atMost(ConsolePage.TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                api.post("api/topics/public:before-loss/events", "{\"n\":0}", "application/json", "Bearer " + KEY);
                return console.text("store-latency").matches("[0-9.,]+ / [0-9.,]+");
            });
            assertThat(console.isShown("store-tile")).isTrue();
            assertThat(console.text("store-failures")).isEqualTo("0");
            assertThat(console.hasClass("store-failures", "warn")).isFalse();
            assertThat(console.browser().findElements(By.cssSelector("#members-table th.store-col")))
                    .as("the members table shows each member's store").hasSize(2).allMatch(WebElement::isDisplayed);
            Files.copy(((TakesScreenshot) console.browser()).getScreenshotAs(OutputType.FILE).toPath(),
                    Path.of("target", "admin-console-persistent.png"), StandardCopyOption.REPLACE_EXISTING);

            postgres.stopNow();
            HttpResponse<String> answer = api.post("api/topics/public:after-loss/events", "{\"n\":1}",
                    "application/json", "Bearer " + KEY);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.body()).contains("store");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    DeployedWarTest.metric(nodes.get(0).base(), "flowcast_store_failures_total")).isPositive());
            assertThat(storeStats(nodes.get(0)).getJsonNumber("failures").longValue()).isPositive();
            await().atMost(ConsolePage.TIMEOUT).untilAsserted(() -> {
                assertThat(console.text("store-failures")).isNotEqualTo("0").matches("[0-9,]+");
                assertThat(console.hasClass("store-failures", "warn")).as("failures drawn as a warning").isTrue();
            });
        }
        postgres.startAgain();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.post("api/topics/public:after-loss/events", "{\"n\":2}",
                "application/json", "Bearer " + KEY).statusCode() == 202);
    }

    @Test
    @Order(3)
    void aStoreUnreachableAtStart_refusesTheStart_andSaysWhy() throws Exception {
        Map<String, String> unreachable = new HashMap<>(env);
        unreachable.put("FLOWCAST_STORE_URL", "jdbc:postgresql://127.0.0.1:1/flowcast");
        unreachable.put("FLOWCAST_CLUSTER_NAME", "persistent-refused-" + UUID.randomUUID());
        unreachable.put("FLOWCAST_CLUSTER_PORT", "6175");
        unreachable.remove("FLOWCAST_CLUSTER_MEMBERS");
        try (NodeProcess refused = NodeProcess.launch("persistent-refused", unreachable)) {
            String log = refused.awaitLog("refuses to start", Duration.ofSeconds(900));
            assertThat(log).contains("jdbc:postgresql://127.0.0.1:1/flowcast").contains("cannot be reached");
            assertThat(refused.readyStatus()).isNotEqualTo(200);
        }
    }

    /** The {@code store} object of a node's {@code /api/stats} (persistent mode). */
    private static JsonObject storeStats(NodeProcess node) {
        HttpResponse<String> stats = new Api(node.base()).getWithKey("api/stats", KEY);
        assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
        return Json.createReader(new StringReader(stats.body())).readObject().getJsonObject("store");
    }

    private static List<String> publishBatch(NodeProcess node, String topic, int batch, int size) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            body.append(i > 0 ? "," : "").append("{\"topic\":\"").append(topic).append("\",\"data\":{\"b\":")
                    .append(batch).append(",\"i\":").append(i).append("}}");
        }
        HttpResponse<String> answer = new Api(node.base()).post("api/events", body.append(']').toString(),
                "application/json", "Bearer " + KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return Json.createReader(new StringReader(answer.body())).readObject().getJsonArray("ids")
                .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
    }
}
