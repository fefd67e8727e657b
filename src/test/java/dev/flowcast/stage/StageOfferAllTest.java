package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Stage#offerAll}: a batch is queued whole, in order, or not at all, under every overflow policy. */
class StageOfferAllTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<Integer> handled = new CopyOnWriteArrayList<>();
    private final List<Integer> dropped = new CopyOnWriteArrayList<>();

    @AfterEach
    void shutDownPool() throws InterruptedException {
        gate.countDown();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A one-key stage of capacity 10 whose handler waits at the gate: items pile up. */
    private Stage<Integer> stuckStage(OverflowPolicy policy, Duration timeout) {
        Stage<Integer> stage = Stage.<Integer>builder("batch").capacity(10).workers(1).batchSize(100)
                .overflow(policy, timeout).executor(pool)
                .onDrop((item, why) -> dropped.add(item))
                .handler(batch -> {
                    gate.await();
                    handled.addAll(batch);
                }).build();
        stage.start();
        return stage;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void shouldQueueABatchWholeAndInOrder() {
        Stage<Integer> stage = stuckStage(OverflowPolicy.REJECT, Duration.ZERO);
        assertThat(stage.offerAll(range(0, 10))).isEqualTo(Admission.ACCEPTED);
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 10);
        assertThat(handled).containsExactlyElementsOf(range(0, 10));
        assertThat(stage.stats().in()).isEqualTo(10);
    }

    @Test
    void shouldRejectAWholeBatchThatDoesNotFit_andQueueNoneOfIt() {
        Stage<Integer> stage = stuckStage(OverflowPolicy.REJECT, Duration.ZERO);
        assertThat(stage.offerAll(range(0, 6))).isEqualTo(Admission.ACCEPTED);
        assertThat(stage.offerAll(range(6, 12))).isEqualTo(Admission.REJECTED);
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().depth() == 0 && stage.stats().inFlight() == 0);
        assertThat(handled).containsExactlyElementsOf(range(0, 6));
        assertThat(stage.stats().rejected()).isEqualTo(6);
    }

    @Test
    void shouldRejectABatchLargerThanTheCapacity_evenWhenEmpty() {
        Stage<Integer> stage = stuckStage(OverflowPolicy.BLOCK, Duration.ofSeconds(5));
        assertThat(stage.offerAll(range(0, 11))).isEqualTo(Admission.REJECTED);
        assertThat(stage.stats().depth()).isZero();
    }

    @Test
    void shouldDropTheWholeNewBatch_underDropNewest() {
        Stage<Integer> stage = stuckStage(OverflowPolicy.DROP_NEWEST, Duration.ZERO);
        stage.offerAll(range(0, 8));
        assertThat(stage.offerAll(range(8, 12))).isEqualTo(Admission.DROPPED);
        assertThat(dropped).containsExactlyElementsOf(range(8, 12));
        assertThat(stage.stats().dropped().get(OverflowPolicy.DROP_NEWEST)).isEqualTo(4);
    }

    @Test
    void shouldEvictTheOldestToMakeRoom_underDropOldest() {
        Stage<Integer> stage = stuckStage(OverflowPolicy.DROP_OLDEST, Duration.ZERO);
        stage.offerAll(range(0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().inFlight() == 1); // the worker holds 0..9
        assertThat(stage.offerAll(range(10, 20))).isEqualTo(Admission.ACCEPTED); // full now
        assertThat(stage.offerAll(range(20, 24))).isEqualTo(Admission.ACCEPTED);
        assertThat(dropped).containsExactlyElementsOf(range(10, 14));
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 20);
        assertThat(handled).containsExactlyElementsOf(
                java.util.stream.Stream.concat(range(0, 10).stream(), range(14, 24).stream()).toList());
        assertThat(stage.stats().dropped().get(OverflowPolicy.DROP_OLDEST)).isEqualTo(4);
    }

    @Test
    void shouldWaitForRoomForTheWholeBatch_underBlock() throws Exception {
        Stage<Integer> stage = stuckStage(OverflowPolicy.BLOCK, Duration.ofSeconds(30));
        stage.offerAll(range(0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().inFlight() == 1);
        stage.offerAll(range(10, 18)); // the worker took the first batch: 8 more fit, then the stage is full
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> stage.offerAll(range(18, 23)));
        gate.countDown(); // the worker frees room
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(Admission.ACCEPTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 23);
        assertThat(handled).containsExactlyElementsOf(range(0, 23));
    }
}
