package dev.flowcast.delivery;

import dev.flowcast.auth.TokenCheck;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection as the fan-out sees it: its outbox, what its connect token grants, and the topics
 * it holds.
 *
 * <p>Threading: the outbox and the topic set are thread-safe; the endpoint adds and removes topics, fan-out
 * lanes read them.
 */
public final class Connection {

    private final String id;
    private final Outbox outbox;
    private final TokenCheck.Valid connectToken;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();

    /** @param connectToken the verified {@code ?token=} of the connection, or null without one */
    public Connection(String id, Outbox outbox, TokenCheck.Valid connectToken) {
        this.id = id;
        this.outbox = outbox;
        this.connectToken = connectToken;
    }

    public String id() {
        return id;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** The verified connect token, or null. */
    public TokenCheck.Valid connectToken() {
        return connectToken;
    }

    /** Topics subscribed or being subscribed. Live view. */
    public Set<String> topics() {
        return topics;
    }

    /** Queues a control frame (not an event). */
    public void send(String frameText) {
        outbox.offer(OutFrame.control(frameText));
    }

    public boolean isOpen() {
        return !outbox.isClosed();
    }

    @Override
    public String toString() {
        return "Connection[" + id + "]";
    }
}
