package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/** Sequencing, history and the bus on a real embedded Hazelcast member (one, on loopback). */
class TopicHistoryTest {

    private static final int HISTORY = 5;
    private static HazelcastInstance member;
    private static TopicHistory history;

    @BeforeAll
    static void startMember() {
        member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(
                "history-test-" + UUID.randomUUID(), 5951, List.of(), HISTORY, 300));
        history = new TopicHistory(member);
    }

    @AfterAll
    static void stopMember() {
        member.shutdown();
    }

    private static List<Event> unsequenced(String topic, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.accepted("id" + i, topic, "{\"i\":" + i + "}", 1_000 + i));
        }
        return events;
    }

    @Test
    void shouldNumberEachTopicFromOne_gaplessAcrossBatches() {
        String topic = "t." + UUID.randomUUID();
        assertThat(history.newestSeq(topic)).isZero();
        List<Event> first = history.append(topic, unsequenced(topic, 3));
        List<Event> second = history.append(topic, unsequenced(topic, 2));
        assertThat(first).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(second).extracting(Event::seq).containsExactly(4L, 5L);
        assertThat(history.newestSeq(topic)).isEqualTo(5);
        assertThat(history.newestSeq("other." + topic)).isZero();
    }

    @Test
    void shouldReadBackRetainedEvents_andForgetTheOldestBeyondCapacity() {
        String topic = "t." + UUID.randomUUID();
        history.append(topic, unsequenced(topic, 8)); // capacity 5: seqs 4..8 retained
        List<Event> read = history.read(topic, 1, 8);
        assertThat(read).extracting(Event::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(read.get(0).data()).isEqualTo("{\"i\":3}");
        assertThat(history.read(topic, 6, 7)).extracting(Event::seq).containsExactly(6L, 7L);
    }

    @Test
    void shouldKeepOneEpochPerTopic() {
        String topic = "t." + UUID.randomUUID();
        String epoch = history.epoch(topic);
        assertThat(epoch).isNotBlank();
        assertThat(history.epoch(topic)).isEqualTo(epoch);
        assertThat(history.epoch("other." + topic)).isNotEqualTo(epoch);
    }

    @Test
    void flushShouldReturnOnlyOnceEveryEarlierBatchReachedTheListener_andNeverPassMarkersOn() {
        EventBus bus = new EventBus(member);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        bus.listen(received::add, partition -> { });
        try {
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // spread over every partition
                String topic = "f" + i + "." + UUID.randomUUID();
                topics.add(topic);
                bus.publish(new EventBatch(topic, history.append(topic, unsequenced(topic, 2))));
            }
            assertThat(bus.flush(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(received).extracting(EventBatch::topic).containsAll(topics);
            assertThat(received).noneMatch(EventBatch::isMarker);
        } finally {
            bus.close();
        }
    }

    @Test
    void shouldCarrySequencedBatchesOverTheBus_intact() {
        EventBus bus = new EventBus(member);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        bus.listen(received::add, partition -> { });
        try {
            String topic = "t." + UUID.randomUUID();
            List<Event> sequenced = history.append(topic, unsequenced(topic, 3));
            bus.publish(new EventBatch(topic, sequenced));
            await().until(() -> received.stream().anyMatch(b -> b.topic().equals(topic)));
            EventBatch batch = received.stream().filter(b -> b.topic().equals(topic)).findFirst().orElseThrow();
            assertThat(batch.events()).isEqualTo(sequenced);
            assertThat(batch.firstSeq()).isEqualTo(1);
            assertThat(batch.lastSeq()).isEqualTo(3);
        } finally {
            bus.close();
        }
    }
}
