package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.event.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client node whose external cluster restarts whole (every member gone, then a new one): the histories are gone,
 * so a topic numbered again from 1 must come back under a new epoch, or a client resuming with its old
 * {@code since}/{@code epoch} would be told nothing was lost; in {@code persistent} mode the store brings them back,
 * same epoch. (An embedded member cannot see this: its cluster's restart restarts it too.)
 */
class TopicHistoryClusterRestartTest {

    private static final int PORT = 6220;
    private final String cluster = "history-restart-" + UUID.randomUUID();
    private final List<HazelcastInstance> instances = new ArrayList<>();

    @AfterEach
    void shutDown() {
        instances.forEach(i -> i.getLifecycleService().terminate());
    }

    @Test
    void whenTheExternalClusterRestartsWhole_aTopicNumberedAgainFromOne_hasANewEpoch() {
        HazelcastInstance first = member();
        HazelcastInstance client = client();
        TopicHistory history = new TopicHistory(client, 10, 300, null).start();
        String topic = "restart." + UUID.randomUUID();
        TopicHistory.Appended before = appendOne(history, topic);
        assertThat(before.events().get(0).seq()).isEqualTo(1);
        String epochBefore = history.position(topic).epoch();
        String clusterEpochBefore = history.clusterEpoch();

        first.getLifecycleService().terminate(); // the whole cluster: its only member
        member();
        TopicHistory.Appended after = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> appendOne(history, topic), appended -> appended != null);

        assertThat(after.events().get(0).seq()).as("the history is gone: numbered from 1 again").isEqualTo(1);
        assertThat(after.epoch()).as("so under a new epoch").isNotEqualTo(epochBefore);
        assertThat(history.clusterEpoch()).isNotEqualTo(clusterEpochBefore);
    }

    /** {@code persistent}: the store outlives the cluster, so the topic continues where it stopped, same epoch. */
    @Test
    void persistent_whenTheExternalClusterRestartsWhole_aTopicContinuesItsSeqsUnderItsEpoch(@TempDir Path dir) {
        HazelcastInstance first = member();
        HazelcastInstance client = client();
        try (JdbcEventStore store = JdbcEventStore.open("jdbc:h2:file:" + dir.resolve("store"), "sa", "", 2, 10)) {
            TopicHistory history = new TopicHistory(client, 10, 300, store).start();
            String topic = "restart.persistent." + UUID.randomUUID();
            for (int i = 0; i < 3; i++) {
                TopicHistory.Appended appended = appendOne(history, topic);
                store.write(List.of(new EventStore.StoredBatch(topic, appended.epoch(), appended.events()))); // as the sequencer does
            }
            String epochBefore = history.position(topic).epoch();
            String clusterEpochBefore = history.clusterEpoch();

            first.getLifecycleService().terminate();
            member();
            TopicHistory.Appended after = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> appendOne(history, topic), appended -> appended != null);

            assertThat(after.events().get(0).seq()).as("read back from the store: continues").isEqualTo(4);
            assertThat(after.epoch()).isEqualTo(epochBefore);
            assertThat(history.clusterEpoch()).isEqualTo(clusterEpochBefore);
            assertThat(history.read(topic, 1, 4)).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    /**
     * Hazelcast does not send a client's dynamic configuration to a new cluster: the node adds it again, and turns
     * ready only once it is there, so nothing it does creates a structure with Hazelcast's defaults.
     */
    @Test
    void whenTheExternalClusterRestartsWhole_theNodeIsReadyOnlyOnceItsStructuresAreConfiguredThere() {
        HazelcastInstance first = member();
        ClusterClient client = clusterClient();
        UUID firstCluster = client.clusterId();
        assertThat(first.getConfig().findMapConfig(HazelcastConfigs.TOPICS_MAP).getInMemoryFormat())
                .isEqualTo(InMemoryFormat.OBJECT);

        first.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.isConnected());
        HazelcastInstance second = member();
        await().atMost(Duration.ofSeconds(60)).until(client::isConnected);

        // no waiting from here: ready means configured (a look-up caches the default for a name, so look once)
        assertThat(client.clusterId()).isNotEqualTo(firstCluster).isEqualTo(ClusterIds.of(second));
        assertThat(second.getConfig().findMapConfig(HazelcastConfigs.TOPICS_MAP).getInMemoryFormat())
                .isEqualTo(InMemoryFormat.OBJECT);
        assertThat(second.getConfig().findMapConfig(HazelcastConfigs.CLUSTER_MAP).getBackupCount())
                .isEqualTo(HazelcastConfigs.ALL_MEMBERS_BACKUPS);
        assertThat(second.getConfig().findRingbufferConfig(EventBus.topicName(client.clusterId(), 3)).getCapacity())
                .isEqualTo(HazelcastConfigs.BUS_CAPACITY);
    }

    /** A client of the cluster, as a client node's; shut down before the members. */
    private HazelcastInstance client() {
        return clusterClient().instance();
    }

    private ClusterClient clusterClient() {
        ClusterClient client = ClusterClient.connect(cluster, List.of("127.0.0.1:" + PORT), Duration.ofSeconds(30));
        instances.add(0, client.instance());
        return client;
    }

    /** A member of the external cluster as an operator starts it: none of Flowcast's configuration. */
    private HazelcastInstance member() {
        HazelcastInstance member = BareMember.start(cluster, PORT);
        instances.add(member);
        return member;
    }

    private static TopicHistory.Appended appendOne(TopicHistory history, String topic) {
        List<Event> events = TopicHistoryTest.unnumbered(topic, 1);
        TopicHistory.Outcome outcome = history.append(Map.of(topic, events)).get(topic);
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.appended();
    }
}
