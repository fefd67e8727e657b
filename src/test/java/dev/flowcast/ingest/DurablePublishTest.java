package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.flowcast.cluster.BusMessage;
import dev.flowcast.cluster.ClusterIds;
import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.HazelcastConfigs;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.config.TestSettings;
import dev.flowcast.event.Event;
import dev.flowcast.stage.TestThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code replicated} publishing on two real embedded members: the answer comes once the event is numbered, events
 * drop-oldest evicts before numbering are answered as dropped, a lone member refuses, many quiet topics of one
 * bus partition travel in one bus message, and a batch over every partition is stored in one write.
 */
class DurablePublishTest {

    private static HazelcastInstance member;
    private static HazelcastInstance backup;
    private static TopicHistory history;

    @BeforeAll
    static void startMembers() {
        String cluster = "durable-test-" + UUID.randomUUID();
        member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6120, List.of("127.0.0.1:6120"), 0));
        backup = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6120, List.of("127.0.0.1:6120"), 0));
        history = new TopicHistory(member, 100, 300, null).start();
    }

    @AfterAll
    static void stopMembers() {
        backup.shutdown();
        member.shutdown();
    }

    private static Ingest replicated(int capacity, String overflow, int workers, ThreadFactory threads, EventBus bus) {
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest("replicated", capacity, overflow, workers);
        ingest.metrics = new IngestTest.CountingMetrics();
        ingest.init();
        ingest.start(threads, history, bus, null, () -> member.getCluster().getMembers().size(), () -> 0);
        return ingest;
    }

    @Test
    void theAnswerComesOnceTheEventIsNumbered_andNamesItsId() throws Exception {
        EventBus bus = new EventBus(member);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        bus.listen(received::add, p -> { });
        Ingest ingest = replicated(100, "reject", 2, TestThreads.daemon(), bus);
        try {
            String topic = "rep." + UUID.randomUUID();
            PublishReceipt receipt = ingest.publishAsync(topic, "1").toCompletableFuture().get();
            assertThat(receipt.dropped()).isFalse();
            // numbered before the answer: the history already holds it
            assertThat(history.position(topic).newestSeq()).isEqualTo(1);
            assertThat(history.read(topic, 1, 1)).extracting(Event::id).containsExactly(receipt.id());
            BatchReceipt batch = ingest.publishBatchAsync(List.of(new BatchParser.Item(topic, "2"),
                    new BatchParser.Item(topic, "3"))).toCompletableFuture().get();
            assertThat(batch.droppedIds()).isEmpty();
            assertThat(history.read(topic, 2, 3)).extracting(Event::id).containsExactlyElementsOf(batch.ids());
            await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().filter(b -> b.topic().equals(topic))
                    .mapToInt(b -> b.events().size()).sum() == 3);
        } finally {
            ingest.drain(Duration.ofSeconds(10));
            bus.close();
        }
    }

    @Test
    void anEventDropOldestEvictsBeforeItIsNumbered_isAnsweredAsDropped_neverAsAccepted() throws Exception {
        // Workers that run nothing until released: the queue fills, the next publish evicts the oldest.
        HeldThreads held = new HeldThreads();
        EventBus bus = new EventBus(member);
        Ingest ingest = replicated(2, "drop-oldest", 1, held, bus);
        try {
            String topic = "evict." + UUID.randomUUID();
            CompletableFuture<PublishReceipt> oldest = ingest.publishAsync(topic, "1").toCompletableFuture();
            CompletableFuture<PublishReceipt> second = ingest.publishAsync(topic, "2").toCompletableFuture();
            CompletableFuture<PublishReceipt> third = ingest.publishAsync(topic, "3").toCompletableFuture();
            assertThat(oldest).isCompleted();
            assertThat(oldest.get().dropped()).isTrue();
            assertThat(second).isNotDone();
            try (HeldThreads.Released released = held.release()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> second.isDone() && third.isDone());
                assertThat(second.get().dropped()).isFalse();
                assertThat(third.get().dropped()).isFalse();
                assertThat(history.read(topic, 1, 10)).extracting(Event::id)
                        .containsExactly(second.get().id(), third.get().id());
                ingest.drain(Duration.ofSeconds(10));
            }
        } finally {
            bus.close();
        }
    }

    @Test
    void aLoneMember_refusesReplicatedPublishesWith503() {
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest("replicated", 100, "reject", 1);
        ingest.metrics = new IngestTest.CountingMetrics();
        ingest.init();
        ingest.start(TestThreads.daemon(), history, new EventBus(member), null, () -> 1, () -> 0);
        try {
            assertThatThrownBy(() -> ingest.publishAsync("lone", "1"))
                    .isInstanceOfSatisfying(PublishError.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("second cluster member");
                    });
        } finally {
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "replicated", "persistent"})
    void aClientNodeCutOffFromItsCluster_refusesEveryPublishWith503_inEveryMode(String durability) {
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest(durability, 100, "reject", 1);
        IngestTest.CountingMetrics metrics = new IngestTest.CountingMetrics();
        ingest.metrics = metrics;
        ingest.init();
        AtomicInteger members = new AtomicInteger(0); // what HazelcastNode reports while a client is cut off
        ingest.start(TestThreads.daemon(), history, new EventBus(member), null, members::get, () -> 0);
        try {
            assertThatThrownBy(() -> ingest.publishAsync("cut-off", "1"))
                    .isInstanceOfSatisfying(PublishError.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("lost its Hazelcast cluster");
                    });
            assertThatThrownBy(() -> ingest.publishBatchAsync(List.of(
                    new BatchParser.Item("cut-off", "1"), new BatchParser.Item("cut-off", "2"))))
                    .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(503));
            assertThat(metrics.rejected.get()).isEqualTo(3);

            members.set(2); // reconnected
            assertThat(ingest.publishAsync("cut-off", "3").toCompletableFuture().join().topic()).isEqualTo("cut-off");
        } finally {
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    @Test
    void manyQuietTopicsOfOneBusPartition_travelInFewBusMessages_oneBatchPerTopicInSeqOrder() throws Exception {
        // topics that all hash to bus partition 3
        List<String> topics = new ArrayList<>();
        for (int i = 0; topics.size() < 50; i++) {
            String topic = "quiet." + i + "." + UUID.randomUUID().toString().substring(0, 6);
            if (EventBus.partitionOf(topic) == 3) {
                topics.add(topic);
            }
        }
        AtomicInteger messages = new AtomicInteger();
        ITopic<BusMessage> raw = member.getReliableTopic(EventBus.topicName(ClusterIds.of(member), 3));
        UUID rawListener = raw.addMessageListener(m -> messages.incrementAndGet());
        EventBus bus = new EventBus(member);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        bus.listen(received::add, p -> { });
        HeldThreads held = new HeldThreads();
        Ingest ingest = replicated(1000, "reject", 1, held, bus);
        try {
            List<CompletableFuture<PublishReceipt>> answers = new ArrayList<>();
            for (String topic : topics) {
                answers.add(ingest.publishAsync(topic, "1").toCompletableFuture());
                answers.add(ingest.publishAsync(topic, "2").toCompletableFuture());
            }
            try (HeldThreads.Released released = held.release()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream().allMatch(CompletableFuture::isDone));
                await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= topics.size());
                assertThat(messages.get()).as("bus messages for 50 topics").isLessThanOrEqualTo(2);
                for (String topic : topics) {
                    assertThat(received.stream().filter(b -> b.topic().equals(topic)).flatMap(b -> b.events().stream())
                            .map(Event::seq).toList()).containsExactly(1L, 2L);
                }
                ingest.drain(Duration.ofSeconds(10));
            }
        } finally {
            raw.removeMessageListener(rawListener);
            bus.close();
        }
    }

    @Test
    void aBatchSpreadOverEveryBusPartition_isStoredInOneWrite_andEachPartitionGetsItsOwnBusMessage() throws Exception {
        List<String> topics = new ArrayList<>(); // two topics per bus partition
        for (int p = 0; p < EventBus.PARTITIONS; p++) {
            for (int found = 0; found < 2; ) {
                String topic = "spread." + p + "." + UUID.randomUUID().toString().substring(0, 8);
                if (EventBus.partitionOf(topic) == p) {
                    topics.add(topic);
                    found++;
                }
            }
        }
        List<List<EventStore.StoredBatch>> writes = new CopyOnWriteArrayList<>();
        List<List<EventBatch>> busMessages = new CopyOnWriteArrayList<>();
        HeldThreads held = new HeldThreads();
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest("persistent", 1000, "reject", 2);
        ingest.metrics = new IngestTest.CountingMetrics();
        ingest.init();
        ingest.start(held, history, busMessages::add, new RecordingStore(writes), () -> 1, () -> 0);
        List<BatchParser.Item> items = new ArrayList<>();
        for (String topic : topics) {
            items.add(new BatchParser.Item(topic, "1"));
            items.add(new BatchParser.Item(topic, "2"));
        }
        CompletableFuture<BatchReceipt> answer = ingest.publishBatchAsync(items).toCompletableFuture();
        try (HeldThreads.Released released = held.release()) {
            assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS).ids()).hasSize(items.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> busMessages.stream().mapToInt(List::size).sum() == 16);
            ingest.drain(Duration.ofSeconds(10));
        }

        // every partition's lane was ready when the worker took its first: one call, one store write for all
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0)).extracting(EventStore.StoredBatch::topic).containsExactlyInAnyOrderElementsOf(topics);
        // the bus still gets one message per partition, each of its own topics, every topic's events in seq order
        assertThat(busMessages).hasSize(EventBus.PARTITIONS);
        for (List<EventBatch> message : busMessages) {
            int partition = EventBus.partitionOf(message.get(0).topic());
            assertThat(message).allSatisfy(batch -> {
                assertThat(EventBus.partitionOf(batch.topic())).isEqualTo(partition);
                assertThat(batch.events()).extracting(Event::seq).containsExactly(1L, 2L);
            });
        }
    }

    /** Records every write; the store itself (JDBC) is tested in JdbcEventStoreTest and the persistent ITs. */
    private record RecordingStore(List<List<EventStore.StoredBatch>> writes) implements EventStore {
        @Override
        public void write(List<StoredBatch> batches) {
            writes.add(List.copyOf(batches));
        }

        @Override
        public java.util.Optional<StoredTopic> load(String topic, int limit) {
            return java.util.Optional.empty();
        }

        @Override
        public String clusterEpoch(String proposed) {
            return proposed;
        }

        @Override
        public void close() {
        }
    }
}
