package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Queue semantics and every overflow policy, written once and run against each queue kind: a subclass supplies
 * {@link #newQueue(int)} (in-memory, any bounded {@code BlockingQueue}, later a Hazelcast {@code IQueue}).
 *
 * <p>Fullness is produced without timing: a stage that is not started yet queues but runs nothing.
 */
abstract class StageQueueContractTest {

    /** A fresh, empty queue of exactly {@code capacity}. */
    protected abstract StageQueue<String> newQueue(int capacity);

    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();

    private Stage<String> stage(int capacity, OverflowPolicy policy, Duration offerTimeout) {
        return Stage.<String>builder("contract")
                .queue(newQueue(capacity))
                .overflow(policy, offerTimeout)
                .workers(2)
                .batchSize(4)
                .threads(TestThreads.daemon())
                .handler(handled::addAll)
                .onDrop((item, why) -> dropped.add(why.settingName() + ":" + item))
                .build();
    }

    // ---- the queue itself

    @Test
    void shouldReportCapacityAndSize() {
        StageQueue<String> q = newQueue(3);
        assertThat(q.capacity()).isEqualTo(3);
        assertThat(q.size()).isZero();
        q.offer("a", 1);
        q.offer("b", 2);
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void shouldRefuseOfferWhenFull() {
        StageQueue<String> q = newQueue(2);
        assertThat(q.offer("a", 1)).isTrue();
        assertThat(q.offer("b", 2)).isTrue();
        assertThat(q.offer("c", 3)).isFalse();
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void shouldDrainInFifoOrderWithTheirStamps() {
        StageQueue<String> q = newQueue(5);
        for (int i = 0; i < 5; i++) {
            q.offer("i" + i, 100 + i);
        }
        List<String> out = new ArrayList<>();
        int n = q.drainTo((item, stamp) -> out.add(item + "@" + stamp), 3);
        assertThat(n).isEqualTo(3);
        assertThat(out).containsExactly("i0@100", "i1@101", "i2@102");
        assertThat(q.size()).isEqualTo(2);
        q.drainTo((item, stamp) -> out.add(item + "@" + stamp), 10);
        assertThat(out).endsWith("i3@103", "i4@104");
    }

    @Test
    void shouldDrainNothingFromAnEmptyQueue() {
        assertThat(newQueue(2).drainTo((item, stamp) -> { }, 5)).isZero();
    }

    @Test
    void shouldKeepStampsPairedAfterARefusedOffer() {
        StageQueue<String> q = newQueue(1);
        q.offer("a", 1);
        assertThat(q.offer("b", 2)).isFalse();
        List<String> out = new ArrayList<>();
        q.drainTo((item, stamp) -> out.add(item + "@" + stamp), 1);
        q.offer("c", 3);
        q.drainTo((item, stamp) -> out.add(item + "@" + stamp), 1);
        assertThat(out).containsExactly("a@1", "c@3");
    }

    // ---- overflow policies on a stage over this queue

    @Test
    void shouldRejectAtOnceWhenFull() {
        Stage<String> s = stage(2, OverflowPolicy.REJECT, Duration.ZERO);
        assertThat(s.offer("a")).isEqualTo(Admission.ACCEPTED);
        assertThat(s.offer("b")).isEqualTo(Admission.ACCEPTED);
        assertThat(s.offer("c")).isEqualTo(Admission.REJECTED);
        StageStats stats = s.stats();
        assertThat(stats.rejected()).isEqualTo(1);
        assertThat(stats.in()).isEqualTo(2);
        assertThat(stats.depth()).isEqualTo(2);
        assertThat(dropped).isEmpty();
        assertThat(s.stop().leftover()).containsExactly("a", "b");
    }

    @Test
    void shouldRejectAfterTheOfferTimeoutUnderBlock() {
        Stage<String> s = stage(1, OverflowPolicy.BLOCK, Duration.ofMillis(20));
        s.offer("a");
        assertThat(s.offer("b")).isEqualTo(Admission.REJECTED);
        assertThat(s.stats().rejected()).isEqualTo(1);
        s.stop();
    }

    @Test
    void shouldBlockUntilRoomThenAcceptUnderBlock() throws Exception {
        Stage<String> s = stage(1, OverflowPolicy.BLOCK, Duration.ofMinutes(1));
        s.offer("a");
        CompletableFuture<Admission> blocked = CompletableFuture.supplyAsync(() -> s.offer("b"));
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5)).until(() -> !blocked.isDone());
        s.start(); // a worker takes "a": a slot frees and the blocked producer gets it
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(Admission.ACCEPTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 2);
        assertThat(handled).containsExactly("a", "b");
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
    }

    @Test
    void shouldDropOldestWhenFull() {
        Stage<String> s = stage(3, OverflowPolicy.DROP_OLDEST, Duration.ZERO);
        s.offer("a");
        s.offer("b");
        s.offer("c");
        assertThat(s.offer("d")).isEqualTo(Admission.ACCEPTED);
        assertThat(s.offer("e")).isEqualTo(Admission.ACCEPTED);
        assertThat(dropped).containsExactly("drop-oldest:a", "drop-oldest:b");
        StageStats stats = s.stats();
        assertThat(stats.dropped()).containsEntry(OverflowPolicy.DROP_OLDEST, 2L)
                .containsEntry(OverflowPolicy.DROP_NEWEST, 0L);
        assertThat(stats.depth()).isEqualTo(3);
        s.start();
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).containsExactly("c", "d", "e");
    }

    @Test
    void shouldDropNewestWhenFull() {
        Stage<String> s = stage(2, OverflowPolicy.DROP_NEWEST, Duration.ZERO);
        s.offer("a");
        s.offer("b");
        assertThat(s.offer("c")).isEqualTo(Admission.DROPPED);
        assertThat(dropped).containsExactly("drop-newest:c");
        assertThat(s.stats().dropped()).containsEntry(OverflowPolicy.DROP_NEWEST, 1L);
        s.start();
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).containsExactly("a", "b");
    }

    @Test
    void shouldNeverHoldMoreThanCapacityWhateverThePolicy() {
        for (OverflowPolicy policy : OverflowPolicy.values()) {
            Stage<String> s = stage(4, policy, Duration.ofMillis(1));
            for (int i = 0; i < 20; i++) {
                s.offer(policy + "-" + i);
                assertThat(s.stats().depth()).isLessThanOrEqualTo(4);
            }
            assertThat(s.stop().leftover()).hasSize(4);
        }
    }

    @Test
    void shouldProcessEverythingAcceptedInOrderOnceStarted() {
        Stage<String> s = stage(100, OverflowPolicy.REJECT, Duration.ZERO);
        s.start();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("x" + i);
            assertThat(s.offer("x" + i)).isEqualTo(Admission.ACCEPTED);
        }
        assertThat(s.drain(Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).containsExactlyElementsOf(expected); // no key: one FIFO lane
    }
}
