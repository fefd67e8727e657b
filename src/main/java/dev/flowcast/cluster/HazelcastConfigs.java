package dev.flowcast.cluster;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.topic.TopicOverloadPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Builds the Hazelcast configuration of a Flowcast member or client from the settings, and the configuration of
 * the structures Flowcast uses ({@link #addStructures}: static on a member, dynamic on a client's external cluster,
 * added again on every connection by {@link ClusterClient}).
 *
 * <p>Plain Java, no container: unit-tested directly. Stateless.
 */
public final class HazelcastConfigs {

    /** Every published topic's {@link TopicLog} (seq, epoch, history), by topic. */
    public static final String TOPICS_MAP = "flowcast.topics";
    /** Cluster-wide values kept on every member: the cluster epoch. */
    public static final String CLUSTER_MAP = "flowcast.cluster";
    /** Topics ever published in this cluster, replicated to every member (see {@link TopicHistory}). */
    public static final String SEEN_MAP = "flowcast.topics.seen";
    /** Reliable topics of the bus: {@code flowcast.bus.<cluster>.<partition>} ({@link EventBus#topicName}). */
    public static final String BUS_PREFIX = "flowcast.bus.";
    /** Hazelcast's upper bound on backups: every member of a cluster of up to 7 holds a copy. */
    static final int ALL_MEMBERS_BACKUPS = 6;
    /** Hazelcast's "no bound" for a client's cluster connect timeout. */
    static final long RECONNECT_FOREVER = -1;
    /** The longest a client node waits between two tries to reach its cluster again (Hazelcast's default: 30 s). */
    static final int CLIENT_MAX_RECONNECT_BACKOFF_MILLIS = 2_000;
    /**
     * Messages each bus partition keeps for slow listeners before they see a loss (and catch up from history). A
     * message may carry hundreds of events, so the ring is kept short, and its entries expire after
     * {@link #BUS_TTL_SECONDS}: listeners read within milliseconds, and the ring's heap stays bounded by a few seconds
     * of traffic instead of thousands of large messages (seen: 4096 messages of 50 × 8 KB events ran a 512 MB heap out).
     * Two seconds, not more: every message the ring still holds at a young collection is copied by it, and with 10
     * s the bus ring was the second largest set of survivors after the topics' history
     * (docs/profiles/replicated-gc-pauses.txt); a listener stalled for longer catches up from history as after any
     * loss.
     */
    static final int BUS_CAPACITY = 1024;
    static final int BUS_TTL_SECONDS = 2;
    /** Machines with at most this many processors get {@link #SMALL_MACHINE_THREADS} (measured on 2). */
    static final int SMALL_MACHINE_PROCESSORS = 2;
    /**
     * Hazelcast thread counts for a member on a small machine: one input and one output I/O thread instead of three
     * each, and responses handled on the input thread instead of handed to one of two response threads. On two cores
     * over half of the accepting member's CPU samples were in Hazelcast's threads and 27 % were the kernel switching
     * threads (a durable append hops worker, I/O out, I/O in, partition thread, response thread, worker); with these
     * the {@code replicated} 202 p99 fell from 13.1 to 9.8–10.3 ms and its p50 from 3.8 to 2.9 ms in a quiet hour
     * (docs/benchmarks.md, "Eighth pass"; docs/profiles/replicated-hz-threads.txt). A JVM system property of the
     * same name wins (Hazelcast reads the configuration's properties before system properties, so these are only set
     * when none is given).
     */
    static final Map<String, String> SMALL_MACHINE_THREADS = Map.of(
            "hazelcast.io.thread.count", "1",
            "hazelcast.operation.response.thread.count", "0");

    private HazelcastConfigs() {
    }

    /**
     * Member configuration: named cluster, TCP/IP join on the given members or none, never multicast.
     *
     * @param leaveTimeoutSeconds the longest a graceful leave waits for partitions to migrate (0 = Hazelcast's)
     */
    public static Config member(String clusterName, int port, List<String> members, int leaveTimeoutSeconds) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName("flowcast-" + clusterName + "-" + port + "-" + System.nanoTime());
        // Hazelcast lives in the WAR (child-first class loading): resolve our serialized classes there.
        config.setClassLoader(HazelcastConfigs.class.getClassLoader());
        // No calls home, JDK logging (Payara's handlers), and Flowcast decides when the member leaves.
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // Flowcast leaves the cluster itself, last, after draining (Lifecycle); Hazelcast's own JVM hook would
        // race that drain on SIGTERM and take the member away while the stages still publish.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        if (leaveTimeoutSeconds > 0) {
            // the leave is the last drain step and shares its time budget (Lifecycle)
            config.setProperty("hazelcast.graceful.shutdown.max.wait", Integer.toString(leaveTimeoutSeconds));
        }

        config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(!members.isEmpty()).setMembers(members);
        if (members.isEmpty() || allLoopback(members)) {
            // A single node, or a cluster on one machine: stay on loopback so a laptop's other
            // interfaces never join (FACTS.md: interface 127.0.0.1 and bind.any=false).
            config.setProperty("hazelcast.socket.bind.any", "false");
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        }

        sizeThreads(config, Runtime.getRuntime().availableProcessors());
        addStructures(config);
        return config;
    }

    /** Applies {@link #SMALL_MACHINE_THREADS} on a machine of at most {@link #SMALL_MACHINE_PROCESSORS} processors. */
    static void sizeThreads(Config config, int processors) {
        if (processors > SMALL_MACHINE_PROCESSORS) {
            return; // Hazelcast's defaults: not measured here, so not changed
        }
        SMALL_MACHINE_THREADS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                config.setProperty(name, value);
            }
        });
    }

    /**
     * Adds the configuration of every structure Flowcast uses: to a member's static configuration, or, in client
     * mode, to the external cluster's dynamic configuration ({@code client.getConfig()}). Adding the same
     * configuration again is a no-op, so every Flowcast client of one cluster may do it.
     */
    public static void addStructures(Config config) {
        // One synchronous backup: an append answers only once two members hold it (replicated durability), and
        // OBJECT format lets the entry processors change a log in place instead of copying the whole history.
        config.addMapConfig(new MapConfig(TOPICS_MAP)
                .setBackupCount(1)
                .setAsyncBackupCount(0)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setStatisticsEnabled(false));
        config.addMapConfig(new MapConfig(CLUSTER_MAP)
                .setBackupCount(ALL_MEMBERS_BACKUPS)
                .setAsyncBackupCount(0)
                .setStatisticsEnabled(false));
        // FACTS.md: the ring buffer config must carry the topic's exact name pattern, no _hz_rb_ prefix.
        config.addRingBufferConfig(new RingbufferConfig(BUS_PREFIX + "*")
                .setCapacity(BUS_CAPACITY)
                .setTimeToLiveSeconds(BUS_TTL_SECONDS)
                .setBackupCount(1)
                .setInMemoryFormat(InMemoryFormat.BINARY));
        config.addReliableTopicConfig(new ReliableTopicConfig(BUS_PREFIX + "*")
                .setReadBatchSize(64)
                .setStatisticsEnabled(false)
                .setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST));
    }

    /** Client configuration for joining an external cluster ({@code flowcast.cluster.client}). */
    public static ClientConfig client(String clusterName, List<String> addresses) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setClassLoader(HazelcastConfigs.class.getClassLoader());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getNetworkConfig().setAddresses(addresses);
        // Reconnect forever, every couple of seconds at most: an external cluster may be down for longer than any
        // bound (a whole restart), and a client that gives up shuts itself down for good, leaving the node never
        // ready again. The start is bounded by ClusterClient instead (async start: it waits for the connection).
        // Calls are bounded too, so neither a publish nor a SIGTERM hangs on a cluster that is gone (FACTS.md: a
        // client node's SIGTERM hung once its member was down): no call retries for longer than 10 s.
        config.getConnectionStrategyConfig().setAsyncStart(true)
                .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ON)
                .getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(RECONNECT_FOREVER)
                .setMaxBackoffMillis(CLIENT_MAX_RECONNECT_BACKOFF_MILLIS);
        config.setProperty("hazelcast.client.invocation.timeout.seconds", "10");
        // Retry a call whose member died under it (within that timeout) instead of failing it: without this, a
        // kill -9 of the member owning a topic's log answered its publishers 503 (TargetDisconnectedException) for
        // appends that may well have been stored. Safe because every call Flowcast makes is idempotent: an append
        // carries its batch id (a retried one answers the same seqs), installing a log does nothing where one
        // exists, reads read, map writes set the same value, and a bus message sent twice is dropped by the
        // fan-out's per-topic cursor. (Members retry their own calls this way by default.)
        config.getNetworkConfig().setRedoOperation(true);
        return config;
    }

    static boolean allLoopback(List<String> members) {
        for (String member : members) {
            String host = member.strip();
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(':') == colon) {
                host = host.substring(0, colon);
            }
            try {
                if (!InetAddress.getByName(host).isLoopbackAddress()) {
                    return false;
                }
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return true;
    }
}
