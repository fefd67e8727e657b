package dev.flowcast.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** A member of an external cluster as an operator starts it, in the test's JVM: none of Flowcast's configuration. */
public final class BareMember {

    private BareMember() {
    }

    /** A member of {@code cluster} on loopback port {@code port} exactly (no auto-increment), no discovery. */
    public static HazelcastInstance start(String cluster, int port) {
        return Hazelcast.newHazelcastInstance(config(cluster, port));
    }

    /** The configuration {@link #start} uses, for a test to add to. */
    public static Config config(String cluster, int port) {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        return config;
    }
}
