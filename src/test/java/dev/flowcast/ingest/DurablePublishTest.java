package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.flowcast.cluster.BusMessage;
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

/**
 * {@code replicated} publishing on two real embedded members: the answer comes once the event is numbered, events
 * drop-oldest evicts before numbering are answered as dropped, a lone member refuses, many quiet topics of one
 * bus partition travel in one bus message, and a batch over every partition is stored in one write; in
 * {@code persistent} mode a call gives its lane back before its store write while its answers and bus messages wait
 * for it, and a failing store refuses publishes (503) until its held batch is written again.
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
        ITopic<BusMessage> raw = member.getReliableTopic(HazelcastConfigs.BUS_PREFIX + 3);
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

    @Test
    void aPersistentCall_givesItsLaneBackBeforeItsStoreWrite_andItsAnswersAndBusMessageWaitForTheWrite()
            throws Exception {
        String topic = "lane." + UUID.randomUUID();
        List<List<EventStore.StoredBatch>> writes = new CopyOnWriteArrayList<>();
        java.util.concurrent.Semaphore storeAnswers = new java.util.concurrent.Semaphore(0);
        EventStore heldStore = new RecordingStore(writes) {
            @Override
            public void write(List<StoredBatch> batches) {
                storeAnswers.acquireUninterruptibly();
                super.write(batches);
            }
        };
        List<List<EventBatch>> busMessages = new CopyOnWriteArrayList<>();
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest("persistent", 1000, "reject", 1); // one worker: one call at a time
        ingest.metrics = new IngestTest.CountingMetrics();
        ingest.init();
        ingest.start(TestThreads.daemon(), history, busMessages::add, heldStore, () -> 1, () -> 0);
        try {
            CompletableFuture<PublishReceipt> first = ingest.publishAsync(topic, "1").toCompletableFuture();
            await().atMost(Duration.ofSeconds(30)).until(() -> storeAnswers.hasQueuedThreads()); // its write waits
            CompletableFuture<PublishReceipt> second = ingest.publishAsync(topic, "2").toCompletableFuture();
            CompletableFuture<PublishReceipt> third = ingest.publishAsync(topic, "3").toCompletableFuture();

            // the lone worker numbered the next calls of the same lane while the first write still waited
            await().atMost(Duration.ofSeconds(30)).until(() -> history.position(topic).newestSeq() == 3);
            assertThat(List.of(first, second, third)).as("no 202 before the store took the event").noneMatch(
                    CompletableFuture::isDone);
            assertThat(busMessages).as("nothing on the bus before the store took it").isEmpty();

            storeAnswers.release(Integer.MAX_VALUE / 2);
            assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS).dropped()).isFalse();
            assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS).dropped()).isFalse();
            assertThat(third.get(30, java.util.concurrent.TimeUnit.SECONDS).dropped()).isFalse();
            // the calls numbered during the first write went into the second one together
            assertThat(writes).hasSize(2);
            assertThat(writes.get(1)).flatExtracting(EventStore.StoredBatch::events).extracting(Event::seq)
                    .containsExactly(2L, 3L);
            await().atMost(Duration.ofSeconds(30)).until(() -> busMessages.stream().flatMap(List::stream)
                    .mapToInt(b -> b.events().size()).sum() == 3);
            assertThat(busMessages).flatExtracting(m -> m).flatExtracting(EventBatch::events).extracting(Event::seq)
                    .containsExactly(1L, 2L, 3L);
        } finally {
            storeAnswers.release(Integer.MAX_VALUE / 2);
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    @Test
    void whileTheStoreFails_publishesAre503WithoutBeingNumbered_andTheHeldBatchIsWrittenOnceItIsBack()
            throws Exception {
        String topic = "down." + UUID.randomUUID();
        List<List<EventStore.StoredBatch>> writes = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        EventStore flakyStore = new RecordingStore(writes) {
            @Override
            public void write(List<StoredBatch> batches) {
                if (down.get()) {
                    throw new StoreUnavailable("connection refused", null);
                }
                super.write(batches);
            }
        };
        Ingest ingest = new Ingest();
        ingest.settings = TestSettings.ingest("persistent", 1000, "reject", 1);
        ingest.metrics = new IngestTest.CountingMetrics();
        ingest.init();
        ingest.start(TestThreads.daemon(), history, b -> { }, flakyStore, () -> 1, () -> 0);
        try {
            CompletableFuture<PublishReceipt> refused = ingest.publishAsync(topic, "1").toCompletableFuture();
            assertThat(refused).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(
                    java.util.concurrent.ExecutionException.class).havingCause().isInstanceOfSatisfying(
                    PublishError.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("store");
                    });
            assertThat(history.position(topic).newestSeq()).as("numbered before the write failed").isEqualTo(1);

            CompletableFuture<PublishReceipt> whileDown = ingest.publishAsync(topic, "2").toCompletableFuture();
            assertThat(whileDown).failsWithin(Duration.ofSeconds(30));
            assertThat(history.position(topic).newestSeq()).as("not numbered while the store fails").isEqualTo(1);

            down.set(false);
            // the held batch is written without waiting for a publish, then publishes are numbered again
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.size() == 1);
            assertThat(writes.get(0)).flatExtracting(EventStore.StoredBatch::events).extracting(Event::seq)
                    .containsExactly(1L);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    return !ingest.publishAsync(topic, "3").toCompletableFuture().get().dropped();
                } catch (java.util.concurrent.ExecutionException e) {
                    return false; // still refused: the writer had not retried yet
                }
            });
            assertThat(history.position(topic).newestSeq()).isEqualTo(2);
        } finally {
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    /** Records every write; the store itself (JDBC) is tested in JdbcEventStoreTest and the persistent ITs. */
    private static class RecordingStore implements EventStore {
        private final List<List<EventStore.StoredBatch>> writes;

        RecordingStore(List<List<EventStore.StoredBatch>> writes) {
            this.writes = writes;
        }

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
