package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave, against a real node with small limits (contract §1, §3; issue "hostile clients"): frame
 * floods, too many connections, peers that stop reading and answering, slow consumers, tokens that expire, topic
 * churn. Meanwhile an ordinary client keeps receiving every event in order.
 */
class HostileClientsIT {

    private static final int MAX_CONNECTIONS = 40;
    private static final int FRAMES_PER_SECOND = 20;
    private static final int PING_SECONDS = 2;
    private static final int MAX_PENDING = 300;
    private static final int MAX_PENDING_BYTES = 256 * 1024;
    private static final String CLUSTER_NAME = "hostile-it-" + UUID.randomUUID();
    private static final int CLUSTER_PORT = 5921;
    private static NodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeProcess.start("hostile", Map.of(
                "FLOWCAST_PUBLISH_KEY", Api.PUBLISH_KEY,
                "FLOWCAST_AUTH_SECRET", Tokens.SECRET,
                "FLOWCAST_CLUSTER_NAME", CLUSTER_NAME,
                "FLOWCAST_CLUSTER_PORT", Integer.toString(CLUSTER_PORT),
                "FLOWCAST_HISTORY_SIZE", "100",
                "FLOWCAST_CLIENT_MAX_PENDING", Integer.toString(MAX_PENDING),
                "FLOWCAST_CLIENT_MAX_PENDING_BYTES", Integer.toString(MAX_PENDING_BYTES),
                "FLOWCAST_CLIENT_MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS),
                "FLOWCAST_CLIENT_MAX_FRAMES_PER_SECOND", Integer.toString(FRAMES_PER_SECOND),
                "FLOWCAST_CLIENT_PING_SECONDS", Integer.toString(PING_SECONDS)));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static Api api() {
        return new Api(node.base());
    }

    private static String fresh(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject stats() {
        var response = api().getWithKey("api/stats");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static int sessions() {
        return stats().getInt("sessions");
    }

    private static void publish(String topic, int n) {
        var response = api().publish(topic, "{\"n\":" + n + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** Publishes a steady stream to {@code topic} on its own thread until stopped; returns how many it published. */
    private static final class SteadyPublisher implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile int published;

        SteadyPublisher(String topic) {
            thread = new Thread(() -> {
                while (running.get()) {
                    publish(topic, published + 1);
                    published++;
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // ~100 events/s: pacing, not sync
                }
            });
            thread.start();
        }

        int stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return published;
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }

    @Test
    void aFloodingClient_getsRateLimited_thenIsClosedWith1008_whileAnOrdinaryClientGetsEveryEventInOrder()
            throws Exception {
        String topic = fresh("public:steady.");
        try (WsTestClient ordinary = WsTestClient.connect(node.base());
             WsTestClient flooder = WsTestClient.connect(node.base())) {
            ordinary.subscribeAndWait(topic);
            int published;
            try (SteadyPublisher publisher = new SteadyPublisher(topic)) {
                for (int i = 0; i < 1000 && !flooder.isClosed(); i++) {
                    try {
                        flooder.send("{\"type\":\"subscribe\",\"topic\":\"public:flood." + i + "\"}");
                    } catch (CompletionException closedMeanwhile) {
                        break;
                    }
                }
                assertThat(flooder.awaitClose()).isEqualTo(1008);
                assertThat(flooder.closeReason()).isEqualTo("rate limited");
                published = publisher.stop();
            }
            assertThat(flooder.frames()).anyMatch(f -> "rate_limited".equals(f.getString("code", null))
                    && f.getString("topic", "").startsWith("public:flood."));
            List<JsonObject> events = ordinary.awaitFrames(isEvent(topic), published);
            assertThat(events).extracting(e -> e.getJsonNumber("seq").longValue())
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, published).boxed().toList());
        }
    }

    @Test
    void pastMaxConnections_theUpgradeIsRefusedWith503_andAFreedSlotIsUsableAgain() throws Exception {
        List<WsTestClient> open = new ArrayList<>();
        try {
            await().atMost(WsTestClient.TIMEOUT).until(() -> sessions() == 0);
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                open.add(WsTestClient.connect(node.base()));
            }
            URI ws = URI.create(node.base().toString().replaceFirst("^http", "ws") + "ws");
            assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(ws, new WebSocket.Listener() { }).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(503));
            open.remove(0).close();
            await().atMost(WsTestClient.TIMEOUT).until(() -> sessions() < MAX_CONNECTIONS);
            try (WsTestClient again = WsTestClient.connect(node.base())) {
                assertThat(again.subscribeAndWait(fresh("public:again.")).getString("type")).isEqualTo("subscribed");
            }
        } finally {
            open.forEach(WsTestClient::close);
        }
    }

    @Test
    void aPeerThatStopsReadingAndAnswering_isClosedWithinThreePingPeriods() throws Exception {
        await().atMost(WsTestClient.TIMEOUT).until(() -> sessions() == 0);
        try (RawWebSocket silent = RawWebSocket.connect(node.base(), 0)) {
            silent.sendText("{\"type\":\"subscribe\",\"topic\":\"public:silent\"}");
            await().atMost(WsTestClient.TIMEOUT).until(() -> sessions() == 1);
            long opened = System.nanoTime();
            // it reads nothing and never answers a ping: the server gives up after 3 periods (+ one tick)
            await().atMost(Duration.ofSeconds(3L * PING_SECONDS + 10)).until(() -> sessions() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - opened))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(3L * PING_SECONDS - 1));
            List<Integer> opcodes = new ArrayList<>();
            RawWebSocket.Frame frame;
            do {
                frame = silent.readFrame();
                opcodes.add(frame.opcode());
            } while (frame.opcode() != RawWebSocket.CLOSE);
            assertThat(opcodes).contains(RawWebSocket.PING); // it was asked
            assertThat(frame.closeCode()).isEqualTo(1001);
            assertThat(frame.text()).isEqualTo("ping timeout");
        }
    }

    @Test
    void aClientThatAnswersPings_staysConnectedAcrossManyPeriods() throws Exception {
        try (RawWebSocket polite = RawWebSocket.connect(node.base(), 0)) {
            polite.sendText("{\"type\":\"subscribe\",\"topic\":\"public:polite\"}");
            long until = System.nanoTime() + Duration.ofSeconds(6L * PING_SECONDS).toNanos();
            int pings = 0;
            while (System.nanoTime() < until) {
                RawWebSocket.Frame frame = polite.readFrame();
                assertThat(frame.opcode()).isNotEqualTo(RawWebSocket.CLOSE);
                if (frame.opcode() == RawWebSocket.PING) {
                    pings++;
                    polite.sendPong();
                }
            }
            assertThat(pings).isGreaterThanOrEqualTo(3);
        }
    }

    /** Publishes {@code count} events of about {@code bytes} bytes each to {@code topic}, in batches of 100. */
    private static void publishBulk(String topic, int count, int bytes) {
        String data = "\"" + "x".repeat(bytes) + "\"";
        for (int sent = 0; sent < count; sent += 100) {
            StringBuilder batch = new StringBuilder("[");
            for (int j = 0; j < Math.min(100, count - sent); j++) {
                batch.append(j == 0 ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"data\":")
                        .append(data).append('}');
            }
            var response = api().post("api/events", batch.append(']').toString(), "application/json",
                    "Bearer " + Api.PUBLISH_KEY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
    }

    private static long clientsCut() {
        return stats().getJsonNumber("clientsCut").longValue();
    }

    @Test
    void aClientWhoseReplayOverflowsItsOutbox_isClosedWith1008SlowConsumer_overTheWire() throws Exception {
        String topic = fresh("public:replay.");
        publishBulk(topic, 100, 4000); // 400 KB of history, more than the 256 KiB a client may have queued
        long cutBefore = clientsCut();
        try (RawWebSocket late = RawWebSocket.connect(node.base(), 0)) {
            late.sendText("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":0}");
            RawWebSocket.Frame close = late.readUntilClosed(); // its socket drains fine: the close frame gets out
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.text()).isEqualTo("slow consumer");
        }
        await().atMost(WsTestClient.TIMEOUT).until(() -> clientsCut() == cutBefore + 1);
    }

    @Test
    void aSlowConsumerThatStopsReading_isCut_andItsSocketDropped_whileOthersGetEveryEvent() throws Exception {
        String topic = fresh("public:slow.");
        long cutBefore = clientsCut();
        try (RawWebSocket stuck = RawWebSocket.connect(node.base(), 4096);
             WsTestClient reader = WsTestClient.connect(node.base())) {
            reader.subscribeAndWait(topic);
            stuck.sendText("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
            assertThat(stuck.readFrame().text()).contains("\"subscribed\"");
            int published = 0;
            // it reads nothing: TCP and the container's buffers fill first, then its outbox overflows
            while (clientsCut() == cutBefore && published < 20_000) {
                publishBulk(topic, 500, 1000);
                published += 500;
            }
            assertThat(clientsCut()).isEqualTo(cutBefore + 1);
            // the close frame cannot get out past the unread data, so the server drops the connection
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    !TcpStates.ESTABLISHED.equals(TcpStates.serverEnd(node.base().getPort(), stuck.localPort())));
            assertThat(reader.awaitFrames(isEvent(topic), published)).hasSize(published);
        }
    }

    /**
     * Topic churn (issue 11): a client looping over random topic names must cost the cluster nothing. Hazelcast's own
     * count of distributed objects is read by a Hazelcast client of the node's member, from this JVM. (That the
     * node forgets a topic with its last subscriber is FanOutTest's.)
     */
    @Test
    void topicChurn_createsNoClusterObjects() {
        ClientConfig config = new ClientConfig();
        config.setClusterName(CLUSTER_NAME);
        config.getNetworkConfig().addAddress("127.0.0.1:" + CLUSTER_PORT);
        HazelcastInstance cluster = HazelcastClient.newHazelcastClient(config);
        try {
            int before = cluster.getDistributedObjects().size();
            // paced by connection: each sends 16 frames, within the burst the frame-rate limit allows
            for (int connection = 0; connection < 25; connection++) {
                try (WsTestClient churner = WsTestClient.connect(node.base())) {
                    for (int i = 0; i < 8; i++) {
                        String topic = fresh("public:churn.");
                        churner.subscribeAndWait(topic);
                        churner.send("{\"type\":\"unsubscribe\",\"topic\":\"" + topic + "\"}");
                        churner.awaitFrame(f -> "unsubscribed".equals(f.getString("type", null))
                                && topic.equals(f.getString("topic", null)));
                    }
                }
            }
            // a constant, not one per topic: whatever the first subscribe of all may create lazily
            assertThat(cluster.getDistributedObjects().size()).as("Hazelcast distributed objects after 200 pairs")
                    .isLessThanOrEqualTo(before + 3);
        } finally {
            cluster.shutdown();
        }
    }

    @Test
    void aConnectTokenThatExpires_closesTheConnectionWith1008TokenExpired() {
        String topic = fresh("user:");
        try (WsTestClient client = WsTestClient.connect(node.base(), "token=" + Tokens.expiringIn(Duration.ofSeconds(3), topic))) {
            client.subscribeAndWait(topic);
            assertThat(client.awaitClose()).isEqualTo(1008);
            assertThat(client.closeReason()).isEqualTo("token expired");
        }
    }

    @Test
    void aSubscriptionWhoseFrameTokenExpires_endsWithUnsubscribedTokenExpired_andTheConnectionGoesOn() {
        String topic = fresh("user:");
        try (WsTestClient client = WsTestClient.connect(node.base())) {
            client.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"token\":\""
                    + Tokens.expiringIn(Duration.ofSeconds(3), topic) + "\"}");
            client.awaitFrame(f -> "subscribed".equals(f.getString("type", null)));
            JsonObject ended = client.awaitFrame(f -> "unsubscribed".equals(f.getString("type", null)));
            assertThat(ended.getString("topic")).isEqualTo(topic);
            assertThat(ended.getString("reason")).isEqualTo("token_expired");
            publish(topic, 1);
            client.send("{\"type\":\"ping\"}");
            client.awaitFrame(f -> "pong".equals(f.getString("type", null)));
            assertThat(client.events(topic)).isEmpty();
            assertThat(client.isClosed()).isFalse();
        }
    }
}
