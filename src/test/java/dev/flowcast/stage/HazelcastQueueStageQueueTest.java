package dev.flowcast.stage;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract over {@link StageQueue#over} a Hazelcast {@code IQueue} with a max-size, on one embedded member
 * (the replicated durability mode's queue kind). Test-only use of Hazelcast: the stage package never imports it.
 */
class HazelcastQueueStageQueueTest extends StageQueueContractTest {

    private static HazelcastInstance member;
    private static final AtomicInteger QUEUES = new AtomicInteger();

    @BeforeAll
    static void startMember() {
        Config config = new Config();
        config.setClusterName("flowcast-stage-test-" + UUID.randomUUID()); // never joins anyone else's cluster
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none"); // a failed start still throws
        config.getNetworkConfig().setPort(5901).setPortAutoIncrement(true);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        member = Hazelcast.newHazelcastInstance(config);
    }

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
        }
    }

    @Override
    protected StageQueue<String> newQueue(int capacity) {
        String name = "stage-contract-" + QUEUES.incrementAndGet();
        member.getConfig().addQueueConfig(new QueueConfig(name).setMaxSize(capacity).setBackupCount(0));
        return StageQueue.over(member.getQueue(name), capacity);
    }
}
