package dev.flowcast.ingest;

import dev.flowcast.cluster.EventBus;
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
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Java entry point of the pipeline: validates, stamps and admits events into the bounded ingest stage,
 * whose workers sequence them and put them on the bus.
 *
 * <p>The publisher learns at once whether its event was accepted (contract §2): the overflow policy
 * ({@code flowcast.queue.overflow}) decides what a full queue does. Threading: {@link #publish} is
 * thread-safe and, under {@code block}, may wait up to {@code flowcast.queue.offer-timeout-ms}.
 * {@link #start} and {@link #drain} are called once by the lifecycle.
 */
@ApplicationScoped
public class Ingest {

    public static final String STAGE_NAME = "ingest";
    private static final Logger LOG = Logger.getLogger(Ingest.class.getName());
    private static final int BATCH_SIZE = 256;

    @Inject
    Settings settings;

    @Inject
    FlowcastMetrics metrics;

    private volatile Stage<Event> stage;
    private volatile boolean draining;
    private EventDataParser parser;
    private BatchParser batchParser;

    @PostConstruct
    void init() {
        parser = new EventDataParser(settings.eventMaxBytes());
        batchParser = new BatchParser(settings.eventMaxBytes());
    }

    /** Builds and starts the ingest stage, its workers made by {@code threads}. */
    public void start(ThreadFactory threads, TopicHistory history, EventBus bus) {
        Sequencer sequencer = new Sequencer(history, bus);
        Stage<Event> built = Stage.<Event>builder(STAGE_NAME)
                .capacity(settings.queueCapacity())
                .overflow(OverflowPolicy.fromSetting(settings.queueOverflow()),
                        Duration.ofMillis(settings.queueOfferTimeoutMs()))
                .workers(settings.stageWorkers())
                .batchSize(BATCH_SIZE)
                .keyedBy(Event::topic)
                .threads(threads)
                .handler(sequencer::handle)
                .onDrop((event, policy) -> metrics.dropped(policy))
                .onError(this::sequencingFailed)
                .build();
        built.start();
        metrics.stageGauges(built);
        stage = built;
    }

    /** The parser of request bodies, with this node's size limit. */
    public EventDataParser parser() {
        return parser;
    }

    /**
     * Publishes one event.
     *
     * @param topic       a topic name
     * @param compactJson the event's data as compact JSON (see {@link EventDataParser})
     * @throws PublishError 400 bad topic, 413 too large, 429 queue full, 503 shutting down
     */
    public PublishReceipt publish(String topic, String compactJson) {
        if (!Topic.isValid(topic)) {
            throw PublishError.badTopic("topic name must match [A-Za-z0-9_.:-]{1,200}");
        }
        Stage<Event> current = requireStage();
        if (draining) {
            metrics.rejected(1);
            throw PublishError.unavailable();
        }
        Event event = Event.accepted(EventIds.next(), topic, compactJson, Clock.nowMicros());
        Admission admission = current.offer(event);
        switch (admission) {
            case ACCEPTED:
                metrics.accepted(1);
                return new PublishReceipt(event.id(), topic, false);
            case DROPPED:
                return new PublishReceipt(event.id(), topic, true);
            default:
                metrics.rejected(1);
                throw draining ? PublishError.unavailable() : PublishError.queueFull();
        }
    }

    /**
     * Publishes a batch, all or none: either every item is accepted (in order) or none is.
     *
     * @return the ids, in item order
     * @throws PublishError 429 when the queue has no room for the whole batch, 503 when shutting down
     */
    public List<String> publishBatch(List<BatchParser.Item> items) {
        Stage<Event> current = requireStage();
        if (draining) {
            metrics.rejected(items.size());
            throw PublishError.unavailable();
        }
        long now = Clock.nowMicros();
        List<Event> events = new ArrayList<>(items.size());
        List<String> ids = new ArrayList<>(items.size());
        for (BatchParser.Item item : items) {
            Event event = Event.accepted(EventIds.next(), item.topic(), item.data(), now);
            events.add(event);
            ids.add(event.id());
        }
        Admission admission = current.offerAll(events);
        switch (admission) {
            case ACCEPTED:
                metrics.accepted(events.size());
                return ids;
            case DROPPED:
                return List.of();
            default:
                metrics.rejected(events.size());
                throw draining ? PublishError.unavailable() : PublishError.queueFull();
        }
    }

    /** The parser of batch bodies, with this node's size limit. */
    public BatchParser batchParser() {
        return batchParser;
    }

    /** Parses a JSON body and publishes it. @throws PublishError as {@link #publish} and 400/413 for the body */
    public PublishReceipt publishJson(String topic, byte[] body) {
        return publish(topic, parser.parse(body)); // publish checks the topic, after the body (contract order)
    }

    public boolean isAccepting() {
        return stage != null && !draining;
    }

    /** The stage, for stats and health; null before start. */
    public Stage<Event> stage() {
        return stage;
    }

    /** Stops accepting and lets queued events reach the bus within {@code timeout}. */
    public DrainReport<Event> drain(Duration timeout) {
        draining = true;
        DrainReport<Event> report = requireStage().drain(timeout);
        if (!report.leftover().isEmpty()) {
            LOG.warning(() -> "ingest drain left " + report.leftover().size() + " accepted event(s) unsequenced after "
                    + timeout.toMillis() + " ms");
        }
        return report;
    }

    private Stage<Event> requireStage() {
        Stage<Event> current = stage;
        if (current == null) {
            throw PublishError.unavailable();
        }
        return current;
    }

    private void sequencingFailed(List<Event> batch, Throwable failure) {
        // Accepted events that could not be numbered: they never got a seq, so no gap can tell subscribers.
        // Say it loudly; the cluster issue's durable queue is what closes this window.
        LOG.log(Level.SEVERE, "could not sequence " + batch.size() + " accepted event(s) of topic "
                + batch.get(0).topic() + "; they are lost", failure);
    }
}
