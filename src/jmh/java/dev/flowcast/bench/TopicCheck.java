package dev.flowcast.bench;

/**
 * What one client saw of its topic: seq order, duplicates, holes and gaps (contract §3 guarantees).
 *
 * <p>Written only by the selector thread that owns the client; read by the main thread after that thread ended.
 */
final class TopicCheck {

    final byte[] topic;
    final int topicIndex;
    /** Seq of the last event (or gap end) seen; -1 until {@code subscribed}. */
    long lastSeq = -1;
    /** Whether the client ever got its {@code subscribed} frame: only then is it expected to receive events. */
    boolean subscribed;
    /** Events seen for the first time (seq above every earlier one) whose stamp lies in the measured window. */
    long delivered;
    /** Every event frame. */
    long events;
    /** Events whose seq was not above the last one: repeated, or late. */
    long duplicated;
    /** Times the seq jumped ahead without a {@code gap} frame covering the hole. */
    long outOfOrder;
    /** Seqs skipped by those jumps. */
    long missing;
    long gapFrames;
    long gapEvents;

    TopicCheck(byte[] topic, int topicIndex) {
        this.topic = topic;
        this.topicIndex = topicIndex;
    }

    void onSubscribed(long seq) {
        subscribed = true;
        lastSeq = seq;
    }

    /** Checks one event's seq; true when it is new (above every seq seen before). */
    boolean onEvent(long seq) {
        events++;
        if (seq <= lastSeq) {
            duplicated++;
            return false;
        }
        if (lastSeq >= 0 && seq != lastSeq + 1) {
            outOfOrder++;
            missing += seq - lastSeq - 1;
        }
        lastSeq = seq;
        return true;
    }

    /** A {@code gap} frame: events {@code from..to} will never come; the next event is {@code to + 1}. */
    void onGap(long from, long to) {
        gapFrames++;
        gapEvents += Math.max(0, to - from + 1);
        if (from != lastSeq + 1) {
            outOfOrder++;
        }
        lastSeq = Math.max(lastSeq, to);
    }
}
