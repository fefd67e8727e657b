package dev.flowcast.delivery;

import java.util.Arrays;

/**
 * A topic's local subscriptions on this member and the seq of the last event fanned out to them.
 *
 * <p>Threading: mutated only by the topic's fan-out lane (one thread at a time, with a happens-before edge between
 * consecutive batches given by the stage). {@link #size()} and {@link #isOpen()} may be read from any thread.
 */
final class TopicChannel {

    private static final Subscription[] NONE = new Subscription[0];

    private final String topic;
    private volatile Subscription[] subscribers = NONE;
    private long cursor;
    private String epoch;
    private volatile boolean open;

    /** A channel whose cursor is not known yet: the subscribe that created it reads it next, in the same lane. */
    TopicChannel(String topic) {
        this.topic = topic;
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

    /** Sets the cursor and epoch from the topic's history; until then the channel takes no events. */
    void open(long newestSeq, String historyEpoch) {
        cursor = newestSeq;
        epoch = historyEpoch;
        open = true;
    }

    /** The epoch of the topic's history as read when the channel opened (or when it restarted). */
    String epoch() {
        return epoch;
    }

    /** The topic's history was lost and restarted under {@code newEpoch}: its seqs begin again after {@code seq}. */
    void restart(String newEpoch, long seq) {
        epoch = newEpoch;
        cursor = seq;
    }

    boolean isOpen() {
        return open;
    }

    /** The current subscribers; an array never modified after publication. */
    Subscription[] subscribers() {
        return subscribers;
    }

    void add(Subscription subscription) {
        Subscription[] grown = Arrays.copyOf(subscribers, subscribers.length + 1);
        grown[subscribers.length] = subscription;
        subscribers = grown;
    }

    /** Drops ended subscriptions; returns how many. */
    int pruneEnded() {
        Subscription[] current = subscribers;
        int kept = 0;
        for (Subscription s : current) {
            if (s.isActive()) {
                kept++;
            }
        }
        if (kept == current.length) {
            return 0;
        }
        Subscription[] shrunk = new Subscription[kept];
        int i = 0;
        for (Subscription s : current) {
            if (s.isActive()) {
                shrunk[i++] = s;
            }
        }
        subscribers = kept == 0 ? NONE : shrunk;
        return current.length - kept;
    }

    /** True when some subscription here has ended (the housekeeping sweep asks, to queue a prune). */
    boolean hasEnded() {
        for (Subscription s : subscribers) {
            if (!s.isActive()) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return subscribers.length;
    }

    boolean isEmpty() {
        return subscribers.length == 0;
    }
}
