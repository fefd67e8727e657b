package dev.flowcast.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The delivery counter and latency histogram, the only metrics updated once per event per client.
 *
 * <p>A plain object, handed out by {@link FlowcastMetrics#deliveryMeter()} so the socket writers hold it directly:
 * every call through the application-scoped bean's CDI client proxy looks the instance up again (Weld's
 * interception stack and a thread-local per call), 3.6 % of the server's CPU at the maximum-rate benchmark
 * (docs/profiles/maxrate-raw-frames.txt), more than the counter and the histogram themselves.
 *
 * <p>Thread-safe and wait-free: one {@link LongAdder} increment and one HdrHistogram record per delivery.
 */
public final class DeliveryMeter {

    private final LongAdder delivered = new LongAdder();
    private final LatencyRecorder latency = new LatencyRecorder();

    /** One event written to one client, {@code latencyMicros} after it was accepted. */
    public void delivered(long latencyMicros) {
        delivered.increment();
        latency.record(latencyMicros);
    }

    long count() {
        return delivered.sum();
    }

    LatencyRecorder latency() {
        return latency;
    }
}
