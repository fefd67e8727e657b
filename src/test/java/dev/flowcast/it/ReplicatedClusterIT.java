package dev.flowcast.it;

import static dev.flowcast.it.AcceptedEvents.assertExactlyOnceInOrder;
import static dev.flowcast.it.AcceptedEvents.awaitAll;
import static dev.flowcast.it.AcceptedEvents.ids;
import static dev.flowcast.it.AcceptedEvents.seq;
import static dev.flowcast.it.WsTestClient.isEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code replicated} durability on real nodes (bundle JVMs) under steady publishing: a member killed with SIGKILL,
 * a member joining and one leaving gracefully. Every event that got a {@code 202}, including those the dying member
 * accepted, reaches every client exactly once, in seq order, with no {@code gap}; clients of a member that went away
 * resume on another with {@code since}/{@code epoch}. The tests share one cluster and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedClusterIT {

    private static final String KEY = "replicated-it-key-0123456789";
    private static final Map<String, String> ENV = Map.of(
            "FLOWCAST_PUBLISH_KEY", KEY,
            "FLOWCAST_DURABILITY", "replicated",
            "FLOWCAST_CLUSTER_NAME", "replicated-it-" + UUID.randomUUID(),
            "FLOWCAST_CLUSTER_PORT", "6160",
            "FLOWCAST_CLUSTER_MEMBERS", "127.0.0.1:6160,127.0.0.1:6161,127.0.0.1:6162",
            "FLOWCAST_HISTORY_SIZE", "3000",
            "FLOWCAST_SHUTDOWN_DRAIN_TIMEOUT_MS", "5000");
    /** One event every 20 ms per publisher: 50 events/s per node. */
    private static final long PAUSE_MICROS = 20_000;
    /** Publish until closed (bounded all the same: a node start on a loaded box can take minutes). */
    private static final int UNTIL_CLOSED = 100_000;

    private static final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void startThreeMembers() throws Exception {
        nodes.addAll(NodeProcess.startAll(List.of("replicated-a", "replicated-b", "replicated-c"), ENV));
        await().atMost(Duration.ofSeconds(120)).until(() -> Api.getAbsolute(nodes.get(0).base(), "/metrics?scope=application")
                .body().contains("flowcast_cluster_members{mp_scope=\"application\"} 3"));
    }

    @AfterAll
    static void stopNodes() {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    @Order(1)
    void whenAMemberIsKilledMidStream_everyAcceptedEventReachesEveryClientOnce_inOrder_withoutGap() throws Exception {
        String topic = "public:kill." + UUID.randomUUID().toString().substring(0, 8);
        NodeProcess a = nodes.get(0);
        NodeProcess b = nodes.get(1);
        NodeProcess c = nodes.get(2);
        try (WsTestClient onA = WsTestClient.connect(a.base());
             WsTestClient onB = WsTestClient.connect(b.base());
             WsTestClient onC = WsTestClient.connect(c.base())) {
            onA.subscribeAndWait(topic);
            onB.subscribeAndWait(topic);
            String epoch = onC.subscribeAndWait(topic).getString("epoch");
            List<String> accepted = new ArrayList<>();
            try (SteadyPublisher toA = new SteadyPublisher(a, KEY, topic, PAUSE_MICROS, 300);
                 SteadyPublisher toB = new SteadyPublisher(b, KEY, topic, PAUSE_MICROS, 300);
                 SteadyPublisher toC = new SteadyPublisher(c, KEY, topic, PAUSE_MICROS, 300)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> toC.accepted().size() >= 60);
                c.kill();
                nodes.remove(c);
                await().atMost(Duration.ofSeconds(60)).until(() -> toA.accepted().size() >= 150 && toB.accepted().size() >= 150);
                toA.close();
                toB.close();
                toC.close();
                accepted.addAll(toA.accepted());
                accepted.addAll(toB.accepted());
                accepted.addAll(toC.accepted());
                assertThat(toC.accepted()).as("the killed member had accepted events").isNotEmpty();
            }
            // C's client lost its connection: it resumes on A with what it saw
            List<JsonObject> seenOnC = onC.events(topic);
            long since = seenOnC.isEmpty() ? 0 : seq(seenOnC.get(seenOnC.size() - 1));
            try (WsTestClient resumed = WsTestClient.connect(a.base())) {
                resumed.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":" + since
                        + ",\"epoch\":\"" + epoch + "\"}");
                List<JsonObject> fromA = awaitAll(onA, topic, accepted);
                List<JsonObject> fromB = awaitAll(onB, topic, accepted);
                long newest = seq(fromA.get(fromA.size() - 1));
                List<JsonObject> resumedEvents = resumed.awaitFrames(isEvent(topic), (int) (newest - since));
                List<JsonObject> onCThenResumed = new ArrayList<>(seenOnC);
                onCThenResumed.addAll(resumedEvents);
                for (List<JsonObject> seen : List.of(fromA, fromB, onCThenResumed)) {
                    assertExactlyOnceInOrder(seen, accepted);
                }
                assertThat(ids(fromB)).isEqualTo(ids(fromA));
                assertThat(ids(onCThenResumed).subList(0, fromA.size())).isEqualTo(ids(fromA));
                assertThat(resumed.awaitFrame(WsTestClient.ofType("subscribed")).getString("epoch")).isEqualTo(epoch);
                for (WsTestClient client : List.of(onA, onB, resumed)) {
                    assertThat(client.frames()).noneMatch(WsTestClient.ofType("gap"));
                }
            }
        }
    }

    @Test
    @Order(2)
    void aMemberJoiningAndOneLeavingGracefully_underLoad_loseNothing() throws Exception {
        String topic = "public:churn." + UUID.randomUUID().toString().substring(0, 8);
        NodeProcess a = nodes.get(0);
        NodeProcess b = nodes.get(1);
        try (WsTestClient onA = WsTestClient.connect(a.base());
             WsTestClient onB = WsTestClient.connect(b.base())) {
            onA.subscribeAndWait(topic);
            String epoch = onB.subscribeAndWait(topic).getString("epoch");
            List<String> accepted = new ArrayList<>();
            NodeProcess d;
            try (SteadyPublisher toA = new SteadyPublisher(a, KEY, topic, PAUSE_MICROS, UNTIL_CLOSED);
                 SteadyPublisher toB = new SteadyPublisher(b, KEY, topic, PAUSE_MICROS, UNTIL_CLOSED)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> toA.accepted().size() >= 30);
                d = NodeProcess.start("replicated-d", ENV); // joins while A and B take events
                nodes.add(d);
                try (WsTestClient onD = WsTestClient.connect(d.base());
                     SteadyPublisher toD = new SteadyPublisher(d, KEY, topic, PAUSE_MICROS, UNTIL_CLOSED)) {
                    onD.subscribeAndWait(topic);
                    await().atMost(Duration.ofSeconds(60)).until(() -> toD.accepted().size() >= 30);
                    b.signalTerm(); // leaves gracefully while everyone publishes
                    assertThat(onB.awaitClose()).isEqualTo(1001);
                    assertThat(b.awaitExit(Duration.ofSeconds(60))).as("B exited").isTrue();
                    nodes.remove(b);
                    int afterLeave = toA.accepted().size();
                    await().atMost(Duration.ofSeconds(60)).until(() -> toA.accepted().size() >= afterLeave + 30);
                    toA.close();
                    toB.close();
                    toD.close();
                    accepted.addAll(toA.accepted());
                    accepted.addAll(toB.accepted());
                    accepted.addAll(toD.accepted());

                    List<JsonObject> fromA = awaitAll(onA, topic, accepted);
                    assertExactlyOnceInOrder(fromA, accepted);
                    List<JsonObject> seenOnB = onB.events(topic);
                    long since = seenOnB.isEmpty() ? 0 : seq(seenOnB.get(seenOnB.size() - 1));
                    try (WsTestClient resumed = WsTestClient.connect(d.base())) {
                        resumed.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"since\":" + since
                                + ",\"epoch\":\"" + epoch + "\"}");
                        long newest = seq(fromA.get(fromA.size() - 1));
                        List<JsonObject> both = new ArrayList<>(seenOnB);
                        both.addAll(resumed.awaitFrames(isEvent(topic), (int) (newest - since)));
                        assertExactlyOnceInOrder(both, accepted);
                        assertThat(resumed.frames()).noneMatch(WsTestClient.ofType("gap"));
                    }
                    // D joined mid-stream: from its first event on, consecutive, none twice, no gap
                    List<JsonObject> fromD = onD.events(topic);
                    for (int i = 1; i < fromD.size(); i++) {
                        assertThat(seq(fromD.get(i))).isEqualTo(seq(fromD.get(i - 1)) + 1);
                    }
                    assertThat(onA.frames()).noneMatch(WsTestClient.ofType("gap"));
                    assertThat(onD.frames()).noneMatch(WsTestClient.ofType("gap"));
                }
            }
        }
    }

    @Test
    @Order(3)
    void whenTwoOfThreeMembersDieAtOnce_lostTopicsComeBackUnderANewEpoch_theOthersReplayExactly() throws Exception {
        NodeProcess a = nodes.get(0);
        NodeProcess e = NodeProcess.start("replicated-e", ENV); // with A and D: three members again
        nodes.add(e);
        await().atMost(Duration.ofSeconds(120)).until(() -> Api.getAbsolute(a.base(), "/metrics?scope=application")
                .body().contains("flowcast_cluster_members{mp_scope=\"application\"} 3"));
        String prefix = "public:loss." + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> epochs = new LinkedHashMap<>();
        try (WsTestClient before = WsTestClient.connect(a.base())) {
            for (int t = 0; t < 60; t++) {
                String topic = prefix + t;
                for (int n = 1; n <= 3; n++) { // a 202 in replicated mode: numbered and held by two members
                    var answer = new Api(a.base()).post("api/topics/" + topic + "/events", "{\"n\":" + n + "}",
                            "application/json", "Bearer " + KEY);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                }
                epochs.put(topic, before.subscribeAndWait(topic).getString("epoch"));
            }
        }
        // owner and backup of some partitions are both on D and E: those topics' logs die with them
        List<NodeProcess> doomed = nodes.subList(1, nodes.size());
        for (NodeProcess node : doomed) {
            node.kill();
        }
        doomed.clear();
        await().atMost(Duration.ofSeconds(120)).until(() -> Api.getAbsolute(a.base(), "/metrics?scope=application")
                .body().contains("flowcast_cluster_members{mp_scope=\"application\"} 1"));

        int lost = 0;
        int kept = 0;
        try (WsTestClient resumed = WsTestClient.connect(a.base())) {
            for (var topic : epochs.entrySet()) {
                resumed.send("{\"type\":\"subscribe\",\"topic\":\"" + topic.getKey() + "\",\"since\":1,\"epoch\":\""
                        + topic.getValue() + "\"}");
                JsonObject subscribed = resumed.awaitFrame(f -> "subscribed".equals(f.getString("type", null))
                        && topic.getKey().equals(f.getString("topic", null)));
                if (topic.getValue().equals(subscribed.getString("epoch"))) {
                    kept++; // same epoch: the history is whole, so the resume replays exactly what came after 1
                    List<JsonObject> replay = resumed.awaitFrames(isEvent(topic.getKey()), 2);
                    assertThat(replay.stream().map(AcceptedEvents::seq)).containsExactly(2L, 3L);
                } else {
                    lost++; // a new epoch: the client knows its cursor is void; the topic starts again, empty
                    assertThat(subscribed.getJsonNumber("seq").longValue()).as(topic.getKey()).isZero();
                }
            }
            assertThat(resumed.frames().stream().filter(f -> "event".equals(f.getString("type", null))))
                    .as("only the kept topics replay").hasSize(2 * kept);
        }
        assertThat(lost).as("topics whose partition had owner and backup on the killed members").isPositive();
        assertThat(kept).as("topics whose partition had a copy on the survivor").isPositive();
    }
}
