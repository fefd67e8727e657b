package dev.flowcast.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stage stalled for real, seen from outside: the {@code persistent} store frozen with SIGSTOP (connections open,
 * nothing answers), so the sequencer's writes hang and the ingest queue fills. Then {@code /health/live} goes DOWN
 * and comes back UP once the store answers, and each overflow policy answers over HTTP as contract §1/§2 say.
 * Three nodes (one per policy), one PostgreSQL server.
 */
class StalledStoreIT {

    private static final String KEY = "stalled-it-key-0123456789";
    private static final int CAPACITY = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static PostgresServer postgres;
    private static final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        int port = 6190;
        for (String policy : List.of("block", "drop-newest", "drop-oldest")) {
            envs.put("stalled-" + policy, Map.ofEntries(
                    Map.entry("FLOWCAST_PUBLISH_KEY", KEY),
                    Map.entry("FLOWCAST_DURABILITY", "persistent"),
                    Map.entry("FLOWCAST_STORE_URL", postgres.jdbcUrl()),
                    Map.entry("FLOWCAST_STORE_USER", "postgres"),
                    Map.entry("FLOWCAST_CLUSTER_NAME", "stalled-it-" + policy + "-" + UUID.randomUUID()),
                    Map.entry("FLOWCAST_CLUSTER_PORT", Integer.toString(port++)),
                    Map.entry("FLOWCAST_QUEUE_CAPACITY", Integer.toString(CAPACITY)),
                    Map.entry("FLOWCAST_QUEUE_OVERFLOW", policy),
                    Map.entry("FLOWCAST_QUEUE_OFFER_TIMEOUT_MS", "300"),
                    Map.entry("FLOWCAST_HEALTH_STALL_SECONDS", "2")));
        }
        List<NodeProcess> started = NodeProcess.startAll(envs);
        int i = 0;
        for (String name : envs.keySet()) {
            nodes.put(name, started.get(i++));
        }
    }

    @AfterEach
    void thawAndSettle() throws Exception {
        postgres.thaw();
        // every publish sent by the test gets its answer (202 once stored, or 503 after the store timed out)
        for (var answer : pending) {
            answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.values().forEach(NodeProcess::close);
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aStoreThatHangs_stallsTheIngest_liveGoesDown_andComesBackUpOnceItAnswers() throws Exception {
        URI base = nodes.get("stalled-block").base();
        assertThat(live(base)).isEqualTo(200);
        String topic = "stalled.live." + UUID.randomUUID().toString().substring(0, 8);
        postgres.freeze();
        publishLater(base, topic);
        publishLater(base, topic);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> live(base) == 503);
        postgres.thaw();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> live(base) == 200);
    }

    @Test
    void block_waitsTheOfferTimeout_thenAnswers429WithRetryAfter() throws Exception {
        HttpResponse<String> overflow = publishIntoAFullQueue("stalled-block", 429);
        assertThat(json(overflow).getString("error")).isEqualTo("queue_full");
        assertThat(overflow.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void dropNewest_answers202Dropped_forTheEventThatFoundTheQueueFull() throws Exception {
        HttpResponse<String> overflow = publishIntoAFullQueue("stalled-drop-newest", 202);
        assertThat(json(overflow).getBoolean("dropped", false)).isTrue();
        assertThat(stats(nodes.get("stalled-drop-newest").base()).getJsonNumber("dropped").longValue())
                .isGreaterThanOrEqualTo(1);
    }

    /** One more publish on {@code node} once its queue is full; asserts the status it got. */
    private HttpResponse<String> publishIntoAFullQueue(String node, int status) throws Exception {
        URI base = nodes.get(node).base();
        String topic = fillTheQueue(base);
        HttpResponse<String> overflow = publish(base, topic).join();
        assertThat(overflow.statusCode()).as(overflow.body()).isEqualTo(status);
        return overflow;
    }

    @Test
    void dropOldest_evictsTheOldestWaitingEvent_whosePublisherHears202Dropped() throws Exception {
        URI base = nodes.get("stalled-drop-oldest").base();
        String topic = fillTheQueue(base);
        CompletableFuture<HttpResponse<String>> oldestQueued = pending.get(1); // [0] hangs in flight, [1] waits first
        publishLater(base, topic);
        HttpResponse<String> evicted = oldestQueued.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(evicted.statusCode()).as(evicted.body()).isEqualTo(202);
        assertThat(json(evicted).getBoolean("dropped", false)).isTrue();
    }

    /**
     * Freezes the store, then sends one publish that the ingest worker takes (and hangs on) and {@link #CAPACITY}
     * more that wait in the queue; returns the topic, its queue now full.
     */
    private String fillTheQueue(URI base) throws Exception {
        String topic = "stalled." + UUID.randomUUID().toString().substring(0, 8);
        // One event stored first, store running: the topic's history is loaded and the node's pool holds a live
        // connection, so the next write hangs on the frozen server instead of failing fast on a dead connection.
        HttpResponse<String> first = publish(base, topic).join();
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        postgres.freeze();
        publishLater(base, topic);
        await().atMost(TIMEOUT).until(() -> ingest(base).getInt("inFlight") >= 1);
        for (int i = 1; i <= CAPACITY; i++) {
            publishLater(base, topic);
            int queued = i; // one at a time: concurrent requests may reach the queue in any order
            await().atMost(TIMEOUT).until(() -> ingest(base).getInt("depth") == queued);
        }
        // the stats are a snapshot of the last second: wait for one taken after the queue filled behind a worker
        // that has made no progress since (the store's socket timeout, 10 s, is far off)
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonObject ingest = ingest(base);
            return ingest.getInt("depth") == CAPACITY && ingest.getInt("inFlight") >= 1
                    && ingest.getJsonNumber("sinceLastProgressMs").longValue() >= 1_500;
        });
        return topic;
    }

    private void publishLater(URI base, String topic) {
        pending.add(publish(base, topic));
    }

    private static CompletableFuture<HttpResponse<String>> publish(URI base, String topic) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/topics/" + topic + "/events"))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"at\":" + System.nanoTime() + "}"))
                .build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int live(URI base) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/health/live")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static JsonObject stats(URI base) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/stats")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonObject ingest(URI base) throws Exception {
        return stats(base).getJsonArray("stages").stream().map(JsonObject.class::cast)
                .filter(stage -> "ingest".equals(stage.getString("name"))).findFirst().orElseThrow();
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
