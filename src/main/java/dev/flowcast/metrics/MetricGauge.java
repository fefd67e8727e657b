package dev.flowcast.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A gauge: a metric name, its tags and where its value is read from at every scrape.
 *
 * <p>Threading: immutable; {@code value} is called by whichever thread scrapes, so it must be safe to call from
 * any thread (the suppliers Flowcast registers read stage stats, sizes of concurrent maps or Hazelcast's member
 * list).
 *
 * @param tags tag name to value, at most a few; empty for an untagged gauge
 */
public record MetricGauge(String name, Map<String, String> tags, Supplier<? extends Number> value) {

    public MetricGauge {
        Objects.requireNonNull(name, "name");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(value, "value");
    }

    /** Name and tags: a gauge registered again under the same id replaces the first. */
    String id() {
        return tags.isEmpty() ? name : name + new java.util.TreeMap<>(tags);
    }

    /** The current value; 0 when the supplier fails or has nothing (a scrape must never break on one gauge). */
    public double read() {
        try {
            Number n = value.get();
            return n == null ? 0 : n.doubleValue();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
