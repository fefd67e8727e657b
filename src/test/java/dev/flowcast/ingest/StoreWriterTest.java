package dev.flowcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store writer with a store whose writes the test holds or fails: the caller does not wait for the store, calls
 * queued during a write go into the next one together, calls finish in queue order after their write, a failed write
 * is held and written again (alone, on a timer, or with the next call) until the store takes it, past
 * {@link StoreWriter#MAX_PENDING} the caller waits, and closing answers what is still queued as not stored.
 */
class StoreWriterTest {

    private StoreWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    /** A store whose writes wait for a permit (when held) or fail (when down), and which records what it took. */
    private static final class TestStore implements EventStore {
        final List<List<String>> written = new CopyOnWriteArrayList<>(); // topics of each write that succeeded
        final Semaphore permits = new Semaphore(Integer.MAX_VALUE);
        final AtomicBoolean down = new AtomicBoolean();
        volatile int attempts;

        void hold() {
            permits.drainPermits();
        }

        void letThrough(int writes) {
            permits.release(writes);
        }

        @Override
        public void write(List<StoredBatch> batches) {
            attempts++;
            permits.acquireUninterruptibly();
            if (down.get()) {
                throw new StoreUnavailable("down", null);
            }
            written.add(batches.stream().map(StoredBatch::topic).toList());
        }

        @Override
        public Optional<StoredTopic> load(String topic, int limit) {
            return Optional.empty();
        }

        @Override
        public String clusterEpoch(String proposed) {
            return proposed;
        }

        @Override
        public void close() {
        }
    }

    /** A call of one topic batch that records, in a shared list, when it finished and how. */
    private record TestCall(String topic, List<String> finished) implements StoreWriter.Call {
        @Override
        public List<StoredBatch> batches() {
            return List.of(new StoredBatch(topic, "e1", List.of(Event.accepted("id-" + topic, topic, "1", 1).withSeq(1))));
        }

        @Override
        public void done(boolean stored) {
            finished.add(topic + (stored ? ":stored" : ":refused"));
        }
    }

    @Test
    void callsQueuedDuringAWrite_goIntoTheNextWriteTogether_andFinishInQueueOrder() throws Exception {
        TestStore store = new TestStore();
        List<String> finished = new CopyOnWriteArrayList<>();
        writer = new StoreWriter(store).start(Thread::new);
        store.hold();

        writer.write(new TestCall("a", finished)); // its write waits in the store
        await().atMost(Duration.ofSeconds(10)).until(() -> store.attempts == 1);
        writer.write(new TestCall("b", finished)); // the caller does not wait for the store
        writer.write(new TestCall("c", finished));
        assertThat(finished).as("nothing finishes before its write").isEmpty();

        store.letThrough(2);
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(store.written).containsExactly(List.of("a"), List.of("b", "c"));
        assertThat(finished).containsExactly("a:stored", "b:stored", "c:stored");
    }

    @Test
    void aFailedWrite_refusesItsCalls_andIsWrittenAgainOnceTheStoreIsBack_evenWithoutANewCall() throws Exception {
        TestStore store = new TestStore();
        List<String> finished = new CopyOnWriteArrayList<>();
        writer = new StoreWriter(store).start(Thread::new);
        store.down.set(true);

        writer.write(new TestCall("lost-for-now", finished));
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(finished).containsExactly("lost-for-now:refused");
        assertThat(writer.storeFailing()).isTrue();
        int attempts = store.attempts;
        await().atMost(Duration.ofSeconds(10)).until(() -> store.attempts > attempts); // tried again on its own

        store.down.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !writer.storeFailing());
        assertThat(store.written).containsExactly(List.of("lost-for-now"));

        writer.write(new TestCall("next", finished));
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(store.written).as("the held batch is not written twice").containsExactly(List.of("lost-for-now"),
                List.of("next"));
    }

    @Test
    void aHeldBatch_goesFirstInTheSameWriteAsTheCallsAfterIt() throws Exception {
        TestStore store = new TestStore();
        List<String> finished = new CopyOnWriteArrayList<>();
        writer = new StoreWriter(store).start(Thread::new);
        store.down.set(true);
        writer.write(new TestCall("first", finished));
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();

        store.hold(); // the next attempt waits in the store: queue a call behind it, then let the store recover
        await().atMost(Duration.ofSeconds(10)).until(() -> store.permits.hasQueuedThreads());
        writer.write(new TestCall("second", finished));
        store.down.set(false);
        store.letThrough(Integer.MAX_VALUE / 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> finished.contains("second:stored"));
        List<String> topics = new ArrayList<>();
        store.written.forEach(topics::addAll);
        assertThat(topics).containsExactly("first", "second"); // one statement or two, never second before first
    }

    @Test
    void pastMaxPendingCalls_theCallerWaitsForRoom() throws Exception {
        TestStore store = new TestStore();
        List<String> finished = new CopyOnWriteArrayList<>();
        writer = new StoreWriter(store).start(Thread::new);
        store.hold();
        writer.write(new TestCall("in-the-store", finished));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.attempts == 1);
        for (int i = 0; i < StoreWriter.MAX_PENDING; i++) {
            writer.write(new TestCall("queued-" + i, finished));
        }
        AtomicBoolean queued = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                writer.write(new TestCall("one-too-many", finished));
                queued.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        caller.start();

        // parked on the bound (a writer that did not wait would have finished: TERMINATED, queued true)
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);
        assertThat(queued).isFalse();
        store.letThrough(Integer.MAX_VALUE / 2);
        await().atMost(Duration.ofSeconds(10)).untilTrue(queued);
        assertThat(writer.awaitWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(finished).hasSize(StoreWriter.MAX_PENDING + 2).allMatch(f -> f.endsWith(":stored"));
    }

    @Test
    void closing_answersTheCallsStillQueuedAsNotStored() throws Exception {
        TestStore store = new TestStore();
        List<String> finished = new CopyOnWriteArrayList<>();
        writer = new StoreWriter(store).start(Thread::new);
        store.hold();
        writer.write(new TestCall("in-the-store", finished));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.attempts == 1);
        writer.write(new TestCall("queued", finished));
        assertThat(writer.awaitWritten(Duration.ofMillis(1))).isFalse();

        Thread closing = new Thread(writer::close);
        closing.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> finished.contains("queued:refused"));
        store.letThrough(1); // the write in progress ends; its call is answered as the store says
        closing.join(10_000);
        assertThat(finished).containsExactlyInAnyOrder("queued:refused", "in-the-store:stored");
        writer.write(new TestCall("after-close", finished));
        assertThat(finished).contains("after-close:refused");
    }
}
