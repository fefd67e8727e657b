package dev.flowcast.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Owns this node's Hazelcast instance: an embedded member, or a client of an external cluster.
 *
 * <p>Started by the pipeline at application start ({@link #start()}), shut down last, after the stages
 * drained ({@link #stop()}). A client node outlives its cluster's outages ({@link ClusterClient}): it is
 * {@linkplain #isConnected() connected} only while a member answers.
 *
 * <p>Threading: start/stop are called once by the lifecycle bean; the rest is safe from any thread after start.
 */
@ApplicationScoped
public class HazelcastNode {

    private static final Logger LOG = Logger.getLogger(HazelcastNode.class.getName());

    @Inject
    Settings settings;

    /** How long a client node's start waits for a member of its external cluster before it refuses to start. */
    static final Duration CLIENT_START_TIMEOUT = Duration.ofSeconds(30);

    private volatile HazelcastInstance instance;
    /** Set in client mode only. */
    private volatile ClusterClient client;

    /** Starts the member or client. Blocks until it has joined (or formed) its cluster. */
    public synchronized HazelcastInstance start() {
        if (instance == null) {
            if (!settings.clusterClient().isEmpty()) {
                client = ClusterClient.connect(settings.clusterName(), settings.clusterClient(), CLIENT_START_TIMEOUT);
                // connected, and the external cluster has the configuration of Flowcast's structures (ClusterClient
                // adds it again on every connection: the next cluster, if it restarts whole, knows nothing of it)
                instance = client.instance();
                // Its members run Flowcast's entry processors: a member without Flowcast's classes refuses the start
                // here rather than losing every batch after a 202.
                MemberCodeCheck.verify(instance, settings.clusterName());
                LOG.info(() -> "Flowcast joined Hazelcast cluster '" + settings.clusterName() + "' as a client of "
                        + settings.clusterClient() + " (" + memberCount() + " member(s))");
            } else {
                int leaveSeconds = (int) Math.max(1, (settings.drainTimeoutMs() + 999) / 1000);
                instance = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(settings.clusterName(),
                        settings.clusterPort(), settings.clusterMembers(), leaveSeconds));
                LOG.info(() -> "Flowcast Hazelcast member up at " + instance.getCluster().getLocalMember().getAddress()
                        + " in cluster '" + settings.clusterName() + "' with " + memberCount() + " member(s)");
            }
        }
        return instance;
    }

    /** The running instance. */
    public HazelcastInstance instance() {
        HazelcastInstance current = instance;
        if (current == null) {
            throw new IllegalStateException("Hazelcast is not started");
        }
        return current;
    }

    /** The connection to the external cluster of a client node; null for a member (or before start). */
    public ClusterClient clusterClient() {
        return client;
    }

    /** True from start to stop, even while a client node is cut off from its cluster. */
    public boolean isRunning() {
        HazelcastInstance current = instance;
        return current != null && current.getLifecycleService().isRunning();
    }

    /**
     * True while running and able to reach the cluster: always for a member (it is its cluster), only while
     * connected for a client. Cluster calls made while this is false wait out the invocation timeout and fail.
     */
    public boolean isConnected() {
        ClusterClient currentClient = client;
        return isRunning() && (currentClient == null || currentClient.isConnected());
    }

    /** Members of the cluster as this node sees it; 0 when not running, or when a client node is cut off. */
    public int memberCount() {
        HazelcastInstance current = instance;
        return current != null && isConnected() ? current.getCluster().getMembers().size() : 0;
    }

    /** This node's name in stats and logs: its Hazelcast address, or "-" before start. */
    public String nodeName() {
        HazelcastInstance current = instance;
        if (current == null || !current.getLifecycleService().isRunning()) {
            return "-";
        }
        return settings.clusterClient().isEmpty()
                ? current.getCluster().getLocalMember().getAddress().toString()
                : current.getName();
    }

    /** True when this node is a client of an external cluster ({@code flowcast.cluster.client}). */
    public boolean isClient() {
        return !settings.clusterClient().isEmpty();
    }

    /**
     * Leaves the cluster gracefully: a member first hands its partitions to the survivors (bounded by
     * {@code hazelcast.graceful.shutdown.max.wait}, set from the drain time); a client just disconnects. Never
     * throws: it is the last step of the shutdown path.
     */
    public synchronized void stop() {
        HazelcastInstance current = instance;
        instance = null;
        if (current == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            current.shutdown();
            LOG.info(() -> "left the Hazelcast cluster gracefully in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            LOG.warning(() -> "Hazelcast did not leave cleanly: " + e);
        }
    }
}
