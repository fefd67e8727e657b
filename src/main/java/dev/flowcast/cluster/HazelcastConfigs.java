package dev.flowcast.cluster;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.topic.TopicOverloadPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Builds the Hazelcast configuration of a Flowcast member or client from the settings.
 *
 * <p>Plain Java, no container: unit-tested directly. Stateless.
 */
public final class HazelcastConfigs {

    /** Per-topic history ring buffers: {@code flowcast.history.<topic>}. */
    public static final String HISTORY_PREFIX = "flowcast.history.";
    /** Reliable topics of the bus: {@code flowcast.bus.<partition>}. */
    public static final String BUS_PREFIX = "flowcast.bus.";
    /** Epoch of every topic's history. */
    public static final String EPOCHS_MAP = "flowcast.epochs";
    /** Batches each bus partition keeps for slow listeners before they see a loss. */
    static final int BUS_CAPACITY = 4096;

    private HazelcastConfigs() {
    }

    /** Member configuration: named cluster, TCP/IP join on the given members or none, never multicast. */
    public static Config member(String clusterName, int port, List<String> members, int historySize, int historyTtlSeconds) {
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

        config.addRingBufferConfig(new RingbufferConfig(HISTORY_PREFIX + "*")
                .setCapacity(historySize)
                .setTimeToLiveSeconds(historyTtlSeconds)
                .setBackupCount(1)
                .setInMemoryFormat(InMemoryFormat.BINARY));
        // FACTS.md: the ring buffer config must carry the topic's exact name pattern, no _hz_rb_ prefix.
        config.addRingBufferConfig(new RingbufferConfig(BUS_PREFIX + "*")
                .setCapacity(BUS_CAPACITY)
                .setBackupCount(1)
                .setInMemoryFormat(InMemoryFormat.BINARY));
        config.addReliableTopicConfig(new ReliableTopicConfig(BUS_PREFIX + "*")
                .setReadBatchSize(64)
                .setStatisticsEnabled(false)
                .setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST));
        return config;
    }

    /** Client configuration for joining an external cluster ({@code flowcast.cluster.client}). */
    public static ClientConfig client(String clusterName, List<String> addresses) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setClassLoader(HazelcastConfigs.class.getClassLoader());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getNetworkConfig().setAddresses(addresses);
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
