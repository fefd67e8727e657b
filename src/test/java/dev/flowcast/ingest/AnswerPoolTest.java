package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AnswerPoolTest {

    @Test
    void answersAreWrittenOnThePoolsThreads_notOnTheThreadThatCompletedThePublish() throws Exception {
        AnswerPool pool = new AnswerPool(Thread::new, 2);
        CompletableFuture<String> done = new CompletableFuture<>();
        CompletableFuture<String> writtenBy = done.thenApplyAsync(x -> Thread.currentThread().getName(), pool);

        done.complete("202");

        assertThat(writtenBy.get(10, TimeUnit.SECONDS)).startsWith("flowcast-answers-")
                .isNotEqualTo(Thread.currentThread().getName());
        assertThat(pool.close(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void whenTheQueueIsFull_theCompletingThreadWritesTheAnswerItself_noneIsDropped() throws Exception {
        HeldThreads held = new HeldThreads();
        AnswerPool pool = new AnswerPool(held, 1, 2);
        List<String> writers = new CopyOnWriteArrayList<>();
        String caller = Thread.currentThread().getName();
        for (int i = 0; i < 5; i++) { // the one thread is held before it takes any: 2 queued, 3 over the bound
            pool.execute(() -> writers.add(Thread.currentThread().getName()));
        }
        assertThat(writers).as("the three beyond the bound, written at once by the caller")
                .containsExactly(caller, caller, caller);

        try (HeldThreads.Released go = held.release()) {
            assertThat(pool.close(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(writers).hasSize(5);
    }

    @Test
    void afterClose_answersAreStillWritten_byTheCompletingThread() {
        AnswerPool pool = new AnswerPool(Thread::new, 1);
        assertThat(pool.close(Duration.ofSeconds(10))).isTrue();
        List<String> writers = new CopyOnWriteArrayList<>();

        pool.execute(() -> writers.add(Thread.currentThread().getName()));

        assertThat(writers).containsExactly(Thread.currentThread().getName());
    }
}
