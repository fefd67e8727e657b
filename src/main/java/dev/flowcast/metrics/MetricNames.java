package dev.flowcast.metrics;

import java.util.List;

/**
 * Every application metric name (contract §4). The README's metrics table lists exactly these;
 * {@code MetricsDocTest} fails when the two drift apart.
 */
public final class MetricNames {

    public static final String EVENTS_ACCEPTED = "flowcast.events.accepted";
    public static final String EVENTS_REJECTED = "flowcast.events.rejected";
    public static final String EVENTS_DELIVERED = "flowcast.events.delivered";
    public static final String EVENTS_DROPPED = "flowcast.events.dropped";
    public static final String GAPS = "flowcast.gaps";
    public static final String CLIENTS_CUT = "flowcast.clients.cut";
    public static final String QUEUE_DEPTH = "flowcast.queue.depth";
    public static final String QUEUE_CAPACITY = "flowcast.queue.capacity";
    public static final String STAGE_INFLIGHT = "flowcast.stage.inflight";
    public static final String DELIVERY_LATENCY = "flowcast.delivery.latency";
    public static final String SESSIONS = "flowcast.sessions";
    public static final String SUBSCRIPTIONS = "flowcast.subscriptions";
    public static final String CLUSTER_MEMBERS = "flowcast.cluster.members";
    /** {@code persistent} only: each store write, call to commit (successful writes). */
    public static final String STORE_WRITE_LATENCY = "flowcast.store.write.latency";
    /** {@code persistent} only: store calls that failed (unreachable or refused); publishes meanwhile answer 503. */
    public static final String STORE_FAILURES = "flowcast.store.failures";

    /** Tag of the per-stage metrics. */
    public static final String TAG_STAGE = "stage";
    /** Tag of the dropped counter. */
    public static final String TAG_POLICY = "policy";

    public static final List<String> ALL = List.of(EVENTS_ACCEPTED, EVENTS_REJECTED, EVENTS_DELIVERED,
            EVENTS_DROPPED, GAPS, CLIENTS_CUT, QUEUE_DEPTH, QUEUE_CAPACITY, STAGE_INFLIGHT, DELIVERY_LATENCY,
            SESSIONS, SUBSCRIPTIONS, CLUSTER_MEMBERS, STORE_WRITE_LATENCY, STORE_FAILURES);

    private MetricNames() {
    }
}
