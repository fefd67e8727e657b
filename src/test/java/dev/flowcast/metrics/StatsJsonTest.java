package dev.flowcast.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsJsonTest {

    static StatsSnapshot member(String node, long accepted, long delivered, long fanoutDepth) {
        return new StatsSnapshot(node, "id-" + node, 1_700_000_000_000L, 2, 3, 4, accepted, 1, delivered, 2, 5, 6,
                10.5, 21.5, new LatencyStats(9, delivered, 1.5, 2.5, 3.5, 4.5),
                List.of(new StageSnapshot("ingest", 0, 100, 0, 10.5, 10.5, 2, 0),
                        new StageSnapshot("fanout", fanoutDepth, 100, 1, 10.5, 10.0, 0, 7)),
                List.of(new TopicLoad("public:a", 2), new TopicLoad("public:b", 1)), null);
    }

    static StatsSnapshot persistentMember(String node) {
        StatsSnapshot m = member(node, 10, 20, 3);
        return new StatsSnapshot(m.node(), m.memberId(), m.atMillis(), m.members(), m.sessions(), m.subscriptions(),
                m.accepted(), m.rejected(), m.delivered(), m.dropped(), m.gaps(), m.clientsCut(), m.acceptedPerSecond(),
                m.deliveredPerSecond(), m.latencyMs(), m.stages(), m.topics(),
                new StoreStats(2, new LatencyStats(40, 900, 1.25, 3.5, 9.75, 12.0)));
    }

    @Test
    void aMemberObject_hasEveryFieldOfTheContract() {
        JsonObject json = StatsJson.snapshot(member("n1", 10, 20, 3)).build();
        assertThat(json.keySet()).contains("node", "members", "sessions", "subscriptions", "accepted", "rejected",
                "delivered", "dropped", "gaps", "acceptedPerSecond", "deliveredPerSecond", "latencyMs", "stages");
        assertThat(json.getJsonObject("latencyMs").keySet()).contains("p50", "p90", "p99", "max");
        assertThat(json.getJsonArray("stages").getJsonObject(1).keySet())
                .contains("name", "depth", "capacity", "inFlight", "inPerSecond", "outPerSecond", "dropped");
    }

    @Test
    void aMemberObject_readsBackAsTheSameSnapshot() {
        StatsSnapshot original = member("n1", 10, 20, 3);
        assertThat(StatsJson.readSnapshot(StatsJson.snapshot(original).build())).isEqualTo(original);
    }

    @Test
    void aPersistentMember_showsItsStore_andReadsBackTheSame_whileOthersHaveNoStoreObject() {
        StatsSnapshot persistent = persistentMember("p");
        JsonObject json = StatsJson.snapshot(persistent).build();
        assertThat(json.getJsonObject("store").getInt("failures")).isEqualTo(2);
        assertThat(json.getJsonObject("store").getJsonObject("writeMs").getJsonNumber("p99").doubleValue()).isEqualTo(9.75);
        assertThat(StatsJson.readSnapshot(json)).isEqualTo(persistent);

        JsonObject memory = StatsJson.snapshot(member("m", 1, 2, 3)).build();
        assertThat(memory.keySet()).doesNotContain("store");
        assertThat(StatsJson.readSnapshot(memory).store()).isNull();
    }

    @Test
    void theView_hasThisMemberAtTheTop_everyMemberInCluster_andTheTotals() {
        StatsSnapshot a = member("a", 10, 20, 3);
        StatsSnapshot b = member("b", 1, 2, 4);
        JsonObject json = StatsJson.view(new ClusterView(a, List.of(a, b), ClusterTotals.of(List.of(a, b),
                new Histogram(2))));
        assertThat(json.getString("node")).isEqualTo("a");
        assertThat(json.getJsonArray("cluster")).hasSize(2);
        assertThat(json.getJsonArray("cluster").getJsonObject(1).getString("node")).isEqualTo("b");
        assertThat(json.getJsonObject("total").getInt("accepted")).isEqualTo(11);
    }
}
