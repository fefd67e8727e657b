package dev.flowcast.bench;

import java.util.Map;

/**
 * The benchmark scenarios of issue 8 as option presets; explicit options given after {@code --scenario} win.
 *
 * <p>Each preset only fixes the load shape (clients, topics, rate, batching, mode); where the servers are
 * ({@code --ws}, {@code --publish}) and which PIDs to measure are always given on the command line.
 */
enum Scenario {

    /** (a) 1000 clients on one topic, 100 events/s published one per request: 100 k deliveries/s offered. */
    FANOUT("1000 clients, one topic, 100 events/s (one per POST)",
            Map.of("clients", "1000", "topics", "1", "rate", "100", "batch", "1", "inflight", "16")),
    /** (b) 100 clients on one topic, events published one per request as fast as accepted, at most 100 in flight. */
    MAXRATE("100 clients, one topic, publish as fast as accepted (<= 100 requests in flight)",
            Map.of("clients", "100", "topics", "1", "rate", "0", "batch", "1", "inflight", "100")),
    /** (c) 5000 idle subscribed connections: server RSS per connection. */
    IDLE5K("5000 idle subscribed connections", Map.of("clients", "5000", "topics", "1", "idle", "20")),
    /** (d) 5000 clients on 5000 private topics (one JWT each), 5000 events/s in all, published in batches of 50. */
    PRIVATE5K("5000 clients on 5000 private topics, 5000 events/s in all (batches of 50)",
            Map.of("clients", "5000", "topics", "5000", "private", "true", "rate", "5000", "batch", "50",
                    "inflight", "16")),
    /** (e) 10 000 idle subscribed connections. */
    IDLE10K("10000 idle subscribed connections", Map.of("clients", "10000", "topics", "1", "idle", "20")),
    /** (f) scenario (a) with the clients spread over several members ({@code --ws} lists them), publishing through one. */
    CLUSTER3("1000 clients over the --ws members, one topic, 100 events/s through --publish",
            Map.of("clients", "1000", "topics", "1", "rate", "100", "batch", "1", "inflight", "16")),
    /** Generator capacity: receive only, from a server that floods frames ({@code bench/node-ws/flood.js}). */
    FLOOD("100 clients receiving a flood of prebuilt frames (no publishing)",
            Map.of("clients", "100", "topics", "100", "publish", "none", "warmup", "5", "duration", "20"));

    private final String description;
    private final Map<String, String> options;

    Scenario(String description, Map<String, String> options) {
        this.description = description;
        this.options = options;
    }

    String description() {
        return description;
    }

    Map<String, String> options() {
        return options;
    }
}
