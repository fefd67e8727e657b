package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A partition lost outright (its owner and its only backup die at once) takes a topic's history with it: the
 * topic's epoch must change with it, so resuming clients get a gap, never a silent skip; every other topic keeps
 * its seq and epoch. Three real embedded members; two are terminated (no graceful leave) together.
 */
class PartitionLossTest {

    @Test
    void whenTwoOfThreeMembersDieAtOnce_lostTopicsGetANewEpochAndStartAgain_theOthersKeepTheirs() {
        String cluster = "loss-test-" + UUID.randomUUID();
        List<String> seed = List.of("127.0.0.1:6130");
        HazelcastInstance survivor = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6130, seed, 0));
        HazelcastInstance doomedA = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6130, seed, 0));
        HazelcastInstance doomedB = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6130, seed, 0));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> survivor.getPartitionService().isClusterSafe());
            TopicHistory history = new TopicHistory(survivor, 100, 300, null).start();
            Map<String, TopicPosition> before = new HashMap<>();
            for (int t = 0; t < 60; t++) {
                String topic = "lossy." + t;
                TopicHistoryTest.append(history, topic, TopicHistoryTest.unnumbered(topic, 3));
                before.put(topic, history.position(topic));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> survivor.getPartitionService().isClusterSafe());

            CompletableFuture.allOf(CompletableFuture.runAsync(() -> doomedA.getLifecycleService().terminate()),
                    CompletableFuture.runAsync(() -> doomedB.getLifecycleService().terminate())).join();
            await().atMost(Duration.ofSeconds(60)).until(() -> survivor.getCluster().getMembers().size() == 1);

            List<String> lost = new ArrayList<>();
            before.forEach((topic, old) -> {
                TopicPosition now = history.position(topic);
                if (now.epoch().equals(old.epoch())) {
                    assertThat(now.newestSeq()).as(topic + " kept its epoch, so it must keep its history").isEqualTo(3);
                    assertThat(history.read(topic, 1, 3)).hasSize(3);
                } else {
                    lost.add(topic);
                    assertThat(now.newestSeq()).as(topic + " lost its history").isZero();
                }
            });
            assertThat(lost).as("with 60 topics, some partitions had both copies on the dead members").isNotEmpty();
            String topic = lost.get(0);
            String newEpoch = history.position(topic).epoch();
            List<Event> again = TopicHistoryTest.append(history, topic, TopicHistoryTest.unnumbered(topic, 1));
            assertThat(again).extracting(Event::seq).containsExactly(1L);
            assertThat(history.position(topic)).isEqualTo(new TopicPosition(1, newEpoch));
        } finally {
            for (HazelcastInstance member : new HazelcastInstance[] {doomedB, doomedA, survivor}) {
                member.getLifecycleService().terminate();
            }
        }
    }
}
