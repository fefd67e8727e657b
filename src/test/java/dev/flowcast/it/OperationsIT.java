package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operations side against the real WAR in a real Payara Micro: counters that match known traffic exactly,
 * {@code /api/stats} and its two ways in, health over HTTP, and an admin console that keeps strangers out.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT extends DeployedWarTest {

    static final String ADMIN_PASSWORD = System.getenv().getOrDefault("FLOWCAST_ADMIN_PASSWORD", "");
    static final Duration TIMEOUT = WsTestClient.TIMEOUT;

    /** A path under the deployment's context root (which Arquillian picks: not necessarily "/"). */
    private URI app(String relativePath) {
        return new Api(base()).base().resolve(relativePath);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> stats(String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app("api/stats")).timeout(TIMEOUT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(HttpClient.newHttpClient(), request.build());
    }

    private JsonObject stats() {
        HttpResponse<String> response = stats("Bearer " + Api.PUBLISH_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request to " + request.uri() + " failed", e);
        }
    }

    /** A Prometheus sample of {@code /metrics}, 0 when not exported yet. */
    private long metric(String name) {
        return metric(base(), name);
    }

    // ---- metrics ----

    @Test
    void afterKnownTraffic_theCountersMatchItExactly_andTheLatencyHistogramCountsEveryDelivery() throws Exception {
        String topic = "public:it.metrics." + UUID.randomUUID().toString().substring(0, 8);
        int events = 25;
        int clients = 2;
        JsonObject before = stats();
        long timerBefore = metric("flowcast_delivery_latency_seconds_count");
        Api api = new Api(base());
        try (WsTestClient one = WsTestClient.connect(base()); WsTestClient two = WsTestClient.connect(base())) {
            one.subscribeAndWait(topic);
            two.subscribeAndWait(topic);
            for (int i = 1; i <= events; i++) {
                assertThat(api.publish(topic, "{\"n\":" + i + "}").statusCode()).isEqualTo(202);
            }
            one.awaitFrames(isEvent(topic), events);
            two.awaitFrames(isEvent(topic), events);

            // a delivery is counted when its socket write completes, just after the client may have read it
            long deliveries = (long) events * clients;
            await().atMost(TIMEOUT).untilAsserted(() -> {
                JsonObject after = stats();
                assertThat(delta(after, before, "delivered")).isEqualTo(deliveries);
                assertThat(after.getJsonObject("latencyMs").getJsonNumber("recorded").longValue()
                        - before.getJsonObject("latencyMs").getJsonNumber("recorded").longValue())
                        .as("latency histogram count").isEqualTo(deliveries);
            });
            JsonObject after = stats();
            assertThat(delta(after, before, "accepted")).isEqualTo(events);
            assertThat(delta(after, before, "rejected")).isZero();
            assertThat(delta(after, before, "dropped")).isZero();
            assertThat(delta(after, before, "gaps")).isZero();
            // MicroProfile Metrics is fed by the one-second stats tick (the hot path only counts in the application)
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(metric("flowcast_delivery_latency_seconds_count") - timerBefore).as("the timer")
                        .isEqualTo(deliveries);
                assertThat(metric("flowcast_events_delivered_total")).isEqualTo(after.getJsonNumber("delivered").longValue());
                assertThat(metric("flowcast_events_accepted_total")).isEqualTo(after.getJsonNumber("accepted").longValue());
            });
            assertThat(after.getInt("sessions")).isGreaterThanOrEqualTo(clients);
            assertThat(after.getJsonArray("topics").stream().map(JsonObject.class::cast)
                    .filter(t -> topic.equals(t.getString("topic")))).singleElement()
                    .satisfies(t -> assertThat(t.getInt("subscribers")).isEqualTo(clients));
        }
    }

    /** Contract §4's metrics, in their Prometheus form, with the tags each must carry. */
    private static final List<String> CONTRACT_SERIES = List.of(
            "flowcast_events_accepted_total", "flowcast_events_rejected_total", "flowcast_events_delivered_total",
            "flowcast_events_dropped_total{policy=drop-oldest}", "flowcast_events_dropped_total{policy=drop-newest}",
            "flowcast_gaps_total", "flowcast_clients_cut_total",
            "flowcast_queue_depth{stage=ingest}", "flowcast_queue_depth{stage=fanout}",
            "flowcast_queue_capacity{stage=ingest}", "flowcast_queue_capacity{stage=fanout}",
            "flowcast_stage_inflight{stage=ingest}", "flowcast_stage_inflight{stage=fanout}",
            "flowcast_delivery_latency_seconds_count", "flowcast_delivery_latency_seconds_sum",
            "flowcast_sessions", "flowcast_subscriptions", "flowcast_cluster_members");

    @Test
    void metrics_exportEveryMetricOfTheContract_withItsTags_andSaneValues() {
        String text = Api.get(FlowcastDeployment.metrics(base())).body();
        Map<String, Double> series = new HashMap<>();
        Matcher sample = Pattern.compile("(?m)^(flowcast_[a-z_]+)(?:\\{([^}]*)\\})? ([0-9.eE+-]+)$").matcher(text);
        while (sample.find()) {
            String tags = sample.group(2) == null ? "" : Pattern.compile(",?(mp_scope|quantile)=\"[^\"]*\"")
                    .matcher(sample.group(2)).replaceAll("").replace("\"", "").replaceFirst("^,", "");
            series.put(sample.group(1) + (tags.isEmpty() ? "" : "{" + tags + "}"), Double.parseDouble(sample.group(3)));
        }
        assertThat(series.keySet()).as("series scraped from /metrics").containsAll(CONTRACT_SERIES);
        assertThat(series.get("flowcast_queue_capacity{stage=ingest}")).isPositive();
        assertThat(series.get("flowcast_queue_capacity{stage=fanout}")).isPositive();
        assertThat(series.get("flowcast_cluster_members")).isGreaterThanOrEqualTo(1);
        CONTRACT_SERIES.forEach(name -> assertThat(series.get(name)).as(name).isNotNegative());
    }

    private static long delta(JsonObject after, JsonObject before, String key) {
        return after.getJsonNumber(key).longValue() - before.getJsonNumber(key).longValue();
    }

    // ---- /api/stats ----

    @Test
    void apiStats_answersTheContractSnapshot_forThisMember_everyMember_andTheCluster() {
        JsonObject stats = stats();
        assertThat(stats.keySet()).contains("node", "members", "sessions", "subscriptions", "accepted", "rejected",
                "delivered", "dropped", "gaps", "acceptedPerSecond", "deliveredPerSecond", "latencyMs", "stages",
                "cluster", "total");
        assertThat(stats.getJsonObject("latencyMs").keySet()).contains("p50", "p90", "p99", "max");
        assertThat(stats.getJsonArray("stages").stream().map(s -> s.asJsonObject().getString("name")))
                .containsExactly("ingest", "fanout");
        assertThat(stats.getJsonArray("stages").getJsonObject(0).keySet())
                .contains("name", "depth", "capacity", "inFlight", "inPerSecond", "outPerSecond", "dropped");
        assertThat(stats.getInt("members")).isEqualTo(1);
        assertThat(stats.getJsonArray("cluster")).hasSize(1);
        assertThat(stats.getJsonArray("cluster").getJsonObject(0).getString("node")).isEqualTo(stats.getString("node"));
        assertThat(stats.getJsonObject("total").getInt("members")).isEqualTo(1);
    }

    @Test
    void apiStats_acceptsTheAdminOverHttpBasic() {
        assertThat(stats(basic("admin", ADMIN_PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void apiStats_refusesAnonymousUsers_wrongKeys_andWrongPasswords_with401() {
        for (String authorization : new String[] {null, "Bearer wrong", basic("admin", "wrong"),
                basic("root", ADMIN_PASSWORD), "Basic " + Api.PUBLISH_KEY}) {
            HttpResponse<String> response = stats(authorization);
            assertThat(response.statusCode()).as(authorization).isEqualTo(401);
            assertThat(response.body()).contains("\"error\":\"unauthorized\"").doesNotContain("\"accepted\"");
        }
    }

    // ---- health ----

    @Test
    void health_readyAndLive_areUpOverHttp_withFlowcastsChecks() {
        HttpResponse<String> ready = Api.get(FlowcastDeployment.health(base(), "ready"));
        HttpResponse<String> live = Api.get(FlowcastDeployment.health(base(), "live"));
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        JsonObject liveness = Json.createReader(new StringReader(live.body())).readObject();
        assertThat(liveness.getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> "flowcast-stages".equals(c.getString("name")))).singleElement()
                .satisfies(c -> assertThat(c.getString("status")).isEqualTo("UP"));
        assertThat(ready.body()).contains("flowcast-pipeline");
    }

    // ---- admin console ----

    /** A browser-like client: keeps cookies, follows redirects. */
    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    private HttpResponse<String> get(HttpClient client, String path) {
        return send(client, HttpRequest.newBuilder(app(path.substring(1))).timeout(TIMEOUT).GET().build());
    }

    private HttpResponse<String> login(HttpClient client, String user, String password) {
        String form = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&j_password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return send(client, HttpRequest.newBuilder(app("admin/login")).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static void assertIsTheLoginPage(HttpResponse<String> response) {
        assertThat(response.body()).contains("name=\"j_password\"").doesNotContain("accepted-rate");
    }

    @Test
    void adminConsole_refusesAnonymousUsers() {
        HttpClient anonymous = browser();
        assertIsTheLoginPage(get(anonymous, "/admin/"));
        assertIsTheLoginPage(get(anonymous, "/admin/index.xhtml"));
        HttpResponse<String> json = get(anonymous, "/admin/stats.json");
        assertThat(json.headers().firstValue("Content-Type").orElse("")).doesNotStartWith("application/json");
        assertThat(json.body()).doesNotContain("\"accepted\"");
    }

    @Test
    void adminConsole_refusesAWrongPassword_andAnotherUser() {
        HttpClient client = browser();
        get(client, "/admin/");
        HttpResponse<String> wrong = login(client, "admin", "wrong-password");
        assertIsTheLoginPage(wrong);
        assertThat(wrong.body()).contains("Wrong user name or password");
        get(client, "/admin/");
        assertIsTheLoginPage(login(client, "root", ADMIN_PASSWORD));
        assertThat(get(client, "/admin/stats.json").body()).doesNotContain("\"accepted\"");
    }

    @Test
    void adminConsole_letsTheAdminIn_andServesItsNumbers() {
        HttpClient client = browser();
        get(client, "/admin/");
        HttpResponse<String> console = login(client, "admin", ADMIN_PASSWORD);
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.body()).contains("accepted-rate").contains("uPlot");
        HttpResponse<String> json = get(client, "/admin/stats.json?history=true");
        assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject stats = Json.createReader(new StringReader(json.body())).readObject();
        assertThat(stats.keySet()).contains("total", "cluster", "history");
        assertThat(get(client, "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
    }
}
