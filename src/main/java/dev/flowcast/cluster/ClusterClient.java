package dev.flowcast.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A client node's connection to its external Hazelcast cluster ({@code flowcast.cluster.client}), which outlives any
 * outage of that cluster, and keeps Flowcast's structure configuration on whichever cluster it is connected to.
 *
 * <p>Why not Hazelcast's own bounded start: its cluster-connect timeout bounds every reconnect as well, and a client
 * that runs out of it shuts itself down for good. With the 30 s bound Flowcast used, an external cluster that was
 * down for longer (a whole restart; measured: a member killed, a new one up 45 s later) left the node up, never
 * ready again, until someone restarted it. So the client retries forever ({@link HazelcastConfigs#client}), starts
 * asynchronously, and the bound on the start is this class's: {@link #connect} waits for the first connection and
 * refuses the start, saying why, if it does not come in time.
 *
 * <p><b>Ready, not just connected.</b> After each connection the client adds Flowcast's structure configuration to
 * the cluster ({@link HazelcastConfigs#addStructures}; dynamic configuration, an identical one is a no-op), and only
 * then is it {@link #isConnected() connected} for Flowcast: the node is ready, admits publishes, and uses the maps,
 * so none of them is created on a new cluster (one that restarted whole, which Hazelcast does not give a client's
 * dynamic configuration) before its configuration is there: a structure keeps the configuration it was created with.
 * {@link #clusterId()} is the cluster that has it; the bus names its rings after it ({@link EventBus}), and
 * {@link #onReady} tells it of each new connection.
 *
 * <p>Threading: created once at start; {@link #isConnected()} and {@link #clusterId()} from any thread. The
 * lifecycle flags are set on Hazelcast's event thread; the configuration is added, and the ready callbacks run, on
 * this client's own thread ({@code flowcast-cluster-ready}), one connection at a time.
 */
public final class ClusterClient {

    private static final Logger LOG = Logger.getLogger(ClusterClient.class.getName());
    /** Between two tries to add the structure configuration to a cluster that is connected but does not take it. */
    static final Duration READY_RETRY = Duration.ofSeconds(1);

    private final HazelcastInstance instance;
    private final ConnectionWatch watch;

    private ClusterClient(HazelcastInstance instance, ConnectionWatch watch) {
        this.instance = instance;
        this.watch = watch;
    }

    /**
     * Starts a client of the cluster and waits until it is connected and Flowcast's structures are configured there.
     *
     * @throws IllegalStateException when no member answered within {@code startTimeout} (the client is shut down)
     */
    public static ClusterClient connect(String clusterName, List<String> addresses, Duration startTimeout) {
        ClientConfig config = HazelcastConfigs.client(clusterName, addresses);
        // Registered through the configuration, so the first CLIENT_CONNECTED cannot fire before anyone listens.
        ConnectionWatch watch = new ConnectionWatch();
        config.addListenerConfig(new ListenerConfig(watch));
        HazelcastInstance instance = HazelcastClient.newHazelcastClient(config); // returns at once: async start
        watch.instance.complete(instance);
        boolean ready;
        try {
            ready = watch.firstReady.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = false;
        }
        if (!ready) {
            RuntimeException refused = watch.readyFailure;
            instance.shutdown();
            if (refused != null) {
                throw new IllegalStateException("Hazelcast cluster '" + clusterName + "' at " + addresses + " answered,"
                        + " but did not take the configuration of Flowcast's structures within "
                        + startTimeout.toSeconds() + " s (" + refused + "): a member's own configuration of a"
                        + " flowcast.* structure that differs from Flowcast's is refused; remove it", refused);
            }
            throw new IllegalStateException("no member of Hazelcast cluster '" + clusterName + "' at " + addresses
                    + " answered within " + startTimeout.toSeconds() + " s (flowcast.cluster.client): start the"
                    + " cluster first, or check its addresses and flowcast.cluster.name");
        }
        return new ClusterClient(instance, watch);
    }

    public HazelcastInstance instance() {
        return instance;
    }

    /** True while the client is running, connected to a member of its cluster, and Flowcast's structures are there. */
    public boolean isConnected() {
        return watch.isReady() && instance.getLifecycleService().isRunning();
    }

    /**
     * The id of the cluster Flowcast's structure configuration was last added to ({@link ClusterIds}): the cluster
     * the client is connected to while {@link #isConnected()}; never null once {@link #connect} returned.
     */
    public UUID clusterId() {
        return watch.configuredCluster;
    }

    /**
     * Runs {@code callback} on this client's own thread each time it is ready again after a new connection (after
     * a cut, or on a cluster that restarted whole), once the structures are configured there.
     */
    public void onReady(Runnable callback) {
        watch.readyCallbacks.add(callback);
    }

    /** Stops running a callback given to {@link #onReady}. */
    public void removeOnReady(Runnable callback) {
        watch.readyCallbacks.remove(callback);
    }

    /**
     * Follows the client's connection from its lifecycle events, and makes it ready on each new connection: adds
     * the structure configuration (retrying every {@link #READY_RETRY} while connected), then turns ready.
     */
    private static final class ConnectionWatch implements LifecycleListener {
        final CountDownLatch firstReady = new CountDownLatch(1);
        final CompletableFuture<HazelcastInstance> instance = new CompletableFuture<>();
        final List<Runnable> readyCallbacks = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService readying = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "flowcast-cluster-ready");
            thread.setDaemon(true);
            return thread;
        });
        volatile UUID configuredCluster;
        /** Why the last try to add the structure configuration failed; null once one succeeded. */
        volatile RuntimeException readyFailure;
        /** Connected (Hazelcast's events); guarded by this. */
        private boolean linkUp;
        /** Connected and configured since the last connection; guarded by this. */
        private boolean ready;

        synchronized boolean isReady() {
            return ready;
        }

        @Override
        public void stateChanged(LifecycleEvent event) {
            switch (event.getState()) {
                case CLIENT_CONNECTED -> {
                    synchronized (this) {
                        linkUp = true;
                    }
                    schedule(Duration.ZERO);
                }
                case CLIENT_DISCONNECTED -> {
                    synchronized (this) {
                        linkUp = false;
                        ready = false;
                    }
                    LOG.warning("lost the Hazelcast cluster: this node is not ready and refuses publishes (503) until"
                            + " it reconnects, which it keeps trying");
                }
                case SHUTTING_DOWN, SHUTDOWN -> {
                    synchronized (this) {
                        linkUp = false;
                        ready = false;
                    }
                    readying.shutdownNow();
                    instance.cancel(false); // a start refused before the instance was handed over
                }
                default -> { }
            }
        }

        private void schedule(Duration delay) {
            try {
                readying.schedule(this::makeReady, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shutDown) {
                // the client is shutting down
            }
        }

        /** On the readying thread: configures the cluster now connected, then turns ready and tells the callbacks. */
        private void makeReady() {
            HazelcastInstance client;
            try {
                client = instance.join();
            } catch (RuntimeException cancelled) {
                return;
            }
            synchronized (this) {
                if (!linkUp || ready) {
                    return; // cut off again (the next CLIENT_CONNECTED schedules this again), or already done
                }
            }
            UUID cluster = ClusterIds.of(client);
            try {
                HazelcastConfigs.addStructures(client.getConfig());
            } catch (RuntimeException e) {
                // once at WARNING, then quietly until it succeeds: it is retried every second
                LOG.log(readyFailure == null ? Level.WARNING : Level.FINE, "connected, but could not add Flowcast's"
                        + " structure configuration to the cluster (this node is not ready); retrying every "
                        + READY_RETRY.toSeconds() + " s", e);
                readyFailure = e;
                schedule(READY_RETRY);
                return;
            }
            readyFailure = null;
            if (!Objects.equals(cluster, ClusterIds.of(client))) {
                schedule(Duration.ZERO); // switched clusters meanwhile: configure the one connected now
                return;
            }
            UUID before = configuredCluster;
            synchronized (this) {
                if (!linkUp) {
                    return;
                }
                configuredCluster = cluster;
                ready = true;
            }
            if (firstReady.getCount() > 0) {
                firstReady.countDown();
                return;
            }
            LOG.info(() -> Objects.equals(before, cluster)
                    ? "connected to the Hazelcast cluster again: this node is ready"
                    : "connected to the Hazelcast cluster again, a new one (id " + cluster + ", was " + before
                            + ": it restarted whole); Flowcast's structures are configured there; this node is ready");
            for (Runnable callback : readyCallbacks) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a ready callback failed", e);
                }
            }
        }
    }
}
