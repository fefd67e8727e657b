package dev.flowcast.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * The contract over {@link StageQueue#over} a bounded {@code LinkedBlockingQueue}, plus what only {@code over} does.
 */
class BlockingQueueStageQueueTest extends StageQueueContractTest {

    @Override
    protected StageQueue<String> newQueue(int capacity) {
        return StageQueue.over(new LinkedBlockingQueue<>(capacity), capacity);
    }

    @Test
    void shouldRefuseAnUnboundedQueue() {
        assertThatThrownBy(() -> StageQueue.over(new LinkedBlockingQueue<String>(), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unbounded");
    }

    @Test
    void shouldRefuseAQueueLargerThanTheDeclaredCapacity() {
        assertThatThrownBy(() -> StageQueue.over(new LinkedBlockingQueue<String>(20), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the declared capacity");
    }

    @Test
    void shouldHandleItemsAlreadyInADurableQueueAfterStart() throws InterruptedException {
        LinkedBlockingQueue<String> survivor = new LinkedBlockingQueue<>(5);
        survivor.add("left-1");
        survivor.add("left-2");
        List<String> handled = new ArrayList<>();
        Stage<String> s = Stage.<String>builder("recovered")
                .queue(StageQueue.over(survivor, 5))
                .threads(TestThreads.daemon())
                .handler(handled::addAll)
                .build();
        assertThat(s.stats().depth()).isEqualTo(2);
        s.offer("new");
        s.start();
        assertThat(s.drain(java.time.Duration.ofSeconds(10)).completed()).isTrue();
        assertThat(handled).containsExactly("left-1", "left-2", "new");
    }
}
