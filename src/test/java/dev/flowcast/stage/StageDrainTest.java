package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drain: queued work finishes within the timeout; past it, what is left is handed back, never lost. */
class StageDrainTest {

    private final List<Integer> handled = new CopyOnWriteArrayList<>();
    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void openTheGate() {
        gate.countDown();
    }

    private Stage.Builder<Integer> builder() {
        return Stage.<Integer>builder("drain").capacity(1000).workers(2).batchSize(4).threads(TestThreads.daemon())
                .handler(handled::addAll);
    }

    @Test
    void shouldFinishQueuedWorkWithinTheTimeout() {
        Stage<Integer> s = builder().keyedBy(i -> i % 3).build();
        for (int i = 0; i < 500; i++) {
            s.offer(i);
        }
        s.start();
        DrainReport<Integer> report = s.drain(Duration.ofSeconds(30));

        assertThat(report.completed()).isTrue();
        assertThat(report.leftover()).isEmpty();
        assertThat(report.stage()).isEqualTo("drain");
        assertThat(handled).hasSize(500);
        assertThat(s.stats().depth()).isZero();
        assertThat(s.stats().inFlight()).isZero();
    }

    @Test
    void shouldReportLeftoverItemsWhenTheTimeoutPasses() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        Stage<Integer> s = builder().handler(batch -> {
            firstBatchStarted.countDown();
            gate.await(); // a handler stuck until the test lets it go
            handled.addAll(batch);
        }).build();
        for (int i = 0; i < 10; i++) {
            s.offer(i);
        }
        s.start(); // queued first, so the first batch is exactly 0..3
        assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();

        DrainReport<Integer> report = s.drain(Duration.ofMillis(50));

        assertThat(report.completed()).isFalse();
        assertThat(report.leftover()).containsExactly(4, 5, 6, 7, 8, 9); // batch 0..3 is in flight
        assertThat(s.stats().inFlight()).isEqualTo(1);
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 4);
        List<Integer> accountedFor = new ArrayList<>(handled);
        accountedFor.addAll(report.leftover());
        assertThat(accountedFor).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(s.stats().inFlight()).isZero();
    }

    @Test
    void shouldRejectOffersOnceDrainBegan() {
        Stage<Integer> s = builder().build();
        s.start();
        s.drain(Duration.ofSeconds(5));
        assertThat(s.offer(1)).isEqualTo(Admission.REJECTED);
        assertThat(s.stats().rejected()).isEqualTo(1);
        assertThat(s.isRunning()).isFalse();
    }

    @Test
    void shouldHandBackEverythingOfAStageNeverStarted() {
        Stage<Integer> s = builder().keyedBy(i -> i % 2).build();
        for (int i = 0; i < 6; i++) {
            s.offer(i);
        }
        DrainReport<Integer> report = s.drain(Duration.ofSeconds(1));
        assertThat(report.completed()).isFalse();
        assertThat(report.leftover()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(handled).isEmpty();
    }

    @Test
    void shouldWakeBlockedProducersWhenDrainBegins() throws Exception {
        Stage<Integer> s = builder().capacity(1).overflow(OverflowPolicy.BLOCK, Duration.ofMinutes(5)).build();
        s.offer(1); // full, and never started: nothing frees the slot
        CompletableFuture<Admission> blocked = CompletableFuture.supplyAsync(() -> s.offer(2));
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5)).until(() -> !blocked.isDone());

        DrainReport<Integer> report = s.drain(Duration.ZERO);

        assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(Admission.REJECTED);
        assertThat(report.leftover()).containsExactly(1);
    }

    @Test
    void shouldReturnAnEmptyCompletedReportWhenDrainedTwice() {
        Stage<Integer> s = builder().build();
        s.start();
        s.offer(1);
        s.drain(Duration.ofSeconds(5));
        DrainReport<Integer> again = s.drain(Duration.ofSeconds(5));
        assertThat(again.completed()).isTrue();
        assertThat(again.leftover()).isEmpty();
    }

    @Test
    void shouldKeepPerKeyOrderInTheLeftover() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Stage<Integer> s = builder().batchSize(1).workers(1).keyedBy(i -> i % 2).handler(batch -> {
            started.countDown();
            gate.await();
        }).build();
        s.start();
        for (int i = 0; i < 8; i++) {
            s.offer(i);
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        List<Integer> leftover = s.drain(Duration.ofMillis(20)).leftover();
        assertThat(leftover.stream().filter(i -> i % 2 == 0)).isSorted();
        assertThat(leftover.stream().filter(i -> i % 2 == 1)).isSorted();
        assertThat(leftover).hasSize(7);
    }
}
