package dev.flowcast.ingest;

import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.event.Event;
import java.util.List;

/**
 * The ingest stage's handler: numbers a batch of one topic's events in the topic's history, then sends the
 * numbered batch to every member over the bus. Two Hazelcast operations per batch, whatever its size.
 *
 * <p>Threading: called by the ingest stage, never concurrently for one topic, so each topic's batches reach
 * the bus in seq order from this member.
 */
final class Sequencer {

    private final TopicHistory history;
    private final EventBus bus;

    Sequencer(TopicHistory history, EventBus bus) {
        this.history = history;
        this.bus = bus;
    }

    void handle(List<Event> batch) {
        String topic = batch.get(0).topic();
        List<Event> sequenced = history.append(topic, batch);
        bus.publish(new EventBatch(topic, sequenced));
    }
}
