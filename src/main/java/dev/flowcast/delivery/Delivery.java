package dev.flowcast.delivery;

import dev.flowcast.auth.TokenCheck;
import dev.flowcast.auth.TokenVerifier;
import dev.flowcast.auth.TopicAuthorizer;
import dev.flowcast.auth.TopicPatterns;
import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.HistoryReader;
import dev.flowcast.config.Settings;
import dev.flowcast.delivery.frame.ClientFrame;
import dev.flowcast.delivery.frame.ClientFrameDecoder;
import dev.flowcast.delivery.frame.Decoded;
import dev.flowcast.delivery.frame.ErrorCode;
import dev.flowcast.delivery.frame.FrameError;
import dev.flowcast.delivery.frame.ServerFrames;
import dev.flowcast.metrics.FlowcastMetrics;
import dev.flowcast.metrics.MetricNames;
import dev.flowcast.stage.Admission;
import dev.flowcast.stage.DrainReport;
import dev.flowcast.stage.OverflowPolicy;
import dev.flowcast.stage.Stage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This member's delivery side: connections, the frames they send, and the fan-out stage that brings them
 * the bus's events.
 *
 * <p>The endpoint hands every lifecycle call and client frame here. Subscriptions are checked here (topic,
 * authorization, limit) and then carried out in the topic's fan-out lane (see {@link FanOut}).
 *
 * <p>Threading: thread-safe. Frame handling runs on the container's WebSocket threads (one at a time per
 * connection); bus batches arrive on Hazelcast event threads; fan-out work runs on the stage's executor.
 */
@ApplicationScoped
public class Delivery {

    public static final String STAGE_NAME = "fanout";
    private static final Logger LOG = Logger.getLogger(Delivery.class.getName());
    private static final int BATCH_SIZE = 256;
    /** How long a bus listener thread may wait for room in the fan-out queue. */
    private static final Duration FANOUT_OFFER_TIMEOUT = Duration.ofSeconds(1);

    @Inject
    Settings settings;

    @Inject
    FlowcastMetrics metrics;

    private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
    /** Topics whose batch could not be queued: the next listener call re-reads them from history. */
    private final Set<String> needsResync = ConcurrentHashMap.newKeySet();

    private volatile Stage<FanOutWork> stage;
    private volatile FanOut fanOut;
    private volatile TopicAuthorizer authorizer;
    private volatile TokenVerifier verifier;
    private volatile DeliveryObserver observer;

    /** Builds the fan-out stage and starts listening to the bus. */
    public void start(ThreadFactory threads, HistoryReader history, EventBus bus) {
        verifier = new TokenVerifier(settings.authSecret());
        authorizer = new TopicAuthorizer(TopicPatterns.parseCommaList(settings.publicTopics()), verifier);
        observer = new MetricsObserver(metrics);
        FanOut built = new FanOut(history, observer);
        Stage<FanOutWork> fanOutStage = Stage.<FanOutWork>builder(STAGE_NAME)
                .capacity(settings.queueCapacity())
                .overflow(OverflowPolicy.BLOCK, FANOUT_OFFER_TIMEOUT)
                .workers(settings.stageWorkers())
                .batchSize(BATCH_SIZE)
                .keyedBy(FanOutWork::topic)
                .threads(threads)
                .handler(built::handle)
                .onError((batch, failure) -> LOG.log(Level.WARNING, "fan-out of " + batch.size()
                        + " item(s) of topic " + batch.get(0).topic() + " failed", failure))
                .build();
        fanOutStage.start();
        fanOut = built;
        stage = fanOutStage;
        metrics.stageGauges(fanOutStage);
        metrics.gauge(MetricNames.SESSIONS, connections::size);
        metrics.gauge(MetricNames.SUBSCRIPTIONS, built::subscriptions);
        bus.listen(this::fromBus, this::busLost);
    }

    // ---- connection lifecycle (called by the endpoint) ----

    /**
     * Registers a new connection, or closes it with 1008 when its {@code ?token=} is invalid.
     *
     * @return the connection, or empty when it was refused
     */
    public Optional<Connection> open(Session session) {
        TokenCheck.Valid connectToken = null;
        String token = firstParameter(session, "token");
        if (token != null) {
            TokenCheck check = verifier.verify(token);
            if (!(check instanceof TokenCheck.Valid valid)) {
                closeNow(session, CloseReason.CloseCodes.VIOLATED_POLICY, "unauthorized");
                return Optional.empty();
            }
            connectToken = valid;
        }
        Outbox outbox = new Outbox(new SessionFrameSink(session), settings.clientMaxPending(), observer);
        Connection connection = new Connection(session.getId(), outbox, connectToken);
        connections.put(session.getId(), connection);
        return Optional.of(connection);
    }

    /** Handles one client text frame; refusals become {@code error} frames and the connection stays open. */
    public void onFrame(Connection connection, String text) {
        Decoded decoded = ClientFrameDecoder.decode(text);
        if (decoded instanceof Decoded.Failed failed) {
            connection.send(ServerFrames.error(failed.error()));
            return;
        }
        ClientFrame frame = ((Decoded.Ok) decoded).frame();
        if (frame instanceof ClientFrame.Ping) {
            connection.send(ServerFrames.pong());
        } else if (frame instanceof ClientFrame.Subscribe subscribe) {
            subscribe(connection, subscribe);
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
            unsubscribe(connection, unsubscribe.topic());
        }
    }

    /** The connection is gone: stop sending and leave every topic. */
    public void closed(Connection connection) {
        if (connections.remove(connection.id()) == null) {
            return;
        }
        connection.outbox().close();
        for (String topic : connection.topics()) {
            offer(new FanOutWork.Unsubscribe(connection, topic, false));
        }
        connection.topics().clear();
    }

    // ---- frames ----

    private void subscribe(Connection connection, ClientFrame.Subscribe subscribe) {
        String topic = subscribe.topic();
        if (!authorizer.authorize(topic, connection.connectToken(), subscribe.token()).isAllowed()) {
            refuse(connection, ErrorCode.UNAUTHORIZED, "not authorized for this topic", topic);
            return;
        }
        boolean isNew = !connection.topics().contains(topic);
        if (isNew && connection.topics().size() >= settings.clientMaxSubscriptions()) {
            refuse(connection, ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "a connection may hold at most " + settings.clientMaxSubscriptions() + " subscriptions", topic);
            return;
        }
        connection.topics().add(topic);
        if (!offer(new FanOutWork.Subscribe(connection, topic, subscribe.since(), subscribe.epoch()))) {
            if (isNew) {
                connection.topics().remove(topic);
            }
            connection.send(ServerFrames.error(new FrameError(ErrorCode.UNAVAILABLE,
                    "the server is busy or shutting down; subscribe again later", topic)));
        }
    }

    private void unsubscribe(Connection connection, String topic) {
        if (connection.topics().remove(topic)) {
            if (offer(new FanOutWork.Unsubscribe(connection, topic, true))) {
                return;
            }
        }
        connection.send(ServerFrames.unsubscribed(topic)); // not subscribed: nothing to wait for
    }

    private static void refuse(Connection connection, ErrorCode code, String message, String topic) {
        connection.send(ServerFrames.error(new FrameError(code, message, topic)));
    }

    // ---- bus ----

    private void fromBus(EventBatch batch) {
        if (!needsResync.isEmpty()) {
            for (String topic : needsResync) {
                if (offer(new FanOutWork.Resync(topic))) {
                    needsResync.remove(topic);
                }
            }
        }
        if (!offer(new FanOutWork.Deliver(batch))) {
            needsResync.add(batch.topic());
        }
    }

    private void busLost(int partition) {
        FanOut current = fanOut;
        if (current != null) {
            for (String topic : current.topicsOfPartition(partition)) {
                if (!offer(new FanOutWork.Resync(topic))) {
                    needsResync.add(topic);
                }
            }
        }
    }

    private boolean offer(FanOutWork work) {
        Stage<FanOutWork> current = stage;
        return current != null && current.offer(work) == Admission.ACCEPTED;
    }

    // ---- lifecycle and numbers ----

    /** Lets queued fan-out work finish within {@code timeout}. */
    public DrainReport<FanOutWork> drain(Duration timeout) {
        return stage.drain(timeout);
    }

    /**
     * Closes every connection with 1001 (going away) once its outbox has flushed, so clients reconnect
     * elsewhere and resume; waits up to {@code timeout} for the closes, so the JVM does not exit under them.
     */
    public void closeAll(Duration timeout) {
        for (Connection connection : connections.values()) {
            connection.outbox().closeAfterFlush(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // shutdown path only: onClose empties the map as the close handshakes finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public int sessions() {
        return connections.size();
    }

    public int subscriptions() {
        FanOut current = fanOut;
        return current == null ? 0 : current.subscriptions();
    }

    public Stage<FanOutWork> stage() {
        return stage;
    }

    /** The {@code limit} topics with the most local subscribers, busiest first (see {@link FanOut#busiestTopics}). */
    public Map<String, Integer> busiestTopics(int limit) {
        FanOut current = fanOut;
        return current == null ? Map.of() : current.busiestTopics(limit);
    }

    private static String firstParameter(Session session, String name) {
        var values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void closeNow(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed; the socket is gone", e);
        }
    }

    /** Counts deliveries, cuts and gaps in the application metrics. */
    private record MetricsObserver(FlowcastMetrics metrics) implements DeliveryObserver {
        @Override
        public void delivered(long latencyMicros) {
            metrics.delivered(latencyMicros);
        }

        @Override
        public void slowConsumerCut() {
            metrics.clientCut();
        }

        @Override
        public void gap() {
            metrics.gaps(1);
        }
    }
}
