package dev.flowcast.delivery;

import dev.flowcast.auth.TokenCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client connection as the delivery side sees it: its outbox, what its connect token grants, its
 * subscriptions, how fast it sends, and when it was last heard from.
 *
 * <p>Threading: the subscription map is guarded by {@code this}: the container's WebSocket threads change it (one
 * frame at a time per connection) and the housekeeping tick reads it. The liveness stamps are volatile. The outbox
 * and the rate limiter are thread-safe on their own.
 */
public final class Connection {

    private final String id;
    private final long serial;
    private final Outbox outbox;
    private final TokenCheck.Valid connectToken;
    private final FrameRateLimiter rate;
    private final Map<String, Subscription> subscriptions = new HashMap<>(4); // guarded by this
    private volatile long lastHeardNanos;
    private volatile long lastPingNanos;

    /**
     * @param serial       a number unique on this node, which pins the connection to one writer thread
     * @param connectToken the verified {@code ?token=} of the connection, or null without one
     */
    public Connection(String id, long serial, Outbox outbox, TokenCheck.Valid connectToken, FrameRateLimiter rate,
            long nowNanos) {
        this.id = id;
        this.serial = serial;
        this.outbox = outbox;
        this.connectToken = connectToken;
        this.rate = rate;
        this.lastHeardNanos = nowNanos;
        this.lastPingNanos = nowNanos;
    }

    public String id() {
        return id;
    }

    long serial() {
        return serial;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** The verified connect token, or null. */
    public TokenCheck.Valid connectToken() {
        return connectToken;
    }

    FrameRateLimiter rate() {
        return rate;
    }

    /** Queues a control frame (not an event). */
    public void send(String frameText) {
        outbox.offer(Chunk.control(frameText));
    }

    public boolean isOpen() {
        return !outbox.isClosed();
    }

    // ---- subscriptions (container thread of this connection; housekeeping) ----

    /** The active subscription to {@code topic}, or null. */
    synchronized Subscription subscription(String topic) {
        return subscriptions.get(topic);
    }

    synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    /** Records a new subscription; the caller checked that none exists for the topic. */
    synchronized Subscription subscribe(String topic, Instant expiresAt) {
        Subscription subscription = new Subscription(this, topic, expiresAt);
        subscriptions.put(topic, subscription);
        return subscription;
    }

    /** Forgets the subscription to {@code topic} (the caller ends it); returns it, or null when there was none. */
    synchronized Subscription forget(String topic) {
        return subscriptions.remove(topic);
    }

    /** Forgets {@code subscription} if it is still the one held for its topic (a refused subscribe). */
    synchronized void forgetIfSame(Subscription subscription) {
        subscriptions.remove(subscription.topic(), subscription);
    }

    /** Forgets every subscription (the connection is gone); returns them for the caller to end. */
    synchronized List<Subscription> forgetAll() {
        List<Subscription> all = new ArrayList<>(subscriptions.values());
        subscriptions.clear();
        return all;
    }

    /** Forgets the subscriptions whose token expired at {@code now}; returns them for the caller to end. */
    synchronized List<Subscription> forgetExpired(Instant now) {
        List<Subscription> expired = null;
        for (Subscription subscription : subscriptions.values()) {
            Instant expiresAt = subscription.expiresAt();
            if (expiresAt != null && !now.isBefore(expiresAt)) {
                if (expired == null) {
                    expired = new ArrayList<>(2);
                }
                expired.add(subscription);
            }
        }
        if (expired == null) {
            return List.of();
        }
        for (Subscription subscription : expired) {
            subscriptions.remove(subscription.topic());
        }
        return expired;
    }

    // ---- liveness ----

    /** The client sent something (a frame or a pong). */
    void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    long lastPingNanos() {
        return lastPingNanos;
    }

    void pinged(long nowNanos) {
        lastPingNanos = nowNanos;
    }

    @Override
    public String toString() {
        return "Connection[" + id + "]";
    }
}
