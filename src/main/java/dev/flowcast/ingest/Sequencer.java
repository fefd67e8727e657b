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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ingest stage's handler, one call per batch of the bus partitions that were ready together (one lane per bus
 * partition; a call takes every ready lane, up to {@link Ingest}'s batch size): numbers each topic's events in the
 * topic's history (one append per history shard, each carrying all of its topics' batches, all in flight at once:
 * the group commit), writes them to the store in {@code persistent} mode (one transaction), answers the waiting
 * publishers, then hands each partition's numbered topic batches to the {@link BusSender}, which sends them to every
 * member in one bus message per partition without this call waiting.
 *
 * <pre>
 *  lanes p, q: [a1 b1 a2 | c1 …] ──> group by topic ──> append(shard 1: a, c) ║ append(shard 2: b)
 *                                                                  │               (Hazelcast, each with its backup)
 *                                                                  v
 *                                  persistent: store.write(a, b, c) in one transaction
 *                                                                  v
 *                                  publishers answered (202) ──> BusSender: bus message p [a, b], q [c]
 *                                                        (each after its partition's last one; the worker goes on)
 * </pre>
 *
 * <p>So a call costs at most one Hazelcast operation per history shard it touches plus one bus message per
 * partition, whatever its size and its number of topics, and one store statement however many partitions it
 * carries: a publish whose events fall in several partitions waits for one statement, not one per partition
 * (docs/benchmarks.md § Ninth pass). The same shape serves every durability mode (in {@code memory} mode nobody
 * waits for the answer).
 *
 * <p>A store that failed is retried before anything new is numbered: until a write succeeds again, every batch is
 * refused (503) without being numbered, so the store never misses seqs that later ones depend on.
 *
 * <p><b>Held while cut off</b> ({@code memory} mode): the publishers already have their {@code 202}, which promises
 * the event is in this node's memory, and a client node cut off from its external cluster is alive: so topics whose
 * append failed while the node is cut off are appended again, under the same batch id (flagged as resent, so a log
 * that got the first call numbers nothing twice), once it is connected again, for as long as it takes; the call's
 * lanes wait meanwhile (nothing else could be numbered: new publishes are refused with 503 while cut off). Only
 * the drain gives up on them (logged as lost). Before, the call gave up after the client's 10 s call bound and the
 * events were lost. In {@code replicated} and {@code persistent} mode the publishers get 503 and may retry.
 *
 * <p>Threading: called by the ingest stage, never concurrently for one bus partition (so for one topic), so each
 * topic's batches reach the bus in seq order from this member (the sender keeps the order of its calls per
 * partition); calls for different partitions run in parallel.
 */
final class Sequencer {

    private static final Logger LOG = Logger.getLogger(Sequencer.class.getName());
    /** How often a held call looks whether the node is connected again (or draining). */
    private static final long HOLD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Appends of held events that may fail once connected again before they are given up (the link may flap). */
    static final int HELD_TRIES_CONNECTED = 3;

    private final TopicHistory history;
    private final BusSender sender;
    private final EventStore store;
    private final String durability;
    /** Numbered batches whose store write failed; written first once the store answers again. Guarded by itself. */
    private final List<EventStore.StoredBatch> unsaved = new ArrayList<>();
    /** True while this node is cut off from its cluster (a client node whose members are out of reach). */
    private final BooleanSupplier cutOff;
    /** True once the ingest drains: held events are given up. */
    private final BooleanSupplier stopping;
    /** Events held while cut off, now. */
    private final AtomicLong held = new AtomicLong();

    /** @param store the {@code persistent} store, or null */
    Sequencer(TopicHistory history, BusSender sender, EventStore store, String durability, BooleanSupplier cutOff,
            BooleanSupplier stopping) {
        this.history = history;
        this.sender = sender;
        this.store = store;
        this.durability = durability;
        this.cutOff = cutOff;
        this.stopping = stopping;
    }

    /** Events admitted in {@code memory} mode held until this node is connected again. */
    long heldEvents() {
        return held.get();
    }

    void handle(List<Admitted> batch) {
        Map<String, List<Admitted>> byTopic = new LinkedHashMap<>();
        for (Admitted admitted : batch) {
            byTopic.computeIfAbsent(admitted.event().topic(), t -> new ArrayList<>()).add(admitted);
        }
        if (store != null && !storeAnswers()) {
            failAll(batch, "could not be stored: the store (flowcast.store.url) is unreachable");
            return;
        }
        Map<String, List<Event>> events = new LinkedHashMap<>();
        byTopic.forEach((topic, admitted) -> events.put(topic, admitted.stream().map(Admitted::event).toList()));
        String batchId = history.newBatchId();
        Map<String, TopicHistory.Outcome> outcomes = history.append(events, batchId, false);
        if ("memory".equals(durability)) {
            outcomes = holdWhileCutOff(events, batchId, outcomes);
        }

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
        boolean stored = store == null || write(numbered);
        List<EventBatch> onBus = new ArrayList<>(numbered.size());
        for (TopicHistory.Appended appended : numbered) {
            List<Admitted> admitted = byTopic.get(appended.topic());
            for (int i = 0; i < admitted.size(); i++) {
                Event event = appended.events().get(i);
                if (stored) {
                    admitted.get(i).outcome().numbered(event);
                } else {
                    admitted.get(i).outcome().failed(event, storeDown());
                }
            }
            onBus.add(new EventBatch(appended.topic(), appended.epoch(), appended.events()));
        }
        // Numbered events are in the history either way: they go on the bus even when the store refused them
        // (their publishers got 503 and may retry; delivering them is not a loss).
        Map<Integer, List<EventBatch>> byPartition = new LinkedHashMap<>();
        for (EventBatch topicBatch : onBus) {
            int partition = EventBus.partitionOf(topicBatch.topic());
            byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(topicBatch);
        }
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

    /**
     * Appends again, once connected, the topics whose append failed while this node was cut off (class comment).
     * Blocks this call until they are numbered, the drain begins, or they failed {@value #HELD_TRIES_CONNECTED}
     * times while connected; a failure while connected before any cut is not held (it is no cut: as before).
     */
    private Map<String, TopicHistory.Outcome> holdWhileCutOff(Map<String, List<Event>> events, String batchId,
            Map<String, TopicHistory.Outcome> outcomes) {
        Map<String, List<Event>> failed = failedOf(events, outcomes);
        if (failed.isEmpty() || !cutOff.getAsBoolean()) {
            return outcomes; // every call passes here: no copy unless something failed
        }
        Map<String, TopicHistory.Outcome> result = new LinkedHashMap<>(outcomes);
        int count = failed.values().stream().mapToInt(List::size).sum();
        int topics = failed.size();
        held.addAndGet(count);
        LOG.warning(() -> "cut off from the cluster: holding " + count + " admitted event(s) of " + topics
                + " topic(s) until this node is connected again");
        try {
            int triesConnected = 0;
            while (!failed.isEmpty()) {
                while (cutOff.getAsBoolean() && !stopping.getAsBoolean()) {
                    LockSupport.parkNanos(HOLD_POLL_NANOS);
                }
                if (stopping.getAsBoolean() || (!cutOff.getAsBoolean() && ++triesConnected > HELD_TRIES_CONNECTED)) {
                    return result; // the caller logs each topic still failed as lost
                }
                result.putAll(history.append(failed, batchId, true));
                failed = failedOf(events, result);
            }
            LOG.info(() -> "connected again: numbered the " + count + " event(s) held while cut off");
            return result;
        } finally {
            held.addAndGet(-count);
        }
    }

    /** The events of the topics whose outcome failed; the shared empty map (nothing allocated) when none did. */
    private static Map<String, List<Event>> failedOf(Map<String, List<Event>> events,
            Map<String, TopicHistory.Outcome> outcomes) {
        Map<String, List<Event>> failed = Map.of();
        for (Map.Entry<String, TopicHistory.Outcome> outcome : outcomes.entrySet()) {
            if (!outcome.getValue().ok()) {
                if (failed.isEmpty()) {
                    failed = new LinkedHashMap<>();
                }
                failed.put(outcome.getKey(), events.get(outcome.getKey()));
            }
        }
        return failed;
    }

    /** Writes the batches; false (and kept for a retry) when the store refused. */
    private boolean write(List<TopicHistory.Appended> numbered) {
        List<EventStore.StoredBatch> batches = new ArrayList<>(numbered.size());
        for (TopicHistory.Appended appended : numbered) {
            batches.add(new EventStore.StoredBatch(appended.topic(), appended.epoch(), appended.events()));
        }
        try {
            store.write(batches);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "the store refused " + batches.size() + " topic batch(es); publishes answer 503 until "
                    + "it answers again: " + e.getMessage());
            synchronized (unsaved) {
                unsaved.addAll(batches);
            }
            return false;
        }
    }

    /** True when nothing waits for the store, or what waited was written now. */
    private boolean storeAnswers() {
        synchronized (unsaved) {
            if (unsaved.isEmpty()) {
                return true;
            }
            try {
                store.write(List.copyOf(unsaved));
                LOG.info(() -> "the store answers again; " + unsaved.size() + " held topic batch(es) written");
                unsaved.clear();
                return true;
            } catch (RuntimeException e) {
                return false;
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
