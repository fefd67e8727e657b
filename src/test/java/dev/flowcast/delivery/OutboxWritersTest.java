package dev.flowcast.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowcast.stage.TestThreads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writers' lag: what holds publishers back when the server has more to write than its writers get done. */
class OutboxWritersTest {

    private final OutboxWriters writers = new OutboxWriters(1, 16, TestThreads.daemon());
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        writers.stop();
    }

    @Test
    void noLag_whenEveryWriterHasCaughtUp() {
        writers.start();
        Outbox outbox = outbox(new CompletingSink());
        outbox.offer(Chunk.control("{\"type\":\"pong\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> writers.lagMillis() == 0);
    }

    @Test
    void lagGrows_whileAnOutboxWaitsForItsWriter_andFallsToZeroOnceTaken() {
        writers.start();
        // the writer's send blocks (a writer stuck in a call, or one that gets no CPU) …
        outbox(new BlockingSink()).offer(Chunk.control("{\"type\":\"pong\"}"));
        // … so the next outbox pinned to it waits, and the lag grows with its wait
        outbox(new CompletingSink()).offer(Chunk.control("{\"type\":\"pong\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> writers.lagMillis() >= 150);
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> writers.lagMillis() == 0);
    }

    @Test
    void aSocketThatDoesNotDrain_isNoLag() {
        writers.start();
        // a send that never completes (the peer stopped reading): the outbox waits for its socket, not for a writer
        Outbox stuck = outbox(new NeverCompletingSink());
        stuck.offer(Chunk.control("{\"type\":\"pong\"}"));
        stuck.offer(Chunk.control("{\"type\":\"pong\"}"));
        Outbox healthy = outbox(new CompletingSink());
        healthy.offer(Chunk.control("{\"type\":\"pong\"}"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30)).until(() -> writers.lagMillis() == 0);
    }

    private Outbox outbox(FrameSink sink) {
        return new Outbox(sink, 100, 1 << 20, DeliveryObserver.NONE, writers.writerFor(0));
    }

    private static class CompletingSink implements FrameSink {
        @Override
        public void sendAsync(String message, Consumer<Throwable> done) {
            done.accept(null);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public void abort() {
        }
    }

    private final class BlockingSink extends CompletingSink {
        @Override
        public void sendAsync(String message, Consumer<Throwable> done) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.accept(null);
        }
    }

    private static final class NeverCompletingSink extends CompletingSink {
        @Override
        public void sendAsync(String message, Consumer<Throwable> done) {
            // the completion never comes
        }
    }
}
