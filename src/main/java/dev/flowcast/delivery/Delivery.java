package dev.flowcast.delivery;

import dev.flowcast.auth.TokenCheck;
import dev.flowcast.auth.TokenVerifier;
import dev.flowcast.auth.TopicAuthorizer;
import dev.flowcast.auth.TopicPatterns;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.HistoryReader;
import dev.flowcast.config.Settings;
import dev.flowcast.metrics.DeliveryMeter;
import dev.flowcast.metrics.FlowcastMetrics;
import dev.flowcast.metrics.MetricNames;
import dev.flowcast.stage.DrainReport;
import dev.flowcast.stage.Stage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This member's delivery side, assembled: the connection registry, the client protocol, the fan-out stage and the
 * bus bridge that feeds it, the outbox writers, and the housekeeping tick. The endpoint and the lifecycle talk to
 * this bean; each part does one job.
 *
 * <pre>
 *  bus ──> BusBridge ──> FanOutStage (lane per topic) ──> FanOut ──> Subscription ──> Outbox ──> OutboxWriters ──> socket
 *  endpoint ──> ClientProtocol ── subscribe ──────────────┘                            (bounded;  (pinned threads,
 *              (rate limit, auth, limits) ── unsubscribe/expiry ──> Outbox.end         packed)    one send in flight)
 *  Housekeeping (tick): pings/liveness, token expiry, aborts, resyncs, prunes
 * </pre>
 *
 * <p>Threading: thread-safe. {@link #start} and the shutdown methods are called once by the lifecycle; the rest
 * from the container's WebSocket threads and the stats tick.
 */
@ApplicationScoped
public class Delivery {

    public static final String STAGE_NAME = FanOutStage.NAME;
    private static final Logger LOG = Logger.getLogger(Delivery.class.getName());

    @Inject
    Settings settings;

    @Inject
    FlowcastMetrics metrics;

    private volatile TokenVerifier verifier;
    private volatile ConnectionRegistry registry;
    private volatile FanOutStage fanOut;
    private volatile ClientProtocol protocol;
    private volatile OutboxWriters writers;
    private volatile DeliveryObserver observer;
    private volatile ScheduledFuture<?> housekeeping;
    private volatile TyrusIdleTimer idleTimer;
    private final SocketAborter aborter = new SocketAborter();
    private volatile BooleanSupplier clusterReachable = () -> true;

    /**
     * Builds and starts the delivery side: threads from {@code threads}, the housekeeping tick on
     * {@code scheduler}, then listens to the bus. While {@code clusterReachable} is false, subscribes are refused
     * ({@code unavailable}) and new connections too (HTTP 503, {@link ConnectionLimitFilter}); past a grace, the open
     * ones are closed with 1001 ({@link Housekeeping}).
     */
    public void start(ThreadFactory threads, ScheduledExecutorService scheduler, HistoryReader history, EventBus bus,
                      BooleanSupplier clusterReachable) {
        this.clusterReachable = clusterReachable;
        verifier = new TokenVerifier(settings.authSecret());
        TopicAuthorizer authorizer = new TopicAuthorizer(TopicPatterns.parseCommaList(settings.publicTopics()), verifier);
        observer = new MetricsObserver(metrics, metrics.deliveryMeter());
        registry = new ConnectionRegistry(settings.clientMaxConnections());
        FanOutStage stage = new FanOutStage(settings.queueCapacity(), settings.stageWorkers(), threads, history,
                observer);
        protocol = new ClientProtocol(authorizer, stage, settings.clientMaxSubscriptions(), clusterReachable);
        writers = new OutboxWriters(settings.stageWorkers(), settings.clientMaxConnections(), threads);
        writers.start();
        idleTimer = new TyrusIdleTimer(threads);
        stage.start();
        fanOut = stage;
        metrics.stageGauges(stage.stage());
        metrics.gauge(MetricNames.SESSIONS, registry::size);
        metrics.gauge(MetricNames.SUBSCRIPTIONS, registry::subscriptions);
        Housekeeping chores = new Housekeeping(registry, protocol, stage, settings.clientPingSeconds(),
                Clock.systemUTC(), clusterReachable);
        housekeeping = scheduler.scheduleWithFixedDelay(chores, Housekeeping.TICK_MILLIS, Housekeeping.TICK_MILLIS,
                TimeUnit.MILLISECONDS);
        BusBridge bridge = new BusBridge(stage);
        bus.listen(bridge::fromBus, bridge::lost);
    }

    /** How far behind the socket writers are ({@link OutboxWriters#lagMillis}); 0 before start. Any thread. */
    public long writerLagMillis() {
        OutboxWriters current = writers;
        return current == null ? 0 : current.lagMillis();
    }

    // ---- connections (called by the endpoint and its filter) ----

    /** True when this node takes no more connections ({@code flowcast.client.max-connections}). */
    public boolean isFull() {
        ConnectionRegistry current = registry;
        return current == null || current.isFull();
    }

    /** True while this node cannot reach its cluster (a client node cut off from it): it can deliver nothing. */
    public boolean isCutOff() {
        return !clusterReachable.getAsBoolean();
    }

    /**
     * Registers a new connection; closes it at once with 1008 when its {@code ?token=} is invalid, or with 1013 when
     * the node went past its connection limit meanwhile. The token never reaches a log line.
     *
     * @return the connection, or empty when it was refused
     */
    public Optional<Connection> open(Session session) {
        ConnectionRegistry current = registry;
        if (current == null) {
            closeNow(session, CloseReason.CloseCodes.TRY_AGAIN_LATER, "starting");
            return Optional.empty();
        }
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
        // Liveness is ours (pings, three periods). Tyrus re-arms its idle timer anyway, on every frame: on a cheap
        // scheduler of ours rather than the container's managed one (TyrusIdleTimer says why).
        TyrusIdleTimer timer = idleTimer;
        if (timer != null) {
            timer.install(session);
        }
        session.setMaxIdleTimeout(0);
        long serial = current.nextSerial();
        long now = System.nanoTime();
        Outbox outbox = new Outbox(new SessionFrameSink(session, aborter), settings.clientMaxPending(),
                settings.clientMaxPendingBytes(), observer, writers.writerFor(serial));
        Connection connection = new Connection(session.getId(), serial, outbox, connectToken,
                new FrameRateLimiter(settings.clientMaxFramesPerSecond(), now), now);
        if (!current.add(connection)) {
            closeNow(session, CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many connections");
            return Optional.empty();
        }
        return Optional.of(connection);
    }

    /** Handles one client text frame. */
    public void onFrame(Connection connection, String text) {
        protocol.onFrame(connection, text, System.nanoTime());
    }

    /** The client answered a ping. */
    public void onPong(Connection connection) {
        connection.heard(System.nanoTime());
    }

    /** The connection is gone: stop sending and end every subscription. */
    public void closed(Connection connection) {
        ConnectionRegistry current = registry;
        if (current != null && current.remove(connection, System.nanoTime())) {
            protocol.closed(connection);
        }
    }

    // ---- lifecycle and numbers ----

    /** Lets queued fan-out work finish within {@code timeout}. */
    public DrainReport<FanOutWork> drain(Duration timeout) {
        return fanOut.drain(timeout);
    }

    /**
     * Closes every connection with 1001 (going away) once its outbox has flushed, so clients reconnect elsewhere and
     * resume; waits up to {@code timeout} for the closes, so the JVM does not exit under them. Then stops the
     * housekeeping tick, the writers and the sessions' idle timer.
     */
    public void closeAll(Duration timeout) {
        ScheduledFuture<?> tick = housekeeping;
        if (tick != null) {
            tick.cancel(false);
        }
        ConnectionRegistry current = registry;
        if (current != null) {
            for (Connection connection : current.connections()) {
                connection.outbox().closeAfterFlush(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (current.size() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10); // shutdown path only: onClose empties the registry as the handshakes finish
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        OutboxWriters running = writers;
        if (running != null) {
            running.stop();
        }
        TyrusIdleTimer timer = idleTimer;
        if (timer != null) {
            timer.stop();
        }
    }

    public int sessions() {
        ConnectionRegistry current = registry;
        return current == null ? 0 : current.size();
    }

    public int subscriptions() {
        ConnectionRegistry current = registry;
        return current == null ? 0 : current.subscriptions();
    }

    public Stage<FanOutWork> stage() {
        FanOutStage current = fanOut;
        return current == null ? null : current.stage();
    }

    /** The {@code limit} topics with the most local subscribers, busiest first (see {@link FanOut#busiestTopics}). */
    public Map<String, Integer> busiestTopics(int limit) {
        FanOutStage current = fanOut;
        return current == null ? Map.of() : current.fanOut().busiestTopics(limit);
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

    /** Counts deliveries (with their latency), cuts and gaps in the application metrics. */
    /** Per delivery, the meter itself (not the bean's proxy: {@link DeliveryMeter}); the rare events, the bean. */
    private record MetricsObserver(FlowcastMetrics metrics, DeliveryMeter meter) implements DeliveryObserver {
        @Override
        public void delivered(Chunk chunk, long nowMicros) {
            for (int i = 0, n = chunk.events(); i < n; i++) {
                meter.delivered(nowMicros - chunk.eventAcceptedMicros(i));
            }
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
