package dev.flowcast.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flowcast.stage.Admission;
import dev.flowcast.stage.Stage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import dev.flowcast.stage.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness's rule against real stages: a stage stalled on purpose (its handler blocks on a latch) is reported. */
class StallCheckTest {

    static final Duration THRESHOLD = Duration.ofMillis(200);

    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final StallCheck check = new StallCheck(THRESHOLD);

    Stage<String> stage(String name, boolean blocking) {
        Stage<String> stage = Stage.<String>builder(name)
                .capacity(100)
                .workers(1)
                .threads(TestThreads.daemon())
                .handler(batch -> {
                    if (blocking) {
                        entered.countDown();
                        release.await(); // stalled on purpose until the test releases it
                    }
                })
                .build();
        stage.start();
        return stage;
    }

    @AfterEach
    void tearDown() {
        release.countDown();
    }

    @Test
    void anIdleStage_isNeverStalled() {
        Stage<String> idle = stage("idle", false);
        await().pollDelay(THRESHOLD.multipliedBy(2)).atMost(Duration.ofSeconds(5))
                .until(() -> check.stalls(List.of(idle)).isEmpty());
    }

    @Test
    void whenAStageHasWorkAndMakesNoProgress_pastTheThreshold_thenItIsStalled_andNamed() throws Exception {
        Stage<String> stuck = stage("stuck", true);
        Stage<String> fine = stage("fine", false);
        assertThat(stuck.offer("a")).isEqualTo(Admission.ACCEPTED);
        entered.await(); // "a" is in the handler, which blocks
        assertThat(stuck.offer("b")).isEqualTo(Admission.ACCEPTED); // queued behind it
        assertThat(fine.offer("x")).isEqualTo(Admission.ACCEPTED);

        List<StallCheck.Stall> stalls = await().atMost(Duration.ofSeconds(10))
                .until(() -> check.stalls(List.of(stuck, fine)), s -> !s.isEmpty());

        assertThat(stalls).hasSize(1);
        StallCheck.Stall stall = stalls.get(0);
        assertThat(stall.stage()).isEqualTo("stuck");
        assertThat(stall.sinceLastProgress()).isGreaterThan(THRESHOLD);
        assertThat(stall.inFlight()).isEqualTo(1);
        assertThat(stall.depth()).isEqualTo(1);
    }

    @Test
    void whenTheStalledStageMovesAgain_thenItIsNoLongerStalled() throws Exception {
        Stage<String> stuck = stage("stuck", true);
        stuck.offer("a");
        entered.await();
        await().atMost(Duration.ofSeconds(10)).until(() -> !check.stalls(List.of(stuck)).isEmpty());

        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> check.stalls(List.of(stuck)).isEmpty());
    }

    @Test
    void stagesNotBuiltYet_areSkipped() {
        assertThat(check.stalls(java.util.Arrays.asList(null, null))).isEmpty();
    }

    @Test
    void shouldRefuseANonPositiveThreshold() {
        assertThatThrownBy(() -> new StallCheck(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
