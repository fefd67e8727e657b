package dev.flowcast.ingest;

import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.config.Settings;
import dev.flowcast.event.Clock;
import dev.flowcast.event.Event;
import dev.flowcast.event.EventIds;
import dev.flowcast.event.Topic;
import dev.flowcast.metrics.FlowcastMetrics;
import dev.flowcast.stage.Admission;
import dev.flowcast.stage.DrainReport;
import dev.flowcast.stage.OverflowPolicy;
import dev.flowcast.stage.Stage;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The Java entry point of the pipeline: validates, stamps and admits events into the bounded ingest stage, whose
 * workers number them, store them as {@code flowcast.durability} promises and put them on the bus.
 *
 * <p>When a publisher hears back depends on the durability (contract §1, §2): in {@code memory} mode at admission
 * (the overflow policy, {@code flowcast.queue.overflow}, decides what a full queue does); in {@code replicated} and
 * {@code persistent} mode once the event is numbered and held by two members (and written to the store): the
 * answers of {@link #publishAsync} and {@link #publishBatchAsync} complete then. The queue, its overflow policies and
 * the workers are the same in every mode; an event that drop-oldest evicts before it is numbered is answered as
 * dropped.
 *
 * <p>Threading: the publish methods are thread-safe and never block on the cluster (under {@code block} admission
 * may wait up to {@code flowcast.queue.offer-timeout-ms}); their answers complete on a stage worker. {@link #start}
 * and {@link #drain} are called once by the lifecycle.
 */
@ApplicationScoped
public class Ingest {

    public static final String STAGE_NAME = "ingest";
    private static final Logger LOG = Logger.getLogger(Ingest.class.getName());
    /** Events per sequencer call (of one or several bus partitions), grouped by topic. */
    private static final int BATCH_SIZE = 512;
    /** The least time the drain leaves the answer writers, even past its deadline (an answer takes microseconds). */
    private static final long MIN_ANSWER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    @Inject
    Settings settings;

    @Inject
    FlowcastMetrics metrics;

    private volatile Stage<Admitted> stage;
    private volatile boolean draining;
    private volatile Sequencer sequencer;
    private volatile IntSupplier members = () -> 2;
    /** Why the cluster cannot take publishes now although it is reachable (a member without Flowcast's code); null when it can. */
    private volatile Supplier<String> clusterProblem = () -> null;
    private volatile DeliveryGate gate;
    private volatile AnswerPool answers;
    private volatile BusSender busSender;
    private boolean durable;
    private EventDataParser parser;
    private BatchParser batchParser;

    @PostConstruct
    void init() {
        parser = new EventDataParser(settings.eventMaxBytes());
        batchParser = new BatchParser(settings.eventMaxBytes());
        durable = !"memory".equals(settings.durability());
    }

    /**
     * Builds and starts the ingest stage, its workers made by {@code threads}.
     *
     * @param store   the {@code persistent} store, or null
     * @param members how many members the cluster has now, 0 while a client node is cut off from it (every publish
     *                is refused then; {@code replicated} refuses them below two)
     */
    public void start(ThreadFactory threads, TopicHistory history, EventBus bus, EventStore store,
            IntSupplier members, LongSupplier writerLagMillis) {
        start(threads, history, bus::publish, store, members, writerLagMillis);
    }

    /** As {@link #start(ThreadFactory, TopicHistory, EventBus, EventStore, IntSupplier, LongSupplier)}, with how a bus message is sent (blocking). */
    void start(ThreadFactory threads, TopicHistory history, Consumer<List<EventBatch>> sendToBus, EventStore store,
            IntSupplier members, LongSupplier writerLagMillis) {
        this.members = members;
        this.gate = new DeliveryGate(OverflowPolicy.fromSetting(settings.queueOverflow()),
                Duration.ofMillis(settings.queueOfferTimeoutMs()), writerLagMillis);
        this.answers = new AnswerPool(threads, settings.stageWorkers());
        this.busSender = new BusSender(sendToBus, EventBus.PARTITIONS).start(threads);
        Sequencer sequencer = new Sequencer(history, busSender, store, settings.durability(),
                () -> members.getAsInt() == 0, () -> draining);
        this.sequencer = sequencer;
        Stage<Admitted> built = Stage.<Admitted>builder(STAGE_NAME)
                .capacity(settings.queueCapacity())
                .overflow(OverflowPolicy.fromSetting(settings.queueOverflow()),
                        Duration.ofMillis(settings.queueOfferTimeoutMs()))
                .workers(settings.stageWorkers())
                .batchSize(BATCH_SIZE)
                // one lane per bus partition: a sequencer call serves every topic of one bus message; and every
                // ready partition at once, so a publish spread over partitions waits for one store write, not several
                .keyedBy(admitted -> EventBus.partitionOf(admitted.event().topic()))
                .lanesPerCall(EventBus.PARTITIONS)
                .threads(threads)
                .handler(sequencer::handle)
                .onDrop((admitted, policy) -> {
                    metrics.dropped(policy);
                    if (policy == OverflowPolicy.DROP_OLDEST) {
                        admitted.outcome().dropped(admitted.event()); // drop-newest answers at admission
                    }
                })
                .onError(this::sequencingFailed)
                .build();
        built.start();
        metrics.stageGauges(built);
        stage = built;
    }

    /**
     * Where to write a durable publish's answer once its stage completes (see {@link AnswerPool}); before
     * {@link #start}, the completing thread.
     */
    public Executor answers() {
        AnswerPool pool = answers;
        return pool != null ? pool : Runnable::run;
    }

    /** The parser of request bodies, with this node's size limit. */
    public EventDataParser parser() {
        return parser;
    }

    /**
     * Publishes one event and waits for the answer the durability mode gives (at once in {@code memory} mode).
     *
     * @param topic       a topic name
     * @param compactJson the event's data as compact JSON (see {@link EventDataParser})
     * @throws PublishError 400 bad topic, 413 too large, 429 queue full, 503 shutting down or not stored
     */
    public PublishReceipt publish(String topic, String compactJson) {
        try {
            return publishAsync(topic, compactJson).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof PublishError error ? error : e;
        }
    }

    /**
     * Publishes one event; the answer completes when the durability mode's promise holds.
     *
     * @throws PublishError at once for what admission refuses: 400 bad topic, 429 queue full, 503 shutting down
     */
    public CompletionStage<PublishReceipt> publishAsync(String topic, String compactJson) {
        if (!Topic.isValid(topic)) {
            throw PublishError.badTopic("topic name must match [A-Za-z0-9_.:-]{1,200}");
        }
        Stage<Admitted> current = admitting(1);
        Event event = Event.accepted(EventIds.next(), topic, compactJson, Clock.nowMicros());
        CompletableFuture<PublishReceipt> answer = durable ? new CompletableFuture<>() : null;
        Admitted.Outcome outcome = durable ? new SingleOutcome(answer, metrics) : Admitted.Outcome.NONE;
        Admission admission = current.offer(new Admitted(event, outcome));
        switch (admission) {
            case ACCEPTED:
                if (!durable) {
                    metrics.accepted(1);
                    return CompletableFuture.completedFuture(new PublishReceipt(event.id(), topic, false));
                }
                return answer;
            case DROPPED:
                return CompletableFuture.completedFuture(new PublishReceipt(event.id(), topic, true));
            default:
                metrics.rejected(1);
                throw draining ? PublishError.unavailable() : PublishError.queueFull();
        }
    }

    /**
     * Publishes a batch, all or none, and waits for the answer (see {@link #publishBatchAsync}).
     *
     * @return the ids, in item order; empty when drop-newest dropped the batch
     */
    public List<String> publishBatch(List<BatchParser.Item> items) {
        try {
            BatchReceipt receipt = publishBatchAsync(items).toCompletableFuture().join();
            return receipt.droppedIds().isEmpty() ? receipt.ids() : List.of();
        } catch (CompletionException e) {
            throw e.getCause() instanceof PublishError error ? error : e;
        }
    }

    /**
     * Publishes a batch, all or none: either every item is admitted (in order) or none is. The answer completes at
     * once in {@code memory} mode, else when every item is numbered and stored; it fails (503) if any item could
     * not be.
     *
     * @throws PublishError at once: 429 when the queue has no room for the whole batch, 503 when shutting down
     */
    public CompletionStage<BatchReceipt> publishBatchAsync(List<BatchParser.Item> items) {
        Stage<Admitted> current = admitting(items.size());
        long now = Clock.nowMicros();
        List<String> ids = new ArrayList<>(items.size());
        List<Event> events = new ArrayList<>(items.size());
        for (BatchParser.Item item : items) {
            Event event = Event.accepted(EventIds.next(), item.topic(), item.data(), now);
            events.add(event);
            ids.add(event.id());
        }
        BatchOutcome outcome = durable ? new BatchOutcome(ids, metrics) : null;
        List<Admitted> admitted = new ArrayList<>(events.size());
        for (Event event : events) {
            admitted.add(new Admitted(event, durable ? outcome : Admitted.Outcome.NONE));
        }
        Admission admission = current.offerAll(admitted);
        switch (admission) {
            case ACCEPTED:
                if (!durable) {
                    metrics.accepted(events.size());
                    return CompletableFuture.completedFuture(new BatchReceipt(ids, List.of()));
                }
                return outcome.answer();
            case DROPPED:
                return CompletableFuture.completedFuture(new BatchReceipt(ids, ids));
            default:
                metrics.rejected(events.size());
                throw draining ? PublishError.unavailable() : PublishError.queueFull();
        }
    }

    /** The parser of batch bodies, with this node's size limit. */
    public BatchParser batchParser() {
        return batchParser;
    }

    /** Parses a JSON body and publishes it. @throws PublishError as {@link #publishAsync} and 400/413 for the body */
    public CompletionStage<PublishReceipt> publishJsonAsync(String topic, byte[] body) {
        return publishAsync(topic, parser.parse(body)); // publish checks the topic, after the body (contract order)
    }

    public boolean isAccepting() {
        return stage != null && !draining;
    }

    /** The stage, for stats and health; null before start. */
    public Stage<?> stage() {
        return stage;
    }

    /**
     * The stage for the stall check: null while it holds events for a cluster outage (the {@code memory} events of a
     * cut-off client node, see {@link Sequencer}): an outage is no stall, and an orchestrator restarting the node for
     * it would lose what it holds. Readiness says the node is cut off.
     */
    public Stage<?> stageToWatchForStalls() {
        return heldEvents() > 0 ? null : stage;
    }

    /** Events admitted in {@code memory} mode and held while this node is cut off from its cluster. */
    public long heldEvents() {
        Sequencer current = sequencer;
        return current == null ? 0 : current.heldEvents();
    }

    /**
     * Stops accepting and lets queued events reach the bus within {@code timeout} (numbered, and their bus messages
     * sent, so a bus flush after it brings them all back); publishers still waiting for events left over get 503.
     */
    public DrainReport<?> drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        DrainReport<Admitted> report = requireStage().drain(timeout);
        if (!report.leftover().isEmpty()) {
            LOG.warning(() -> "ingest drain left " + report.leftover().size() + " admitted event(s) unnumbered after "
                    + timeout.toMillis() + " ms" + (durable ? "; their publishers get 503" : ""));
            for (Admitted left : report.leftover()) {
                left.outcome().failed(left.event(), PublishError.unavailable());
            }
        }
        BusSender sender = busSender;
        if (sender != null) {
            if (!sender.awaitSent(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.warning("some numbered batches were still on their way to the bus when the drain timeout ran out");
            }
            sender.close();
        }
        AnswerPool pool = answers;
        // the answers of what was just numbered or failed are still being written: give them what is left
        if (pool != null && !pool.close(Duration.ofNanos(Math.max(MIN_ANSWER_NANOS, deadline - System.nanoTime())))) {
            LOG.warning("some publish answers were still being written when the drain timeout ran out");
        }
        return report;
    }

    /**
     * Refuses every publish (503, with the reason) while {@code problem} answers one: a client node whose cluster has
     * a member that cannot run Flowcast's code ({@link dev.flowcast.cluster.MemberCodeWatch}).
     */
    public void refuseWhile(Supplier<String> problem) {
        clusterProblem = problem;
    }

    /** The running stage, once the checks every publish passes first are done. */
    private Stage<Admitted> admitting(int count) {
        Stage<Admitted> current = requireStage();
        if (draining) {
            metrics.rejected(count);
            throw PublishError.unavailable();
        }
        int memberCount = members.getAsInt();
        if (memberCount == 0) {
            // a client node cut off from its external cluster: nothing could be numbered until it reconnects
            metrics.rejected(count);
            throw new PublishError(503, "unavailable", "this node has lost its Hazelcast cluster and is reconnecting;"
                    + " retry, or publish through another node");
        }
        String problem = clusterProblem.get();
        if (problem != null) {
            metrics.rejected(count);
            throw new PublishError(503, "unavailable", "this node's Hazelcast cluster cannot number events now: "
                    + problem);
        }
        if ("replicated".equals(settings.durability()) && memberCount < 2) {
            metrics.rejected(count);
            throw new PublishError(503, "unavailable", "flowcast.durability=replicated needs a second cluster member "
                    + "to hold each event; this cluster has one now");
        }
        try {
            gate.pass();
        } catch (PublishError behind) {
            metrics.rejected(count);
            throw behind;
        }
        return current;
    }

    private Stage<Admitted> requireStage() {
        Stage<Admitted> current = stage;
        if (current == null) {
            throw PublishError.unavailable();
        }
        return current;
    }

    private void sequencingFailed(List<Admitted> batch, Throwable failure) {
        // The sequencer answers every event itself; this is a failure outside its own handling (a bug, or the bus):
        // fail whoever still waits, and say it loudly.
        LOG.log(java.util.logging.Level.SEVERE, "sequencing a batch of " + batch.size() + " event(s) failed", failure);
        PublishError error = new PublishError(503, "unavailable", "the event could not be sequenced; retry");
        for (Admitted admitted : batch) {
            admitted.outcome().failed(admitted.event(), error);
        }
    }

    /** The answer to one durable publish. */
    private record SingleOutcome(CompletableFuture<PublishReceipt> answer, FlowcastMetrics metrics)
            implements Admitted.Outcome {
        @Override
        public void numbered(Event event) {
            if (answer.complete(new PublishReceipt(event.id(), event.topic(), false))) {
                metrics.accepted(1);
            }
        }

        @Override
        public void dropped(Event event) {
            answer.complete(new PublishReceipt(event.id(), event.topic(), true));
        }

        @Override
        public void failed(Event event, PublishError why) {
            if (answer.completeExceptionally(why)) {
                metrics.rejected(1);
            }
        }
    }
}
