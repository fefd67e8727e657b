package dev.flowcast.delivery;

import java.time.Instant;

/**
 * One connection's subscription to one topic: what the topic's fan-out lane delivers to, and what an unsubscribe,
 * a token expiry or a close ends.
 *
 * <p>Ending is immediate and needs no fan-out work: {@link Outbox#end} deactivates it under the outbox's lock and
 * queues its {@code unsubscribed} there, and the outbox refuses the topic's frames from then on. The fan-out lane
 * drops inactive subscriptions from its channel when it next sees them (or at the housekeeping sweep).
 *
 * <p>Threading: {@code active} is volatile and only ever goes from true to false, under the outbox lock;
 * {@code expiresAt} is volatile (renewed by the connection's frames, read by the housekeeping tick); {@code joined}
 * belongs to the topic's fan-out lane.
 */
public final class Subscription {

    private final Connection connection;
    private final String topic;
    private volatile Instant expiresAt;
    private volatile boolean active = true;
    private boolean joined; // confined to the topic's fan-out lane

    /** @param expiresAt when the frame token that authorized it expires, or null when it does not expire by itself */
    Subscription(Connection connection, String topic, Instant expiresAt) {
        this.connection = connection;
        this.topic = topic;
        this.expiresAt = expiresAt;
    }

    public Connection connection() {
        return connection;
    }

    public String topic() {
        return topic;
    }

    /** When the token that authorized it expires; null for none. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** A repeated subscribe authorized it again: its expiry is now that of the new grant (null: none). */
    void renew(Instant newExpiry) {
        expiresAt = newExpiry;
    }

    /** True once the fan-out added it to its topic's channel (lane only). */
    boolean joined() {
        return joined;
    }

    /** The fan-out added it to its topic's channel (lane only). */
    void join() {
        joined = true;
    }

    public boolean isActive() {
        return active;
    }

    /** Called by {@link Outbox#end} under the outbox lock, and nowhere else. */
    void deactivate() {
        active = false;
    }

    /** Queues one of this topic's chunks to the connection while the subscription is active. */
    boolean deliver(Chunk chunk) {
        return connection.outbox().offer(chunk, this);
    }

    @Override
    public String toString() {
        return "Subscription[" + connection.id() + " → " + topic + (active ? "" : ", ended") + "]";
    }
}
