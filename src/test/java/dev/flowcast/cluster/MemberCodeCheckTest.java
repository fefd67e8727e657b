package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MemberCodeCheck} against real members and a real client in this JVM. A member "without Flowcast's classes"
 * is a member whose configured class loader refuses every {@code dev.flowcast} class, as the application class
 * loader of a stock Hazelcast member does.
 */
class MemberCodeCheckTest {

    private static final int PORT = 6200;
    private final List<HazelcastInstance> started = new ArrayList<>();

    @AfterEach
    void shutDown() {
        started.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void membersWithFlowcastsClasses_passTheCheck_onAKeyOfEveryPartition() {
        String cluster = "code-check-" + UUID.randomUUID();
        member(cluster, HazelcastConfigs.class.getClassLoader());
        member(cluster, HazelcastConfigs.class.getClassLoader());
        HazelcastInstance client = client(cluster);

        List<String> keys = MemberCodeCheck.keyPerPartition(client);
        assertThat(keys).as("a key of every partition").hasSize(client.getPartitionService().getPartitions().size())
                .extracting(k -> client.getPartitionService().getPartition(k).getPartitionId()).doesNotHaveDuplicates();
        MemberCodeCheck.verify(client, cluster);
        assertThat(client.getMap(MemberCodeCheck.PROBED_MAP).size()).as("the probes created nothing").isZero();
    }

    @Test
    void aMemberWithoutFlowcastsClasses_refusesTheStart_sayingWhatToDo() {
        String cluster = "code-check-" + UUID.randomUUID();
        member(cluster, HazelcastConfigs.class.getClassLoader());
        HazelcastInstance stock = member(cluster, new WithoutFlowcast(HazelcastConfigs.class.getClassLoader()));
        HazelcastInstance client = client(cluster);

        assertThatThrownBy(() -> MemberCodeCheck.verify(client, cluster))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Flowcast refuses to start: a member of Hazelcast cluster '" + cluster + "'")
                .hasMessageContaining(stock.getCluster().getLocalMember().getAddress().toString())
                .hasMessageContaining("ClassNotFoundException")
                .hasMessageContaining("flowcast-classes.jar");
    }

    private HazelcastInstance member(String cluster, ClassLoader classLoader) {
        Config config = HazelcastConfigs.member(cluster, PORT, List.of("127.0.0.1:" + PORT, "127.0.0.1:" + (PORT + 1)), 0);
        config.setClassLoader(classLoader);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        started.add(member);
        return member;
    }

    private HazelcastInstance client(String cluster) {
        HazelcastInstance client = ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(30))
                .instance();
        started.add(0, client);
        return client;
    }

    /** The class loader of a stock member: everything but Flowcast's classes. */
    private static final class WithoutFlowcast extends ClassLoader {

        WithoutFlowcast(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.flowcast.")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
