package dev.flowcast;

import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.HazelcastNode;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.config.Settings;
import dev.flowcast.config.SettingsCheck;
import dev.flowcast.delivery.Delivery;
import dev.flowcast.demo.DemoFeed;
import dev.flowcast.ingest.Ingest;
import dev.flowcast.metrics.FlowcastMetrics;
import dev.flowcast.metrics.MetricNames;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Starts the pipeline when the application starts and takes it down, in order, when it stops.
 *
 * <p>Start: check settings, Hazelcast, fan-out (listening to the bus), ingest, demo feed. Stop, the reverse
 * with draining: demo off, ingest refuses (503) and drains, fan-out drains, sockets close with 1001 after
 * their outboxes flush, then the member leaves the cluster gracefully. Threading: called once each by CDI.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());
    /** Payara's shutdown grace period, in ms, read when the server stops. */
    static final String PAYARA_SHUTDOWN_GRACE = "fish.payara.shutdowngrace";

    /**
     * Makes the stages' long-lived worker threads (the Jakarta EE default factory, on every server): each thread
     * carries the application's context from its creation, so no hand-off pays a per-task context set-up.
     */
    @Resource
    ManagedThreadFactory threads;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Settings settings;

    @Inject
    HazelcastNode hazelcast;

    @Inject
    Ingest ingest;

    @Inject
    Delivery delivery;

    @Inject
    DemoFeed demo;

    @Inject
    FlowcastMetrics metrics;

    private volatile boolean ready;
    private volatile EventBus bus;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Thread shutdownHook = new Thread(this::drainAndClose, "flowcast-graceful-stop");

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        List<String> problems = SettingsCheck.problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Flowcast refuses to start: " + String.join("; ", problems));
        }
        LOG.info(() -> "Flowcast starting: " + settings);
        if (settings.publishKey().isEmpty()) {
            LOG.warning("flowcast.publish.key is not set: the publish API answers 401 to everyone");
        }
        if (settings.adminPassword().isEmpty()) {
            LOG.warning("flowcast.admin.password is not set: the admin console refuses every login");
        }
        var instance = hazelcast.start();
        TopicHistory history = new TopicHistory(instance);
        bus = new EventBus(instance);
        metrics.gauge(MetricNames.CLUSTER_MEMBERS, hazelcast::memberCount);
        delivery.start(threads, scheduler, history, bus);
        ingest.start(threads, history, bus);
        if (settings.demoEnabled()) {
            demo.start(scheduler);
        }
        int preloaded = ClassPreloader.preload(Lifecycle.class);
        LOG.fine(() -> preloaded + " classes preloaded for the shutdown path");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        keepServerUpWhileDraining();
        ready = true;
        LOG.info("Flowcast ready");
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyStopping) {
            // the hook is running or ran: drainAndClose below waits for it
        }
        drainAndClose();
        hazelcast.stop();
        LOG.info("Flowcast stopped");
    }

    /**
     * Asks Payara to keep serving for the drain time after a SIGTERM, unless the operator chose a grace period.
     *
     * <p>Payara reads {@value #PAYARA_SHUTDOWN_GRACE} when it stops and sleeps that long before it stops
     * anything (GlassFishImpl.sleepShutdownGracePeriod; {@code --shutdowngrace} sets it from the command line
     * but is not kept in an uber jar). Meanwhile Flowcast's own shutdown hook drains and closes with 1001.
     */
    private void keepServerUpWhileDraining() {
        if (System.getProperty(PAYARA_SHUTDOWN_GRACE) == null) {
            System.setProperty(PAYARA_SHUTDOWN_GRACE, Long.toString(settings.drainTimeoutMs()));
            LOG.info(() -> "on SIGTERM the server keeps serving for " + settings.drainTimeoutMs()
                    + " ms while Flowcast drains (" + PAYARA_SHUTDOWN_GRACE + ")");
        }
    }

    /**
     * Stops taking work, drains the stages and closes every socket with 1001 after its outbox flushed; once.
     * Runs from the JVM shutdown hook on SIGTERM, or from the undeploy observer, whichever comes first; the
     * other caller waits for it to finish.
     *
     * <p>Why a JVM hook of our own: on SIGTERM Payara Micro stops the server from its own hook, and the
     * application's undeploy observer runs only after Payara's grace period, late in that teardown. Our hook
     * starts at once, beside Payara's, while Payara's shutdown grace period ({@link #keepServerUpWhileDraining})
     * keeps its listeners up for the drain. Everything this path touches was loaded at start
     * ({@link ClassPreloader}): the web class loader no longer finds classes once the JVM is stopping.
     */
    private void drainAndClose() {
        if (!stopping.compareAndSet(false, true)) {
            try {
                stopped.get(settings.drainTimeoutMs() * 3, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warning("the shutdown hook's drain did not finish in time");
            }
            return;
        }
        try {
            ready = false;
            Duration timeout = Duration.ofMillis(settings.drainTimeoutMs());
            demo.stop();
            if (ingest.stage() != null) {
                var left = ingest.drain(timeout);
                LOG.info(() -> "ingest drained" + (left.completed() ? "" : ", " + left.leftover().size() + " left"));
            }
            if (bus != null && !bus.flush(timeout)) {
                LOG.warning("the bus did not bring back every batch within the drain timeout");
            }
            if (delivery.stage() != null) {
                var left = delivery.drain(timeout);
                LOG.info(() -> "fan-out drained" + (left.completed() ? "" : ", " + left.leftover().size() + " left"));
                delivery.closeAll(timeout);
            }
        } finally {
            stopped.complete(null);
        }
    }

    /** True once every part started, until shutdown begins. */
    public boolean isReady() {
        return ready && hazelcast.isRunning();
    }
}
