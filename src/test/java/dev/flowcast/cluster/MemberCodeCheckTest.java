package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
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
        assertThat(client.<String, TopicLogShard>getMap(MemberCodeCheck.PROBED_MAP).submitToKey("k", new TopicLogOps.Fingerprint())
                .toCompletableFuture().join()).as("a member answers its fingerprint and its address")
                .matches(MemberCode.fingerprint() + " \\[127\\.0\\.0\\.1\\]:620[01]");
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

    @Test
    void aMemberRunningAnotherBuildsClasses_refusesTheStart_namingIt() {
        String cluster = "code-check-" + UUID.randomUUID();
        member(cluster, HazelcastConfigs.class.getClassLoader());
        HazelcastInstance older = member(cluster, new AnotherBuild(HazelcastConfigs.class.getClassLoader()));
        HazelcastInstance client = client(cluster);

        assertThatThrownBy(() -> MemberCodeCheck.verify(client, cluster))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Flowcast refuses to start: members of Hazelcast cluster '" + cluster
                        + "' run another build's Flowcast classes than this node (code fingerprint "
                        + MemberCode.fingerprint())
                .hasMessageContaining(older.getCluster().getLocalMember().getAddress().toString())
                .hasMessageContaining("flowcast-classes.jar");
    }

    /** The start's check cannot see a member that joins later: the watch probes again and again. */
    @Test
    void aMemberWithoutFlowcastsClasses_joiningLater_isFoundByTheWatch_untilItLeaves() {
        String cluster = "code-check-" + UUID.randomUUID();
        member(cluster, HazelcastConfigs.class.getClassLoader());
        HazelcastInstance client = client(cluster);
        MemberCodeWatch watch = new MemberCodeWatch(client, cluster, () -> true);
        watch.probe();
        assertThat(watch.problem()).isNull();

        HazelcastInstance stock = member(cluster, new WithoutFlowcast(HazelcastConfigs.class.getClassLoader()));
        // it owns partitions once they migrated to it
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            watch.probe();
            return watch.problem() != null;
        });
        assertThat(watch.problem()).startsWith("a member of Hazelcast cluster '" + cluster + "' cannot run Flowcast's")
                .contains("ClassNotFoundException").contains("flowcast-classes.jar");

        stock.shutdown();
        started.remove(stock);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            watch.probe();
            return watch.problem() == null;
        });
    }

    @Test
    void theWatch_changesNothing_whenTheNodeIsCutOff() {
        String cluster = "code-check-" + UUID.randomUUID();
        member(cluster, HazelcastConfigs.class.getClassLoader());
        member(cluster, new WithoutFlowcast(HazelcastConfigs.class.getClassLoader()));
        HazelcastInstance client = client(cluster);
        MemberCodeWatch watch = new MemberCodeWatch(client, cluster, () -> false);
        watch.probe();
        assertThat(watch.problem()).as("not probed while cut off").isNull();
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

    /**
     * The class loader of a member with another build's Flowcast classes: it defines Flowcast's classes itself (so
     * the member's Flowcast code runs from it, as from another jar), and one of them reads as other bytecode.
     */
    static final class AnotherBuild extends ClassLoader {

        private static final String CHANGED = "dev/flowcast/cluster/TopicLog.class";

        AnotherBuild(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.flowcast.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            InputStream real = super.getResourceAsStream(name);
            if (!CHANGED.equals(name) || real == null) {
                return real;
            }
            try (real) {
                byte[] bytes = real.readAllBytes();
                byte[] other = Arrays.copyOf(bytes, bytes.length + 1); // what another build's TopicLog reads as
                return new ByteArrayInputStream(other);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
