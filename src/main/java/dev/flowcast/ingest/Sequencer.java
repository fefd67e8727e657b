package dev.flowcast.ingest;

import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ingest stage's handler, one call per batch of the bus partitions that were ready together (one lane per bus
 * partition; a call takes every ready lane, up to {@link Ingest}'s batch size): numbers each topic's events in the
 * topic's history (one append per history shard, each carrying all of its topics' batches, all in flight at once:
 * the group commit), then answers the waiting publishers and hands each partition's numbered topic batches to the
 * {@link BusSender}, which sends them to every member in one bus message per partition without this call waiting.
 * In {@code persistent} mode the answers and the bus wait for the store: the call queues its numbered batches on
 * the {@link StoreWriter} and returns, and the writer finishes it once a write carried them.
 *
 * <pre>
 *  lanes p, q: [a1 b1 a2 | c1 …] ──> group by topic ──> append(shard 1: a, c) ║ append(shard 2: b)
 *                                                                  │               (Hazelcast, each with its backup)
 *                                                                  v
 *                  persistent: StoreWriter ── store.write(a, b, c + other calls queued meanwhile), one statement
 *                                                                  v              (the lanes are free again already)
 *                                  publishers answered (202) ──> BusSender: bus message p [a, b], q [c]
 *                                                        (each after its partition's last one; nobody waits)
 * </pre>
 *
 * <p>So a call costs at most one Hazelcast operation per history shard it touches plus one bus message per
 * partition, whatever its size and its number of topics, and at most one store statement however many partitions it
 * carries (docs/benchmarks.md § Ninth pass); since the store writer, a lane waits for the numbering of the call
 * before it, not for that call's store write (§ Twelfth pass). The same shape serves every durability mode (in
 * {@code memory} mode nobody waits for the answer).
 *
 * <p>While the store fails (the writer holds batches it could not write), every batch is refused (503) without being
 * numbered, so the store never misses seqs that later ones depend on.
 *
 * <p>Threading: called by the ingest stage, never concurrently for one bus partition (so for one topic), so each
 * topic's batches reach the bus in seq order from this member (the writer finishes calls in the order they were
 * queued, and the sender keeps the order of its calls per partition); calls for different partitions run in
 * parallel.
 */
final class Sequencer {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());

    private final TopicHistory history;
    private final BusSender sender;
    private final StoreWriter writer;
    private final String durability;

    /** @param writer the {@code persistent} store's writer, or null */
    Sequencer(TopicHistory history, BusSender sender, StoreWriter writer, String durability) {
        this.history = history;
        this.sender = sender;
        this.writer = writer;
        this.durability = durability;
    }

    void handle(List<Admitted> batch) {
        Map<String, List<Admitted>> byTopic = new LinkedHashMap<>();
        for (Admitted admitted : batch) {
            byTopic.computeIfAbsent(admitted.event().topic(), t -> new ArrayList<>()).add(admitted);
        }
        if (writer != null && writer.storeFailing()) {
            failAll(batch, "could not be stored: the store (flowcast.store.url) is unreachable");
            return;
        }
        Map<String, List<Event>> events = new LinkedHashMap<>();
        byTopic.forEach((topic, admitted) -> events.put(topic, admitted.stream().map(Admitted::event).toList()));
        Map<String, TopicHistory.Outcome> outcomes = history.append(events);

        List<TopicHistory.Appended> numbered = new ArrayList<>(outcomes.size());
        outcomes.forEach((topic, outcome) -> {
            if (outcome.ok()) {
                numbered.add(outcome.appended());
            } else {
                LOG.log(Level.SEVERE, "could not number " + byTopic.get(topic).size() + " event(s) of topic " + topic
                        + ("memory".equals(durability) ? "; they are lost" : "; their publishers get 503"), outcome.failure());
                failAll(byTopic.get(topic), "could not be numbered: " + outcome.failure().getMessage());
            }
        });
        if (numbered.isEmpty()) {
            return;
        }
        Numbered call = new Numbered(byTopic, numbered);
        if (writer == null) {
            call.done(true);
            return;
        }
        try {
            writer.write(call); // the lanes go back now; the writer answers and sends once the write ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a forced stop: in the history, re-read on loss, but not stored
            call.done(false);
        }
    }

    /** One call's numbered topic batches, with the publishers waiting for them. */
    private final class Numbered implements StoreWriter.Call {
        private final Map<String, List<Admitted>> byTopic;
        private final List<TopicHistory.Appended> appended;

        Numbered(Map<String, List<Admitted>> byTopic, List<TopicHistory.Appended> appended) {
            this.byTopic = byTopic;
            this.appended = appended;
        }

        @Override
        public List<EventStore.StoredBatch> batches() {
            List<EventStore.StoredBatch> batches = new ArrayList<>(appended.size());
            for (TopicHistory.Appended one : appended) {
                batches.add(new EventStore.StoredBatch(one.topic(), one.epoch(), one.events()));
            }
            return batches;
        }

        /** Answers the publishers (202, or 503 when not stored), then hands each partition's batches to the bus. */
        @Override
        public void done(boolean stored) {
            Map<Integer, List<EventBatch>> byPartition = new LinkedHashMap<>();
            for (TopicHistory.Appended one : appended) {
                List<Admitted> admitted = byTopic.get(one.topic());
                for (int i = 0; i < admitted.size(); i++) {
                    Event event = one.events().get(i);
                    if (stored) {
                        admitted.get(i).outcome().numbered(event);
                    } else {
                        admitted.get(i).outcome().failed(event, storeDown());
                    }
                }
                byPartition.computeIfAbsent(EventBus.partitionOf(one.topic()), p -> new ArrayList<>())
                        .add(new EventBatch(one.topic(), one.epoch(), one.events()));
            }
            // Numbered events are in the history either way: they go on the bus even when the store refused them
            // (their publishers got 503 and may retry; delivering them is not a loss).
            try {
                for (Map.Entry<Integer, List<EventBatch>> message : byPartition.entrySet()) {
                    sender.send(message.getKey(), message.getValue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a forced stop; the events are in the history, re-read on loss
                LOG.warning(() -> "interrupted before the numbered topic batches of " + byPartition.size()
                        + " bus partition(s) went on the bus");
            }
        }
    }

    private void failAll(List<Admitted> admitted, String why) {
        PublishError error = new PublishError(503, "unavailable", "the event was not accepted: it " + why
                + " (flowcast.durability=" + durability + "); retry");
        for (Admitted a : admitted) {
            a.outcome().failed(a.event(), error);
        }
    }

    private PublishError storeDown() {
        return new PublishError(503, "store_unavailable",
                "the event was not accepted: the store (flowcast.store.url) did not take it; retry");
    }
}
