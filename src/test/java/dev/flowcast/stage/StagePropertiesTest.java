package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties over random shapes (workers, batch size, capacity, keys, producers, handler pauses and failures)
 * and the random interleavings of real producer and worker threads.
 */
class StagePropertiesTest {

    record Item(int producer, int key, int seq) {
    }

    /** Runs {@code producers} threads offering their items at once; returns the admissions per item. */
    private static Map<Item, Admission> produce(Stage<Item> stage, int producers, int perProducer, int keys)
            throws InterruptedException {
        Map<Item, Admission> results = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                int[] seqPerKey = new int[keys];
                for (int i = 0; i < perProducer; i++) {
                    int key = (i * 31 + producer * 7) % keys;
                    Item item = new Item(producer, key, seqPerKey[key]++);
                    results.put(item, stage.offer(item));
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return results;
    }

    /** A handler that checks the lane rules as it goes and may pause (yield) or fail. */
    private static final class CheckingHandler implements BatchHandler<Item> {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final Map<Integer, AtomicInteger> activePerKey = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final List<Item> handled = new CopyOnWriteArrayList<>();
        final Map<List<Integer>, List<Integer>> seqs = new ConcurrentHashMap<>();
        final AtomicLong calls = new AtomicLong();
        final int batchSize;
        final int lanesPerCall;
        final int failEvery;
        final int yieldEvery;

        CheckingHandler(int batchSize, int lanesPerCall, int failEvery, int yieldEvery) {
            this.batchSize = batchSize;
            this.lanesPerCall = lanesPerCall;
            this.failEvery = failEvery;
            this.yieldEvery = yieldEvery;
        }

        @Override
        public void handle(List<Item> batch) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                if (batch.isEmpty() || batch.size() > batchSize) {
                    violations.add("batch size " + batch.size());
                }
                List<Integer> keys = keysInRuns(batch);
                if (keys.size() > lanesPerCall) {
                    violations.add(keys.size() + " keys in one call (at most " + lanesPerCall + "): " + batch);
                }
                for (int key : keys) {
                    if (activePerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() != 1) {
                        violations.add("key " + key + " handled concurrently");
                    }
                }
                for (Item i : batch) {
                    seqs.computeIfAbsent(List.of(i.producer(), i.key()),
                            k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(i.seq());
                }
                handled.addAll(batch);
                long call = calls.incrementAndGet();
                if (yieldEvery > 0 && call % yieldEvery == 0) {
                    Thread.yield(); // widen the window in which other lanes run
                }
                keys.forEach(key -> activePerKey.get(key).decrementAndGet());
                if (failEvery > 0 && call % failEvery == 0) {
                    throw new IllegalStateException("planned failure " + call);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }

        /** The batch's keys in the order of their runs; a key that comes back after another key is a violation. */
        private List<Integer> keysInRuns(List<Item> batch) {
            List<Integer> keys = new ArrayList<>();
            for (Item item : batch) {
                if (keys.isEmpty() || keys.get(keys.size() - 1) != item.key()) {
                    if (keys.contains(item.key())) {
                        violations.add("key " + item.key() + " not in one run: " + batch);
                    } else {
                        keys.add(item.key());
                    }
                }
            }
            return keys;
        }

        /** Per (producer, key), handled seqs increase: dropped ones may be missing, none reordered. */
        void assertPerKeyOrder() {
            seqs.forEach((pk, list) -> {
                List<Integer> copy = new ArrayList<>(list);
                for (int i = 1; i < copy.size(); i++) {
                    assertThat(copy.get(i)).as("order of producer/key %s: %s", pk, copy).isGreaterThan(copy.get(i - 1));
                }
            });
        }
    }

    private static Stage<Item> stage(CheckingHandler handler, OverflowPolicy policy,
            Duration timeout, int capacity, int workers, int batchSize, List<Item> dropped) {
        return Stage.<Item>builder("property")
                .capacity(capacity)
                .overflow(policy, timeout)
                .workers(workers)
                .batchSize(batchSize)
                .lanesPerCall(handler.lanesPerCall)
                .keyedBy(Item::key)
                .threads(TestThreads.daemon())
                .handler(handler)
                .onDrop((item, why) -> dropped.add(item))
                .onError((batch, e) -> { })
                .build();
    }

    @Property(tries = 40)
    void shouldKeepPerKeyOrderAndNeverExceedWorkers(@ForAll @IntRange(min = 1, max = 4) int workers,
            @ForAll @IntRange(min = 1, max = 8) int batchSize, @ForAll @IntRange(min = 1, max = 32) int capacity,
            @ForAll @IntRange(min = 1, max = 6) int keys, @ForAll @IntRange(min = 1, max = 3) int producers,
            @ForAll @IntRange(min = 1, max = 400) int perProducer, @ForAll @IntRange(min = 0, max = 5) int yieldEvery,
            @ForAll @IntRange(min = 1, max = 4) int lanesPerCall) throws Exception {
        CheckingHandler handler = new CheckingHandler(batchSize, lanesPerCall, 0, yieldEvery);
        Stage<Item> s = stage(handler, OverflowPolicy.BLOCK, Duration.ofMinutes(1), capacity, workers,
                batchSize, new CopyOnWriteArrayList<>());
        s.start();
        Map<Item, Admission> results = produce(s, producers, perProducer, keys);
        DrainReport<Item> report = s.drain(Duration.ofSeconds(30));

        assertThat(report.completed()).isTrue();
        assertThat(results.values()).containsOnly(Admission.ACCEPTED);
        assertThat(handler.violations).isEmpty();
        assertThat(handler.maxInFlight.get()).isLessThanOrEqualTo(workers);
        assertThat(handler.handled).hasSize(producers * perProducer);
        handler.assertPerKeyOrder();
    }

    @Provide
    Arbitrary<OverflowPolicy> refusing() {
        return Arbitraries.of(OverflowPolicy.REJECT, OverflowPolicy.BLOCK);
    }

    @Provide
    Arbitrary<OverflowPolicy> dropping() {
        return Arbitraries.of(OverflowPolicy.DROP_OLDEST, OverflowPolicy.DROP_NEWEST);
    }

    @Property(tries = 40)
    void shouldHandleExactlyWhatWasAcceptedUnderRejectAndBlock(@ForAll("refusing") OverflowPolicy policy,
            @ForAll @IntRange(min = 1, max = 3) int workers, @ForAll @IntRange(min = 1, max = 8) int batchSize,
            @ForAll @IntRange(min = 1, max = 16) int capacity, @ForAll @IntRange(min = 1, max = 5) int keys,
            @ForAll @IntRange(min = 1, max = 3) int producers, @ForAll @IntRange(min = 1, max = 300) int perProducer,
            @ForAll @IntRange(min = 0, max = 4) int failEvery, @ForAll @IntRange(min = 1, max = 4) int lanesPerCall)
            throws Exception {
        CheckingHandler handler = new CheckingHandler(batchSize, lanesPerCall, failEvery, 3);
        Stage<Item> s = stage(handler, policy, Duration.ofNanos(50_000), capacity, workers, batchSize,
                new CopyOnWriteArrayList<>());
        s.start();
        Map<Item, Admission> results = produce(s, producers, perProducer, keys);
        DrainReport<Item> report = s.drain(Duration.ofSeconds(30));
        StageStats stats = s.stats();

        long accepted = results.values().stream().filter(Admission::accepted).count();
        long rejected = results.values().stream().filter(a -> a == Admission.REJECTED).count();
        assertThat(report.completed()).isTrue();
        assertThat(results.values()).doesNotContain(Admission.DROPPED);
        assertThat(accepted + rejected).isEqualTo((long) producers * perProducer);
        assertThat(handler.handled).hasSize((int) accepted);
        assertThat(stats.in()).isEqualTo(accepted);
        assertThat(stats.out()).isEqualTo(accepted);
        assertThat(stats.rejected()).isEqualTo(rejected);
        assertThat(stats.droppedTotal()).isZero();
        assertThat(stats.depth()).isZero();
        assertThat(handler.violations).isEmpty();
        handler.assertPerKeyOrder();
    }

    @Property(tries = 40)
    void shouldAccountForEveryItemAsHandledOrDroppedUnderDropPolicies(@ForAll("dropping") OverflowPolicy policy,
            @ForAll @IntRange(min = 1, max = 3) int workers, @ForAll @IntRange(min = 1, max = 8) int batchSize,
            @ForAll @IntRange(min = 1, max = 16) int capacity, @ForAll @IntRange(min = 1, max = 5) int keys,
            @ForAll @IntRange(min = 1, max = 3) int producers, @ForAll @IntRange(min = 1, max = 300) int perProducer,
            @ForAll @IntRange(min = 0, max = 4) int yieldEvery, @ForAll @IntRange(min = 1, max = 4) int lanesPerCall)
            throws Exception {
        CheckingHandler handler = new CheckingHandler(batchSize, lanesPerCall, 0, yieldEvery);
        List<Item> dropped = new CopyOnWriteArrayList<>();
        Stage<Item> s = stage(handler, policy, Duration.ZERO, capacity, workers, batchSize, dropped);
        s.start();
        Map<Item, Admission> results = produce(s, producers, perProducer, keys);
        DrainReport<Item> report = s.drain(Duration.ofSeconds(30));
        StageStats stats = s.stats();

        Map<Admission, Long> counts = new EnumMap<>(Admission.class);
        results.values().forEach(a -> counts.merge(a, 1L, Long::sum));
        long accepted = counts.getOrDefault(Admission.ACCEPTED, 0L);
        long droppedAnswers = counts.getOrDefault(Admission.DROPPED, 0L);
        assertThat(report.completed()).isTrue();
        assertThat(counts).doesNotContainKey(Admission.REJECTED);
        // every offered item was handled or dropped, exactly once
        List<Item> all = new ArrayList<>(handler.handled);
        all.addAll(dropped);
        assertThat(all).containsExactlyInAnyOrderElementsOf(results.keySet());
        if (policy == OverflowPolicy.DROP_OLDEST) {
            assertThat(droppedAnswers).isZero();
            assertThat(accepted).isEqualTo(handler.handled.size() + dropped.size());
        } else {
            assertThat(droppedAnswers).isEqualTo(dropped.size());
            assertThat(accepted).isEqualTo(handler.handled.size());
        }
        assertThat(stats.in()).isEqualTo(accepted);
        assertThat(stats.out()).isEqualTo(handler.handled.size());
        assertThat(stats.dropped().get(policy)).isEqualTo(dropped.size());
        assertThat(stats.droppedTotal()).isEqualTo(dropped.size());
        assertThat(handler.violations).isEmpty();
        handler.assertPerKeyOrder();
    }
}
