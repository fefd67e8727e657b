package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client node whose external cluster restarts whole (every member gone, then a new one): the histories are gone,
 * so a topic numbered again from 1 must come back under a new epoch, or a client resuming with its old
 * {@code since}/{@code epoch} would be told nothing was lost. (An embedded member cannot see this: its cluster's
 * restart restarts it too.)
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

    /** Hazelcast does not send a client's dynamic configuration to a new cluster: the node adds it again. */
    @Test
    void whenTheExternalClusterRestartsWhole_flowcastsStructureConfigurationIsAddedToTheNewCluster() {
        HazelcastInstance first = member();
        HazelcastInstance client = client();
        HazelcastConfigs.addStructuresToEveryCluster(client);
        assertThat(first.getConfig().getRingbufferConfig(HazelcastConfigs.BUS_PREFIX + "3").getCapacity())
                .isEqualTo(HazelcastConfigs.BUS_CAPACITY);

        first.getLifecycleService().terminate();
        HazelcastInstance second = member();
        // a fresh name per look: a member caches the default configuration of a name looked up before its
        // dynamic configuration arrived (which is also why a ring used before the re-add keeps the defaults)
        AtomicInteger look = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).until(() -> second.getConfig()
                .getRingbufferConfig(HazelcastConfigs.BUS_PREFIX + "look-" + look.incrementAndGet()).getCapacity()
                == HazelcastConfigs.BUS_CAPACITY);
    }

    /** A client of the cluster, as a client node's; shut down before the members. */
    private HazelcastInstance client() {
        HazelcastInstance client = HazelcastClient.newHazelcastClient(
                HazelcastConfigs.client(cluster, List.of("127.0.0.1:" + PORT)));
        instances.add(0, client);
        return client;
    }

    /** A member of the external cluster as an operator starts it: none of Flowcast's configuration. */
    private HazelcastInstance member() {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(PORT).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
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
