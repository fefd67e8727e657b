package dev.flowcast.it;

import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real nodes (two bundle JVMs) forming one Hazelcast cluster on loopback: an event published on either
 * reaches the subscribers of both, and one topic's seq stays gapless and duplicate-free when both nodes
 * publish to it at once.
 */
class ClusterIT {

    private static final String KEY = "cluster-it-key-0123456789";
    private static NodeProcess first;
    private static NodeProcess second;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        Map<String, String> env = Map.of(
                "FLOWCAST_PUBLISH_KEY", KEY,
                "FLOWCAST_CLUSTER_NAME", "cluster-it-" + UUID.randomUUID(),
                "FLOWCAST_CLUSTER_PORT", "5881",
                "FLOWCAST_CLUSTER_MEMBERS", "127.0.0.1");
        first = NodeProcess.start("cluster-a", env);
        second = NodeProcess.start("cluster-b", env);
        await().atMost(WsTestClient.TIMEOUT).until(() ->
                Api.getAbsolute(second.base(), "/metrics?scope=application").body().contains("flowcast_cluster_members{mp_scope=\"application\"} 2"));
    }

    @AfterAll
    static void stopNodes() {
        for (NodeProcess node : new NodeProcess[] {second, first}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static void publish(NodeProcess node, String topic, int n) {
        var response = new Api(node.base()).post("api/topics/" + topic + "/events", "{\"n\":" + n + "}",
                "application/json", "Bearer " + KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void anEventPublishedOnOneNode_reachesSubscribersOnBoth() {
        String topic = "public:cluster." + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient onFirst = WsTestClient.connect(first.base());
             WsTestClient onSecond = WsTestClient.connect(second.base())) {
            onFirst.subscribeAndWait(topic);
            onSecond.subscribeAndWait(topic);
            for (int n = 1; n <= 10; n++) {
                publish(first, topic, n);
            }
            for (WsTestClient client : List.of(onFirst, onSecond)) {
                List<JsonObject> events = client.awaitFrames(isEvent(topic), 10);
                assertThat(events).extracting(e -> e.getJsonNumber("seq").longValue())
                        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            }
        }
    }

    @Test
    void bothNodesPublishingOneTopic_giveOneGaplessSequence_seenIdenticallyEverywhere() throws Exception {
        String topic = "public:shared." + UUID.randomUUID().toString().substring(0, 8);
        int perNode = 200;
        try (WsTestClient onFirst = WsTestClient.connect(first.base());
             WsTestClient onSecond = WsTestClient.connect(second.base())) {
            onFirst.subscribeAndWait(topic);
            onSecond.subscribeAndWait(topic);
            Thread other = new Thread(() -> {
                for (int n = 0; n < perNode; n++) {
                    publish(second, topic, 1000 + n);
                }
            });
            other.start();
            for (int n = 0; n < perNode; n++) {
                publish(first, topic, n);
            }
            other.join();
            List<JsonObject> a = onFirst.awaitFrames(isEvent(topic), 2 * perNode);
            List<JsonObject> b = onSecond.awaitFrames(isEvent(topic), 2 * perNode);
            for (int i = 0; i < 2 * perNode; i++) {
                assertThat(a.get(i).getJsonNumber("seq").longValue()).isEqualTo(i + 1);
                assertThat(b.get(i).getString("id")).isEqualTo(a.get(i).getString("id"));
            }
            assertThat(onFirst.frames()).noneMatch(WsTestClient.ofType("gap"));
            assertThat(onSecond.frames()).noneMatch(WsTestClient.ofType("gap"));
        }
    }
}
