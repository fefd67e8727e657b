package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Stage#offerAll}: a batch is queued whole, in order, or not at all, under every overflow policy. */
class StageOfferAllTest {

    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<Integer> handled = new CopyOnWriteArrayList<>();
    private final List<Integer> dropped = new CopyOnWriteArrayList<>();

    @AfterEach
    void openTheGate() {
        gate.countDown();
    }

    /** A one-key stage of capacity 10 whose handler waits at the gate: items pile up. */
    private Stage<Integer> stuckStage(OverflowPolicy policy, Duration timeout) {
        Stage<Integer> stage = Stage.<Integer>builder("batch").capacity(10).workers(1).batchSize(100)
                .overflow(policy, timeout).threads(TestThreads.daemon())
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
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().inFlight() == 1);
        int free = 10 - stage.stats().depth(); // the stuck worker took some of the six
        assertThat(stage.offerAll(range(6, 6 + free + 1))).isEqualTo(Admission.REJECTED); // one too many
        assertThat(stage.offerAll(range(6, 7))).isEqualTo(Admission.ACCEPTED); // a batch that fits still goes in
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 7);
        assertThat(handled).containsExactlyElementsOf(range(0, 7));
        assertThat(stage.stats().rejected()).isEqualTo(free + 1);
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
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().inFlight() == 1);
        int free = 10 - stage.stats().depth();
        assertThat(stage.offerAll(range(8, 8 + free - 2))).isEqualTo(Admission.ACCEPTED); // two places left
        assertThat(stage.offerAll(range(100, 104))).isEqualTo(Admission.DROPPED);
        assertThat(dropped).containsExactlyElementsOf(range(100, 104));
        assertThat(stage.stats().dropped().get(OverflowPolicy.DROP_NEWEST)).isEqualTo(4);
    }

    @Test
    void shouldEvictTheOldestToMakeRoom_underDropOldest() {
        Stage<Integer> stage = stuckStage(OverflowPolicy.DROP_OLDEST, Duration.ZERO);
        stage.offerAll(range(0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().inFlight() == 1);
        // The stuck worker holds the first items (how many depends on timing); the rest wait, oldest first.
        int taken = 10 - stage.stats().depth();
        assertThat(stage.offerAll(range(10, 10 + taken))).isEqualTo(Admission.ACCEPTED); // full now
        List<Integer> waitingOldestFirst = range(taken, 10 + taken);

        assertThat(stage.offerAll(range(100, 104))).isEqualTo(Admission.ACCEPTED);

        assertThat(dropped).containsExactlyElementsOf(waitingOldestFirst.subList(0, 4));
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 10 + taken);
        List<Integer> expected = new java.util.ArrayList<>(range(0, taken));
        expected.addAll(waitingOldestFirst.subList(4, waitingOldestFirst.size()));
        expected.addAll(range(100, 104));
        assertThat(handled).containsExactlyElementsOf(expected);
        assertThat(stage.stats().dropped().get(OverflowPolicy.DROP_OLDEST)).isEqualTo(4);
    }

    @Test
    void shouldWaitForRoomForTheWholeBatch_underBlock() throws Exception {
        Stage<Integer> stage = stuckStage(OverflowPolicy.BLOCK, Duration.ofSeconds(30));
        stage.offerAll(range(0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> stage.stats().inFlight() == 1);
        // The worker holds one batch (how many items it took depends on timing); fill what it left free.
        int free = 10 - stage.stats().depth();
        assertThat(stage.offerAll(range(10, 10 + free))).isEqualTo(Admission.ACCEPTED);
        int next = 10 + free;
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> stage.offerAll(range(next, next + 5)));
        // The only worker is stuck at the gate, so no room can appear: the batch must still be waiting.
        assertThat(waiting).isNotDone();
        gate.countDown();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(Admission.ACCEPTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == next + 5);
        assertThat(handled).containsExactlyElementsOf(range(0, next + 5));
    }
}
