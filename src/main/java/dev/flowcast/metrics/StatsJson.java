package dev.flowcast.metrics;

import dev.flowcast.event.JsonP;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of contract §4 for {@link StatsSnapshot}, {@link ClusterView} and the console's history, written and
 * (for the snapshots other members publish) read back with JSON-P.
 *
 * <p>Threading: stateless.
 */
public final class StatsJson {

    private StatsJson() {
    }

    /** The {@code /api/stats} body: this member's fields at the top, {@code cluster} per member, {@code total}. */
    public static JsonObject view(ClusterView view) {
        JsonArrayBuilder cluster = JsonP.PROVIDER.createArrayBuilder();
        view.members().forEach(m -> cluster.add(snapshot(m)));
        return snapshot(view.local())
                .add("cluster", cluster)
                .add("total", snapshot(view.total()))
                .build();
    }

    /** One member's (or the totals') object. */
    public static JsonObjectBuilder snapshot(StatsSnapshot s) {
        JsonArrayBuilder stages = JsonP.PROVIDER.createArrayBuilder();
        for (StageSnapshot st : s.stages()) {
            stages.add(JsonP.PROVIDER.createObjectBuilder()
                    .add("name", st.name())
                    .add("depth", st.depth())
                    .add("capacity", st.capacity())
                    .add("inFlight", st.inFlight())
                    .add("inPerSecond", round(st.inPerSecond()))
                    .add("outPerSecond", round(st.outPerSecond()))
                    .add("dropped", st.dropped())
                    .add("sinceLastProgressMs", st.sinceLastProgressMs()));
        }
        JsonArrayBuilder topics = JsonP.PROVIDER.createArrayBuilder();
        for (TopicLoad t : s.topics()) {
            topics.add(JsonP.PROVIDER.createObjectBuilder().add("topic", t.topic()).add("subscribers", t.subscribers()));
        }
        JsonObjectBuilder object = JsonP.PROVIDER.createObjectBuilder()
                .add("node", s.node())
                .add("memberId", s.memberId())
                .add("at", s.atMillis())
                .add("members", s.members())
                .add("sessions", s.sessions())
                .add("subscriptions", s.subscriptions())
                .add("accepted", s.accepted())
                .add("rejected", s.rejected())
                .add("delivered", s.delivered())
                .add("dropped", s.dropped())
                .add("gaps", s.gaps())
                .add("clientsCut", s.clientsCut())
                .add("acceptedPerSecond", round(s.acceptedPerSecond()))
                .add("deliveredPerSecond", round(s.deliveredPerSecond()))
                .add("latencyMs", latency(s.latencyMs()))
                .add("stages", stages)
                .add("topics", topics);
        if (s.store() != null) {
            object.add("store", JsonP.PROVIDER.createObjectBuilder()
                    .add("failures", s.store().failures())
                    .add("writeMs", latency(s.store().writeMs())));
        }
        return object;
    }

    private static JsonObjectBuilder latency(LatencyStats l) {
        return JsonP.PROVIDER.createObjectBuilder()
                .add("p50", l.p50())
                .add("p90", l.p90())
                .add("p99", l.p99())
                .add("max", l.max())
                .add("count", l.count())
                .add("recorded", l.recorded());
    }

    private static LatencyStats readLatency(JsonObject l) {
        return new LatencyStats(longOf(l, "count"), longOf(l, "recorded"), doubleOf(l, "p50"), doubleOf(l, "p90"),
                doubleOf(l, "p99"), doubleOf(l, "max"));
    }

    /** Reads back what {@link #snapshot} wrote (another member's entry in the cluster map). */
    public static StatsSnapshot readSnapshot(JsonObject o) {
        List<StageSnapshot> stages = new ArrayList<>();
        for (JsonValue v : o.getJsonArray("stages")) {
            JsonObject st = v.asJsonObject();
            stages.add(new StageSnapshot(st.getString("name"), longOf(st, "depth"), longOf(st, "capacity"),
                    longOf(st, "inFlight"), doubleOf(st, "inPerSecond"), doubleOf(st, "outPerSecond"),
                    longOf(st, "dropped"), longOf(st, "sinceLastProgressMs")));
        }
        List<TopicLoad> topics = new ArrayList<>();
        for (JsonValue v : o.getJsonArray("topics")) {
            JsonObject t = v.asJsonObject();
            topics.add(new TopicLoad(t.getString("topic"), longOf(t, "subscribers")));
        }
        LatencyStats latency = readLatency(o.getJsonObject("latencyMs"));
        JsonObject s = o.getJsonObject("store"); // absent: not persistent, or a member of an earlier version
        StoreStats store = s == null ? null : new StoreStats(longOf(s, "failures"), readLatency(s.getJsonObject("writeMs")));
        return new StatsSnapshot(o.getString("node"), o.getString("memberId"), longOf(o, "at"),
                (int) longOf(o, "members"), longOf(o, "sessions"), longOf(o, "subscriptions"), longOf(o, "accepted"),
                longOf(o, "rejected"), longOf(o, "delivered"), longOf(o, "dropped"), longOf(o, "gaps"),
                longOf(o, "clientsCut"), doubleOf(o, "acceptedPerSecond"), doubleOf(o, "deliveredPerSecond"), latency,
                stages, topics, store);
    }

    /** The console's chart data, oldest first. */
    public static JsonArrayBuilder history(List<HistoryPoint> points) {
        JsonArrayBuilder array = JsonP.PROVIDER.createArrayBuilder();
        for (HistoryPoint p : points) {
            JsonObjectBuilder depths = JsonP.PROVIDER.createObjectBuilder();
            p.depths().forEach(depths::add);
            array.add(JsonP.PROVIDER.createObjectBuilder()
                    .add("at", p.atMillis())
                    .add("acceptedPerSecond", round(p.acceptedPerSecond()))
                    .add("deliveredPerSecond", round(p.deliveredPerSecond()))
                    .add("p50", p.p50Ms())
                    .add("p99", p.p99Ms())
                    .add("depths", depths));
        }
        return array;
    }

    private static long longOf(JsonObject o, String key) {
        return ((JsonNumber) o.get(key)).longValue();
    }

    private static double doubleOf(JsonObject o, String key) {
        return ((JsonNumber) o.get(key)).doubleValue();
    }

    /** Rates to one decimal: more digits are noise and only make the console's figures flicker. */
    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
