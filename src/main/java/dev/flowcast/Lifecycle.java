package dev.flowcast;

import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.HazelcastNode;
import dev.flowcast.cluster.JdbcEventStore;
import dev.flowcast.cluster.MemberCodeWatch;
import dev.flowcast.cluster.NodePresence;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.config.Settings;
import dev.flowcast.config.SettingsCheck;
import dev.flowcast.delivery.Delivery;
import dev.flowcast.demo.DemoFeed;
import dev.flowcast.ingest.Ingest;
import dev.flowcast.metrics.FlowcastMetrics;
import dev.flowcast.metrics.MeteredEventStore;
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
    private volatile NodePresence presence;
    /** Client mode: the members' Flowcast code, probed again and again. */
    private volatile MemberCodeWatch memberCode;
    private volatile EventStore store;
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
        try {
            startPipeline();
        } catch (RuntimeException | Error failed) {
            // A failed deployment must not leave a Hazelcast member, a store pool or threads behind in the server
            // (on Payara Server or WildFly the JVM lives on, and a redeploy would find the cluster port taken).
            LOG.log(java.util.logging.Level.SEVERE, "Flowcast failed to start; stopping what had started", failed);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException notAddedOrStopping) {
                // nothing to remove
            }
            drainAndClose();
            throw failed;
        }
    }

    private void startPipeline() {
        store = openStore();
        var instance = hazelcast.start();
        TopicHistory history = new TopicHistory(instance, settings.historySize(), settings.historyTtlSeconds(), store).start();
        bus = hazelcast.isClient() ? new EventBus(hazelcast.clusterClient()) : new EventBus(instance);
        metrics.gauge(MetricNames.CLUSTER_MEMBERS, hazelcast::memberCount);
        delivery.start(threads, scheduler, history, bus, hazelcast::isConnected);
        if (hazelcast.isClient()) {
            // other client nodes' deaths are no membership change: learn of them through their heartbeats
            presence = new NodePresence(instance).start(scheduler, bus::everyPartitionLost);
            // members that join later are probed too: one without Flowcast's code makes the node refuse publishes
            memberCode = new MemberCodeWatch(instance, settings.clusterName(), hazelcast::isConnected).start(scheduler);
            ingest.refuseWhile(memberCode::problem);
        }
        ingest.start(threads, history, bus, store, hazelcast::memberCount, delivery::writerLagMillis);
        LOG.info(() -> "durability " + settings.durability() + ": " + promise());
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
        LOG.info("Flowcast stopped");
    }

    /**
     * The {@code persistent} store, measured ({@link MeteredEventStore}), or null in the other modes. A store that
     * cannot be reached refuses the start, saying why (the cluster is not joined: a member without its store must not
     * number events).
     */
    private EventStore openStore() {
        if (!"persistent".equals(settings.durability())) {
            return null;
        }
        try {
            return new MeteredEventStore(JdbcEventStore.open(settings.storeUrl().orElseThrow(),
                    settings.storeUser().orElse(null), settings.storePassword().orElse(null), settings.stageWorkers() + 2,
                    settings.historySize()), metrics);
        } catch (EventStore.StoreUnavailable e) {
            throw new IllegalStateException("Flowcast refuses to start: flowcast.durability=persistent and "
                    + e.getMessage(), e);
        }
    }

    private String promise() {
        return switch (settings.durability()) {
            case "replicated" -> "a 202 means the event is numbered and held by two members";
            case "persistent" -> "a 202 means the event is numbered, held by two members and written to the store";
            default -> "a 202 means the event is in this member's memory";
        };
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
     * Stops taking work, drains the stages, closes every socket with 1001 after its outbox flushed, then leaves the
     * cluster gracefully; once. Every step takes its time from one budget, {@code flowcast.shutdown.drain-timeout-ms}
     * for the drain, so the drain fits Payara's grace period, which is set to it; the leave after it is bounded by
     * Hazelcast's graceful-leave wait, set to the same time (usually it takes well under a second).
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
                stopped.get(settings.drainTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warning("the shutdown hook's drain did not finish in time");
            }
            return;
        }
        try {
            ready = false;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.drainTimeoutMs());
            demo.stop();
            if (ingest.stage() != null) {
                var left = ingest.drain(left(deadline));
                LOG.info(() -> "ingest drained" + (left.completed() ? "" : ", " + left.leftover().size() + " left"));
            }
            // A client whose cluster is gone cannot flush: skip it rather than wait out Hazelcast's timeouts.
            if (bus != null && hazelcast.isConnected() && !bus.flush(left(deadline))) {
                LOG.warning("the bus did not bring back every batch within the drain timeout");
            }
            if (delivery.stage() != null) {
                var left = delivery.drain(left(deadline));
                LOG.info(() -> "fan-out drained" + (left.completed() ? "" : ", " + left.leftover().size() + " left"));
                delivery.closeAll(left(deadline));
            }
            if (presence != null) {
                presence.stop();
            }
            if (memberCode != null) {
                memberCode.stop();
            }
            if (bus != null) {
                bus.close();
            }
            hazelcast.stop(); // graceful: its partitions migrate to the survivors first (bounded, see HazelcastNode)
            if (store != null) {
                store.close();
            }
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "the drain failed; stopping anyway", e);
        } finally {
            stopped.complete(null);
        }
    }

    /** What is left of the drain budget; at least a moment, so each step still gets to try. */
    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50), deadlineNanos - System.nanoTime()));
    }

    /** True once every part started, until shutdown begins, while the cluster answers (a client node may be cut off). */
    public boolean isReady() {
        return ready && hazelcast.isConnected() && clusterProblem() == null;
    }

    /** Why the cluster cannot take this node's publishes although reachable (client mode: a member's code); or null. */
    public String clusterProblem() {
        MemberCodeWatch watch = memberCode;
        return watch == null ? null : watch.problem();
    }
}
