package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.event.Event;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bus on real embedded members: several topics per message, and membership changes reported as losses. */
class EventBusTest {

    @Test
    void oneMessageOfSeveralTopics_reachesTheSinkAsOneBatchPerTopic_inOrder() {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(
                HazelcastConfigs.member("bus-test-" + UUID.randomUUID(), 6140, List.of(), 0));
        EventBus bus = new EventBus(member);
        try {
            List<EventBatch> received = new CopyOnWriteArrayList<>();
            bus.listen(received::add, p -> { });
            List<String> topics = IntStream.range(0, 200).mapToObj(i -> "t" + i)
                    .filter(t -> EventBus.partitionOf(t) == 5).limit(3).toList();
            List<EventBatch> batches = topics.stream().map(t -> new EventBatch(t,
                    List.of(new Event("a-" + t, t, "1", 1, 1), new Event("b-" + t, t, "2", 2, 2)))).toList();
            bus.publish(batches);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 3);
            assertThat(received).extracting(EventBatch::topic).containsExactlyElementsOf(topics);
            assertThat(received.get(1).events()).extracting(Event::seq).containsExactly(1L, 2L);
            assertThat(bus.flush(Duration.ofSeconds(30))).isTrue();
        } finally {
            bus.close();
            member.shutdown();
        }
    }

    @Test
    void whenAClientNodeIsGone_everyPartitionIsReportedForARereadFromHistory_onceTheBusListens() {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(
                HazelcastConfigs.member("bus-nodes-" + UUID.randomUUID(), 6147, List.of(), 0));
        EventBus bus = new EventBus(member);
        List<Integer> lost = new CopyOnWriteArrayList<>();
        try {
            bus.everyPartitionLost("a node went away before anything listened");
            bus.listen(b -> { }, lost::add);
            assertThat(lost).as("nothing before listen").isEmpty();
            bus.everyPartitionLost("a node went away"); // what NodePresence calls
            assertThat(lost).containsExactlyElementsOf(IntStream.range(0, EventBus.PARTITIONS).boxed().toList());
        } finally {
            bus.close();
            member.shutdown();
        }
    }

    @Test
    void whenAMemberJoinsOrLeaves_everyPartitionIsReportedForARereadFromHistory() {
        String cluster = "bus-members-" + UUID.randomUUID();
        List<String> seed = List.of("127.0.0.1:6145");
        HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6145, seed, 0));
        EventBus bus = new EventBus(member);
        Set<Integer> lost = ConcurrentHashMap.newKeySet();
        try {
            bus.listen(b -> { }, lost::add);
            HazelcastInstance joiner = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6145, seed, 0));
            await().atMost(Duration.ofSeconds(30)).until(() -> lost.size() == EventBus.PARTITIONS);
            lost.clear();
            joiner.getLifecycleService().terminate();
            await().atMost(Duration.ofSeconds(30)).until(() -> lost.size() == EventBus.PARTITIONS);
            assertThat(lost).isEqualTo(IntStream.range(0, EventBus.PARTITIONS).boxed().collect(Collectors.toSet()));
        } finally {
            bus.close();
            member.shutdown();
        }
    }

    @Test
    void aBatchOfTopicsInDifferentPartitions_isRefused() {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(
                HazelcastConfigs.member("bus-refuse-" + UUID.randomUUID(), 6148, List.of(), 0));
        try {
            EventBus bus = new EventBus(member);
            List<String> two = IntStream.range(0, 200).mapToObj(i -> "t" + i).collect(Collectors.groupingBy(EventBus::partitionOf))
                    .values().stream().limit(2).map(l -> l.get(0)).toList();
            List<EventBatch> mixed = two.stream().map(t -> new EventBatch(t, List.of(new Event("x", t, "1", 1, 1)))).toList();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> bus.publish(mixed))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            member.shutdown();
        }
    }
}
