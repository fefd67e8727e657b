package dev.flowcast.delivery;

import java.util.Arrays;

/**
 * A topic's local subscribers on this member and the seq of the last event fanned out to them.
 *
 * <p>Threading: mutated only by the topic's fan-out lane (one thread at a time, with a happens-before edge
 * between consecutive batches given by the stage). {@link #size()} may be read from any thread.
 */
final class TopicChannel {

    private static final Connection[] NONE = new Connection[0];

    private final String topic;
    private volatile Connection[] subscribers = NONE;
    private long cursor;

    TopicChannel(String topic, long cursor) {
        this.topic = topic;
        this.cursor = cursor;
    }

    String topic() {
        return topic;
    }

    /** Seq of the last event fanned out here (or of the newest event when the channel opened). */
    long cursor() {
        return cursor;
    }

    void advanceTo(long seq) {
        cursor = seq;
    }

    /** The current subscribers; an array never modified after publication. */
    Connection[] subscribers() {
        return subscribers;
    }

    boolean contains(Connection connection) {
        for (Connection c : subscribers) {
            if (c == connection) {
                return true;
            }
        }
        return false;
    }

    void add(Connection connection) {
        if (!contains(connection)) {
            Connection[] grown = Arrays.copyOf(subscribers, subscribers.length + 1);
            grown[subscribers.length] = connection;
            subscribers = grown;
        }
    }

    boolean remove(Connection connection) {
        Connection[] current = subscribers;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == connection) {
                Connection[] shrunk = new Connection[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                subscribers = shrunk;
                return true;
            }
        }
        return false;
    }

    /** Drops connections that have closed since they subscribed; returns how many. */
    int pruneClosed() {
        int removed = 0;
        for (Connection c : subscribers) {
            if (!c.isOpen() && remove(c)) {
                removed++;
            }
        }
        return removed;
    }

    int size() {
        return subscribers.length;
    }

    boolean isEmpty() {
        return subscribers.length == 0;
    }
}
