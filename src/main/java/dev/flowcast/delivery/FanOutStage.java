package dev.flowcast.delivery;

import dev.flowcast.cluster.HistoryReader;
import dev.flowcast.stage.Admission;
import dev.flowcast.stage.DrainReport;
import dev.flowcast.stage.OverflowPolicy;
import dev.flowcast.stage.Stage;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * The fan-out stage: a bounded, topic-keyed {@link Stage} of {@link FanOutWork} whose handler is {@link FanOut}.
 *
 * <p>Its offers never wait: the callers are threads Flowcast does not own (Hazelcast's event threads, shared with
 * partition migration; the container's WebSocket threads), so the stage's policy is {@code reject}. What a refusal
 * costs is decided per caller: a bus batch or a resync marks its topic for resync ({@link #offerOrResync}), and the
 * topic is caught up from history once there is room ({@link #retryResyncs}, by the next bus batch and by the
 * housekeeping tick); a subscribe is answered {@code unavailable}; a prune is retried by the housekeeping sweep.
 *
 * <p>Threading: thread-safe. The resync marks are bounded by the number of channels (only topics with a local
 * channel are ever offered).
 */
final class FanOutStage {

    static final String NAME = "fanout";
    /** Items of one topic per handler call: a burst of bus batches of one topic is fanned out in one go. */
    private static final int BATCH_SIZE = 256;

    private final Stage<FanOutWork> stage;
    private final FanOut fanOut;
    private final Set<String> needsResync = ConcurrentHashMap.newKeySet();

    FanOutStage(int capacity, int workers, ThreadFactory threads, HistoryReader history, DeliveryObserver observer) {
        this.fanOut = new FanOut(history, observer);
        this.stage = Stage.<FanOutWork>builder(NAME)
                .capacity(capacity)
                .overflow(OverflowPolicy.REJECT, Duration.ZERO)
                .workers(workers)
                .batchSize(BATCH_SIZE)
                .keyedBy(FanOutWork::topic)
                .threads(threads)
                .handler(fanOut::handle)
                .build();
    }

    void start() {
        stage.start();
    }

    /** Queues work if there is room; never waits. */
    boolean offer(FanOutWork work) {
        return stage.offer(work) == Admission.ACCEPTED;
    }

    /** Queues work; when there is no room, marks the topic so that it is caught up from history later. */
    void offerOrResync(String topic, FanOutWork work) {
        if (!offer(work)) {
            needsResync.add(topic);
        }
    }

    /** Queues a catch-up of every marked topic there is room for. Cheap when none is marked. */
    void retryResyncs() {
        if (needsResync.isEmpty()) {
            return;
        }
        for (Iterator<String> it = needsResync.iterator(); it.hasNext(); ) {
            String topic = it.next();
            if (!offer(new FanOutWork.Resync(topic))) {
                return; // still full: the rest waits for the next try
            }
            it.remove();
        }
    }

    /** Topics marked for a catch-up now (for tests and stats). */
    int resyncsPending() {
        return needsResync.size();
    }

    /** Queues a prune of every channel that holds ended subscriptions or none (the housekeeping sweep). */
    void sweepEndedSubscriptions() {
        for (String topic : fanOut.topicsToPrune()) {
            if (!offer(new FanOutWork.Prune(topic))) {
                return;
            }
        }
    }

    FanOut fanOut() {
        return fanOut;
    }

    Stage<FanOutWork> stage() {
        return stage;
    }

    DrainReport<FanOutWork> drain(Duration timeout) {
        return stage.drain(timeout);
    }
}
