package dev.flowcast.stage;

/** The contract over {@link StageQueue#inMemory} (an {@code ArrayBlockingQueue}). */
class InMemoryStageQueueTest extends StageQueueContractTest {

    @Override
    protected StageQueue<String> newQueue(int capacity) {
        return StageQueue.inMemory(capacity);
    }
}
