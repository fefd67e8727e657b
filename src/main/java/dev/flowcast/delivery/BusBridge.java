package dev.flowcast.delivery;

import dev.flowcast.cluster.EventBatch;

/**
 * Brings the bus's batches into the fan-out stage, without ever blocking the Hazelcast thread that calls it.
 *
 * <p>A batch of a topic with no channel on this member is dropped here, before it costs a queue slot. A batch the
 * full stage refuses marks its topic for a catch-up from history ({@link FanOutStage#offerOrResync}); every call
 * first retries the marked topics, so a busy bus heals them quickly, and the housekeeping tick heals them on a
 * quiet one. A loss on a bus partition (or a membership change, reported the same way) re-reads every local topic
 * of that partition.
 *
 * <p>Threading: called on Hazelcast's event threads, one per bus partition at a time; thread-safe.
 */
final class BusBridge {

    private final FanOutStage fanOut;

    BusBridge(FanOutStage fanOut) {
        this.fanOut = fanOut;
    }

    /** A numbered batch of one topic arrived from the bus. */
    void fromBus(EventBatch batch) {
        String topic = batch.topic();
        if (!fanOut.fanOut().wants(topic)) {
            return;
        }
        fanOut.retryResyncs();
        fanOut.offerOrResync(topic, new FanOutWork.Deliver(batch));
    }

    /** Batches of this bus partition may have been lost to this member: catch its local topics up from history. */
    void lost(int partition) {
        for (String topic : fanOut.fanOut().topicsOfPartition(partition)) {
            fanOut.offerOrResync(topic, new FanOutWork.Resync(topic));
        }
    }
}
