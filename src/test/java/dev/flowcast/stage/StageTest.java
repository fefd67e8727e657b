package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of one stage: lanes, batching, failures, worker threads, stats, settings, building. */
class StageTest {

    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void openTheGate() {
        gate.countDown();
    }

    record Msg(String key, int n) {
    }

    @Test
    void shouldNotLetAStuckHotKeyBlockOtherKeys() throws Exception {
        List<Msg> handled = new CopyOnWriteArrayList<>();
        CountDownLatch hotStarted = new CountDownLatch(1);
        Stage<Msg> s = Stage.<Msg>builder("lanes").capacity(1000).workers(2).batchSize(8).keyedBy(Msg::key)
                .threads(TestThreads.daemon())
                .handler(batch -> {
                    if (batch.get(0).key().equals("hot")) {
                        hotStarted.countDown();
                        gate.await();
                    }
                    handled.addAll(batch);
                }).build();
        s.start();
        s.offer(new Msg("hot", 0));
        assertThat(hotStarted.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 200; i++) { // the hot key keeps coming, the others are behind it in the queue
            s.offer(new Msg("hot", i));
            s.offer(new Msg("cold-" + (i % 5), i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 200);
        assertThat(handled).allMatch(m -> m.key().startsWith("cold"));
        gate.countDown();
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).hasSize(401);
    }

    @Test
    void shouldDropOldestStagedItemBeforeNewerQueuedOnes() throws Exception {
        List<Msg> handled = new CopyOnWriteArrayList<>();
        List<Msg> dropped = new CopyOnWriteArrayList<>();
        CountDownLatch hotStarted = new CountDownLatch(1);
        Stage<Msg> s = Stage.<Msg>builder("evict-staged").capacity(2).workers(2).batchSize(1).keyedBy(Msg::key)
                .overflow(OverflowPolicy.DROP_OLDEST, Duration.ZERO).threads(TestThreads.daemon())
                .onDrop((m, why) -> dropped.add(m))
                .handler(batch -> {
                    if (batch.get(0).key().equals("hot")) {
                        hotStarted.countDown();
                        gate.await();
                    }
                    handled.addAll(batch);
                }).build();
        s.start();
        s.offer(new Msg("hot", 0)); // in flight, stuck
        assertThat(hotStarted.await(10, TimeUnit.SECONDS)).isTrue();
        s.offer(new Msg("hot", 1));
        s.offer(new Msg("cold", 1)); // the second worker pulls past hot-1 (staged in the hot mailbox) to run cold-1
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(new Msg("cold", 1)));
        s.offer(new Msg("hot", 2));
        s.offer(new Msg("hot", 3)); // full (hot-1 staged, hot-2 queued): evicts the oldest waiting, hot-1
        assertThat(dropped).containsExactly(new Msg("hot", 1));
        gate.countDown();
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).containsExactly(new Msg("cold", 1), new Msg("hot", 0), new Msg("hot", 2),
                new Msg("hot", 3));
    }

    @Test
    void shouldTakeUpToBatchSizeItemsOfOneKeyPerCall() {
        List<List<Msg>> batches = new CopyOnWriteArrayList<>();
        Stage<Msg> s = Stage.<Msg>builder("batch").capacity(100).workers(2).batchSize(5).keyedBy(Msg::key)
                .threads(TestThreads.daemon()).handler(b -> batches.add(List.copyOf(b))).build();
        for (int i = 0; i < 23; i++) {
            s.offer(new Msg("k" + (i % 2), i));
        }
        s.start();
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(batches).allSatisfy(b -> {
            assertThat(b).hasSizeBetween(1, 5);
            assertThat(b).extracting(Msg::key).containsOnly(b.get(0).key());
        });
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(23);
        assertThat(batches.stream().mapToInt(List::size).max().orElse(0)).isEqualTo(5);
    }

    @Test
    void withLanesPerCall_oneCallServesSeveralReadyKeys_eachKeyTogetherInOfferOrder_withinTheBatchSize() {
        List<List<Msg>> calls = new CopyOnWriteArrayList<>();
        Stage<Msg> s = Stage.<Msg>builder("multi-lane").capacity(100).workers(1).batchSize(8).lanesPerCall(3)
                .keyedBy(Msg::key).threads(TestThreads.daemon()).handler(b -> calls.add(List.copyOf(b))).build();
        for (int i = 0; i < 15; i++) { // k0..k4 interleaved, 3 items each: one pull chunk (16) stages them all
            s.offer(new Msg("k" + (i % 5), i));
        }
        s.start();
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();

        // three keys per call at most; the third is cut at the batch size and goes to the back of the ready lanes
        assertThat(calls).extracting(call -> call.stream().map(Msg::n).toList()).containsExactly(
                List.of(0, 5, 10, 1, 6, 11, 2, 7),
                List.of(3, 8, 13, 4, 9, 14, 12));
    }

    @Test
    void shouldRefuseLanesPerCallBelowOne() {
        assertThatThrownBy(() -> Stage.<Msg>builder("x").lanesPerCall(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lanes per call");
    }

    @Test
    void shouldPassAFailedBatchToOnErrorAndKeepGoing() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        List<List<Integer>> failedBatches = new CopyOnWriteArrayList<>();
        Stage<Integer> s = Stage.<Integer>builder("errors").capacity(100).workers(1).batchSize(1).threads(TestThreads.daemon())
                .handler(batch -> {
                    if (batch.get(0) % 3 == 0) {
                        throw new IllegalStateException("boom " + batch.get(0));
                    }
                    handled.addAll(batch);
                })
                .onError((batch, e) -> failedBatches.add(List.copyOf(batch)))
                .build();
        s.start();
        for (int i = 1; i <= 9; i++) {
            s.offer(i);
        }
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).containsExactly(1, 2, 4, 5, 7, 8);
        assertThat(failedBatches).containsExactly(List.of(3), List.of(6), List.of(9));
        StageStats stats = s.stats();
        assertThat(stats.failed()).isEqualTo(3);
        assertThat(stats.out()).isEqualTo(9);
    }

    @Test
    void shouldRefuseToStartWhenTheThreadFactoryGivesNoThread() {
        Stage<Integer> s = Stage.<Integer>builder("no-threads").capacity(10).threads(task -> null)
                .handler(batch -> { }).build();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("no-threads");
    }

    @Test
    void shouldRunBatchesOnlyOnTheWorkerThreadsItsFactoryMade() {
        List<String> threadsSeen = new CopyOnWriteArrayList<>();
        Stage<Integer> s = Stage.<Integer>builder("own-threads").capacity(1000).workers(2).keyedBy(i -> i % 7)
                .threads(TestThreads.daemon())
                .handler(batch -> threadsSeen.add(Thread.currentThread().getName())).build();
        s.start();
        for (int i = 0; i < 500; i++) {
            s.offer(i);
        }
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(threadsSeen).isNotEmpty().allMatch(n -> n.equals("flowcast-own-threads-0") || n.equals("flowcast-own-threads-1"));
    }

    @Test
    void shouldEndItsWorkerThreadsAfterDrain() {
        List<Thread> made = new CopyOnWriteArrayList<>();
        Stage<Integer> s = Stage.<Integer>builder("ending").capacity(10).workers(3).threads(task -> {
            Thread thread = TestThreads.daemon().newThread(task);
            made.add(thread);
            return thread;
        }).handler(batch -> { }).build();
        s.start();
        s.offer(1);
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(made).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> made.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void shouldReportNoProgressWhileWorkWaitsAndZeroWhenIdle() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Stage<Integer> s = Stage.<Integer>builder("liveness").capacity(10).workers(1).threads(TestThreads.daemon())
                .handler(batch -> {
                    started.countDown();
                    gate.await();
                }).build();
        s.start();
        assertThat(s.stats().sinceLastProgress()).isZero();
        s.offer(1);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().sinceLastProgress().toMillis() >= 20);
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().sinceLastProgress().isZero());
    }

    @Test
    void shouldReportCountsRatesAndLatency() {
        Stage<Integer> s = Stage.<Integer>builder("stats").capacity(1000).workers(2).keyedBy(i -> i % 4)
                .threads(TestThreads.daemon()).handler(batch -> { }).build();
        s.start();
        for (int i = 0; i < 500; i++) {
            s.offer(i);
        }
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        StageStats stats = s.stats();
        assertThat(stats.name()).isEqualTo("stats");
        assertThat(stats.capacity()).isEqualTo(1000);
        assertThat(stats.workers()).isEqualTo(2);
        assertThat(stats.in()).isEqualTo(500);
        assertThat(stats.out()).isEqualTo(500);
        assertThat(stats.inPerSecond()).isPositive();
        assertThat(stats.outPerSecond()).isPositive();
        LatencySnapshot latency = stats.latency();
        assertThat(latency.count()).isEqualTo(500);
        assertThat(latency.p50Ms()).isLessThanOrEqualTo(latency.p90Ms());
        assertThat(latency.p90Ms()).isLessThanOrEqualTo(latency.p99Ms());
        assertThat(latency.p99Ms()).isLessThanOrEqualTo(latency.p999Ms());
        assertThat(latency.p999Ms()).isLessThanOrEqualTo(latency.maxMs());
        assertThat(stats.dropped()).containsOnlyKeys(OverflowPolicy.DROP_OLDEST, OverflowPolicy.DROP_NEWEST);
    }

    @Test
    void shouldKeepCountingWhenTheDropListenerThrows() {
        Stage<Integer> s = Stage.<Integer>builder("bad-listener").capacity(1).threads(TestThreads.daemon())
                .overflow(OverflowPolicy.DROP_NEWEST, Duration.ZERO).handler(b -> { })
                .onDrop((item, why) -> {
                    throw new IllegalStateException("listener bug");
                }).build();
        s.offer(1);
        assertThat(s.offer(2)).isEqualTo(Admission.DROPPED);
        assertThat(s.stats().dropped()).containsEntry(OverflowPolicy.DROP_NEWEST, 1L);
    }

    @Test
    void shouldParseOverflowSettingsCaseInsensitively() {
        assertThat(OverflowPolicy.fromSetting("reject")).isEqualTo(OverflowPolicy.REJECT);
        assertThat(OverflowPolicy.fromSetting("BLOCK")).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(OverflowPolicy.fromSetting("Drop-Oldest")).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(OverflowPolicy.fromSetting(" drop-newest ")).isEqualTo(OverflowPolicy.DROP_NEWEST);
        for (OverflowPolicy p : OverflowPolicy.values()) {
            assertThat(OverflowPolicy.fromSetting(p.settingName())).isEqualTo(p);
        }
    }

    @Test
    void shouldNameTheLegalValuesOfAnUnknownSetting() {
        assertThatThrownBy(() -> OverflowPolicy.fromSetting("drop_oldest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reject, block, drop-oldest, drop-newest");
        assertThatThrownBy(() -> OverflowPolicy.fromSetting(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSayOnlyAcceptedIsAccepted() {
        assertThat(Admission.ACCEPTED.accepted()).isTrue();
        assertThat(Admission.REJECTED.accepted()).isFalse();
        assertThat(Admission.DROPPED.accepted()).isFalse();
    }

    @Test
    void shouldRefuseToBuildWithoutTheRequiredParts() {
        assertThatThrownBy(() -> Stage.<Integer>builder("x").threads(TestThreads.daemon()).handler(b -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("queue");
        assertThatThrownBy(() -> Stage.<Integer>builder("x").capacity(1).queue(StageQueue.inMemory(1))
                .threads(TestThreads.daemon()).handler(b -> { }).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Stage.<Integer>builder("x").capacity(1).handler(b -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> Stage.<Integer>builder("x").capacity(1).threads(TestThreads.daemon()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("handler");
        assertThatThrownBy(() -> Stage.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stage.<Integer>builder("x").workers(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stage.<Integer>builder("x").capacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stage.<Integer>builder("x").batchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StageQueue.inMemory(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotStartAgainAfterDrain() {
        Stage<Integer> s = Stage.<Integer>builder("once").capacity(1).threads(TestThreads.daemon()).handler(b -> { }).build();
        s.start();
        s.start(); // idempotent while running
        s.drain(Duration.ofSeconds(1));
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldHandleNullKeysAsOneKey() {
        List<Integer> handled = new ArrayList<>();
        Stage<Integer> s = Stage.<Integer>builder("nulls").capacity(10).workers(1).keyedBy(i -> null)
                .threads(TestThreads.daemon()).handler(b -> {
                    synchronized (handled) {
                        handled.addAll(b);
                    }
                }).build();
        s.start();
        for (int i = 0; i < 5; i++) {
            s.offer(i);
        }
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        synchronized (handled) {
            assertThat(handled).containsExactly(0, 1, 2, 3, 4);
        }
    }
}
