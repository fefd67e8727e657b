package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.cluster.EventBatch;
import dev.flowcast.cluster.EventBus;
import dev.flowcast.cluster.HazelcastConfigs;
import dev.flowcast.cluster.TopicHistory;
import dev.flowcast.config.Settings;
import dev.flowcast.config.TestSettings;
import dev.flowcast.event.Event;
import dev.flowcast.metrics.FlowcastMetrics;
import dev.flowcast.stage.TestThreads;
import dev.flowcast.stage.OverflowPolicy;
import dev.flowcast.stage.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java entry point on a real embedded Hazelcast member: accepted events come out of the bus numbered, a
 * batch is all or none, and once draining began every publish is refused with 503.
 */
class IngestTest {

    private static HazelcastInstance member;
    private static TopicHistory history;

    /** Counts instead of registering MicroProfile metrics (no container here). */
    static final class CountingMetrics extends FlowcastMetrics {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();

        @Override
        public void accepted(int count) {
            accepted.addAndGet(count);
        }

        @Override
        public void rejected(int count) {
            rejected.addAndGet(count);
        }

        @Override
        public void dropped(OverflowPolicy policy) {
        }

        @Override
        public void stageGauges(Stage<?> stage) {
        }
    }

    @BeforeAll
    static void startMember() {
        member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(
                "ingest-test-" + UUID.randomUUID(), 6110, List.of(), 0));
        history = new TopicHistory(member, 100, 300, null).start();
    }

    @AfterAll
    static void stopMember() {
        member.shutdown();
    }

    private static Ingest startedIngest(CountingMetrics metrics, EventBus bus) {
        return startedIngest(TestSettings.defaults(), metrics, bus, TestThreads.daemon(), () -> 2);
    }

    static Ingest startedIngest(Settings settings, CountingMetrics metrics, EventBus bus, ThreadFactory threads,
                                IntSupplier members) {
        return startedIngest(settings, metrics, bus, threads, members, () -> 0);
    }

    static Ingest startedIngest(Settings settings, CountingMetrics metrics, EventBus bus, ThreadFactory threads,
                                IntSupplier members, LongSupplier writerLagMillis) {
        Ingest ingest = initialized(settings, metrics);
        ingest.start(threads, history, bus, null, members, writerLagMillis);
        return ingest;
    }

    private static Ingest initialized(Settings settings, CountingMetrics metrics) {
        Ingest ingest = new Ingest();
        ingest.settings = settings;
        ingest.metrics = metrics;
        ingest.init();
        return ingest;
    }

    @Test
    void acceptedEventsReachTheBusNumbered_andABatchIsAllOrNone() {
        EventBus bus = new EventBus(member);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        bus.listen(received::add, partition -> { });
        CountingMetrics metrics = new CountingMetrics();
        Ingest ingest = startedIngest(metrics, bus);
        try {
            String topic = "t." + UUID.randomUUID();
            PublishReceipt receipt = ingest.publish(topic, "{\"n\":1}");
            List<String> ids = ingest.publishBatch(List.of(
                    new BatchParser.Item(topic, "2"), new BatchParser.Item(topic, "3")));
            assertThat(ids).hasSize(2);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.stream()
                    .filter(b -> b.topic().equals(topic)).mapToInt(b -> b.events().size()).sum() == 3);
            List<String> seen = received.stream().filter(b -> b.topic().equals(topic))
                    .flatMap(b -> b.events().stream()).map(e -> e.seq() + ":" + e.id()).toList();
            assertThat(seen).containsExactly("1:" + receipt.id(), "2:" + ids.get(0), "3:" + ids.get(1));
            assertThat(metrics.accepted.get()).isEqualTo(3);
        } finally {
            ingest.drain(Duration.ofSeconds(10));
            bus.close();
        }
    }

    @Test
    void aDrainThenABusFlush_bringsBackEveryAcceptedEvent_atOnce() {
        // The shutdown order (Lifecycle): ingest drain, then bus flush. The bus messages leave on their own threads,
        // so the drain must wait for them: a flush's markers published before them would come back first.
        EventBus bus = new EventBus(member);
        List<EventBatch> received = new CopyOnWriteArrayList<>();
        bus.listen(received::add, partition -> { });
        Ingest ingest = initialized(TestSettings.defaults(), new CountingMetrics());
        // a bus that holds every message until the drain began (a loaded cluster): the workers are done by then
        CountDownLatch drainBegan = new CountDownLatch(1);
        ingest.start(TestThreads.daemon(), history, batches -> {
            awaitUninterruptibly(drainBegan);
            bus.publish(batches);
        }, null, () -> 2, () -> 0);
        try {
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                accepted.add(ingest.publish("drain." + (i % 50), Integer.toString(i)).id());
            }
            Thread releaser = new Thread(() -> {
                await().atMost(Duration.ofSeconds(30)).until(() -> !ingest.isAccepting());
                drainBegan.countDown();
            });
            releaser.start();
            assertThat(ingest.drain(Duration.ofSeconds(30)).completed()).isTrue();
            assertThat(bus.flush(Duration.ofSeconds(30))).isTrue();

            assertThat(received.stream().flatMap(b -> b.events().stream()).map(Event::id).toList())
                    .as("everything accepted came back before the flush's markers")
                    .containsExactlyInAnyOrderElementsOf(accepted);
        } finally {
            bus.close();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void onceDrainingBegan_everyPublishIsRefusedWith503_andCounted() {
        EventBus bus = new EventBus(member);
        CountingMetrics metrics = new CountingMetrics();
        Ingest ingest = startedIngest(metrics, bus);
        assertThat(ingest.drain(Duration.ofSeconds(10)).completed()).isTrue();

        assertThat(ingest.isAccepting()).isFalse();
        assertThatThrownBy(() -> ingest.publish("t.late", "1"))
                .isInstanceOfSatisfying(PublishError.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("unavailable");
                });
        assertThatThrownBy(() -> ingest.publishBatch(List.of(new BatchParser.Item("t.late", "1"))))
                .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(metrics.rejected.get()).isEqualTo(2);
    }

    @Test
    void whileTheSocketWritersAreBehind_publishesAreRefusedWith429_andCounted_thenTakenAgain() {
        CountingMetrics metrics = new CountingMetrics();
        AtomicLong lag = new AtomicLong(DeliveryGate.LAG_LIMIT_MS + 1);
        Ingest ingest = startedIngest(TestSettings.defaults(), metrics, new EventBus(member), TestThreads.daemon(),
                () -> 2, lag::get); // default policy: reject
        try {
            assertThatThrownBy(() -> ingest.publish("t.behind", "1"))
                    .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(429));
            assertThatThrownBy(() -> ingest.publishBatch(List.of(new BatchParser.Item("t.behind", "1"))))
                    .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.status()).isEqualTo(429));
            assertThat(metrics.rejected.get()).isEqualTo(2);
            lag.set(0);
            assertThat(ingest.publish("t.behind", "1").dropped()).isFalse();
        } finally {
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    @Test
    void whileTheClusterHasAProblem_publishesAreRefusedWith503_sayingIt_andCounted_thenTakenAgain() {
        CountingMetrics metrics = new CountingMetrics();
        AtomicReference<String> problem = new AtomicReference<>("a member cannot run Flowcast's entry processors");
        Ingest ingest = startedIngest(metrics, new EventBus(member));
        ingest.refuseWhile(problem::get);
        try {
            assertThatThrownBy(() -> ingest.publish("t.problem", "1"))
                    .isInstanceOfSatisfying(PublishError.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("cannot run Flowcast's entry processors");
                    });
            assertThat(metrics.rejected.get()).isEqualTo(1);
            problem.set(null);
            assertThat(ingest.publish("t.problem", "1").dropped()).isFalse();
        } finally {
            ingest.drain(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBadTopicIsRefusedWith400_beforeAnythingIsQueued() {
        CountingMetrics metrics = new CountingMetrics();
        Ingest ingest = startedIngest(metrics, new EventBus(member));
        try {
            assertThatThrownBy(() -> ingest.publish("no spaces", "1"))
                    .isInstanceOfSatisfying(PublishError.class, e -> assertThat(e.code()).isEqualTo("bad_topic"));
            assertThat(metrics.accepted.get()).isZero();
        } finally {
            ingest.drain(Duration.ofSeconds(10));
        }
    }
}
