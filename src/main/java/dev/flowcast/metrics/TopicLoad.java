package dev.flowcast.metrics;

/**
 * A topic and how many local connections subscribe to it: the console's "busiest topics" (by fan-out).
 *
 * <p>Threading: immutable.
 */
public record TopicLoad(String topic, long subscribers) {
}
