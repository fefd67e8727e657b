package dev.flowcast.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A client node's connection to its external Hazelcast cluster ({@code flowcast.cluster.client}), which outlives any
 * outage of that cluster.
 *
 * <p>Why not Hazelcast's own bounded start: its cluster-connect timeout bounds every reconnect as well, and a client
 * that runs out of it shuts itself down for good. With the 30 s bound Flowcast used, an external cluster that was
 * down for longer (a whole restart; measured: a member killed, a new one up 45 s later) left the node up, never
 * ready again, until someone restarted it. So the client retries forever ({@link HazelcastConfigs#client}), starts
 * asynchronously, and the bound on the start is this class's: {@link #connect} waits for the first connection and
 * refuses the start, saying why, if it does not come in time.
 *
 * <p>{@link #isConnected()} follows the client's lifecycle events; the node is ready, and admits publishes, only
 * while it is true (while cut off, every call would wait out the invocation timeout and fail).
 *
 * <p>Threading: created once at start; {@link #isConnected()} from any thread (the flag is set on Hazelcast's event
 * thread).
 */
public final class ClusterClient {

    private static final Logger LOG = Logger.getLogger(ClusterClient.class.getName());

    private final HazelcastInstance instance;
    private final ConnectionWatch watch;

    private ClusterClient(HazelcastInstance instance, ConnectionWatch watch) {
        this.instance = instance;
        this.watch = watch;
    }

    /**
     * Starts a client of the cluster and waits until it is connected.
     *
     * @throws IllegalStateException when no member answered within {@code startTimeout} (the client is shut down)
     */
    public static ClusterClient connect(String clusterName, List<String> addresses, Duration startTimeout) {
        ClientConfig config = HazelcastConfigs.client(clusterName, addresses);
        // Registered through the configuration, so the first CLIENT_CONNECTED cannot fire before anyone listens.
        ConnectionWatch watch = new ConnectionWatch();
        config.addListenerConfig(new ListenerConfig(watch));
        HazelcastInstance instance = HazelcastClient.newHazelcastClient(config); // returns at once: async start
        boolean connected;
        try {
            connected = watch.firstConnection.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            instance.shutdown();
            throw new IllegalStateException("no member of Hazelcast cluster '" + clusterName + "' at " + addresses
                    + " answered within " + startTimeout.toSeconds() + " s (flowcast.cluster.client): start the"
                    + " cluster first, or check its addresses and flowcast.cluster.name");
        }
        return new ClusterClient(instance, watch);
    }

    public HazelcastInstance instance() {
        return instance;
    }

    /** True while the client is running and connected to a member of its cluster. */
    public boolean isConnected() {
        return watch.connected && instance.getLifecycleService().isRunning();
    }

    /** Follows the client's connection from its lifecycle events. */
    private static final class ConnectionWatch implements LifecycleListener {
        final CountDownLatch firstConnection = new CountDownLatch(1);
        volatile boolean connected;

        @Override
        public void stateChanged(LifecycleEvent event) {
            switch (event.getState()) {
                case CLIENT_CONNECTED -> {
                    if (firstConnection.getCount() == 0) {
                        LOG.info("connected to the Hazelcast cluster again: this node is ready");
                    }
                    connected = true;
                    firstConnection.countDown();
                }
                case CLIENT_DISCONNECTED -> {
                    connected = false;
                    LOG.warning("lost the Hazelcast cluster: this node is not ready and refuses publishes (503) until"
                            + " it reconnects, which it keeps trying");
                }
                case SHUTTING_DOWN, SHUTDOWN -> connected = false;
                default -> { }
            }
        }
    }
}
