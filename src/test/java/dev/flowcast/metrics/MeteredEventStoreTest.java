package dev.flowcast.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowcast.cluster.EventStore;
import dev.flowcast.cluster.JdbcEventStore;
import dev.flowcast.event.Event;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's meters around a real store (an H2 file), and around one that has gone away (closed pool). */
class MeteredEventStoreTest {

    final FlowcastMetrics metrics = new FlowcastMetrics();

    @TempDir
    Path dir;

    @Test
    void eachWrite_isTimed_andNothingCountsAsFailed() {
        try (EventStore store = new MeteredEventStore(open(), metrics)) {
            store.write(List.of(batch(1), batch(2)));
            store.write(List.of(batch(3)));
            store.write(List.of()); // nothing to write: not a write

            assertThat(store.load("t", 10).orElseThrow().newestSeq()).isEqualTo(3);
            assertThat(metrics.storeWriteLatency().recent(System.nanoTime()).getTotalCount()).isEqualTo(2);
            assertThat(metrics.storeWriteLatency().recorded()).isEqualTo(2);
            assertThat(metrics.storeFailuresCount()).isZero();
        }
    }

    @Test
    void aStoreThatFails_countsEachFailedCall_rethrowsIt_andTimesNothing() {
        JdbcEventStore gone = open();
        EventStore store = new MeteredEventStore(gone, metrics);
        gone.close(); // every call now fails as a lost database does: StoreUnavailable

        assertThatThrownBy(() -> store.write(List.of(batch(1)))).isInstanceOf(EventStore.StoreUnavailable.class);
        assertThatThrownBy(() -> store.load("t", 10)).isInstanceOf(EventStore.StoreUnavailable.class);
        assertThatThrownBy(() -> store.clusterEpoch("e")).isInstanceOf(EventStore.StoreUnavailable.class);

        assertThat(metrics.storeFailuresCount()).isEqualTo(3);
        assertThat(metrics.storeWriteLatency().recent(System.nanoTime()).getTotalCount()).isZero();
    }

    private JdbcEventStore open() {
        return JdbcEventStore.open("jdbc:h2:file:" + dir.resolve("store"), "sa", "", 2, 8);
    }

    private static EventStore.StoredBatch batch(long seq) {
        return new EventStore.StoredBatch("t", "ep0ch", List.of(new Event("id-" + seq, "t", "{}", 1_000 + seq, seq)));
    }
}
