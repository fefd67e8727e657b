package dev.flowcast.metrics;

import dev.flowcast.cluster.EventStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code persistent} store, measured: how long each write takes from call to commit
 * ({@code flowcast.store.write.latency}, successful writes only: a failed one can last up to the store's socket
 * timeout and says nothing about the store's pace) and how many calls fail ({@code flowcast.store.failures}). Every
 * {@code persistent} publish waits for a store write before its {@code 202}, and a failing store turns publishes into
 * {@code 503}: an operator needs both numbers to tell a slow or lost database from a slow Flowcast.
 *
 * <p>Threading: as thread-safe as the store it wraps; the meters are lock-free.
 */
public final class MeteredEventStore implements EventStore {

    private final EventStore store;
    private final FlowcastMetrics metrics;

    public MeteredEventStore(EventStore store, FlowcastMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public void write(List<StoredBatch> batches) {
        if (batches.isEmpty()) {
            return; // nothing written, nothing to time
        }
        long start = System.nanoTime();
        counted(() -> {
            store.write(batches);
            return null;
        });
        metrics.storeWrite((System.nanoTime() - start) / 1_000);
    }

    @Override
    public Optional<StoredTopic> load(String topic, int limit) {
        return counted(() -> store.load(topic, limit));
    }

    @Override
    public String clusterEpoch(String proposed) {
        return counted(() -> store.clusterEpoch(proposed));
    }

    /** Runs one store call, counting it as failed when it throws {@link StoreUnavailable} (rethrown). */
    private <T> T counted(Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreUnavailable e) {
            metrics.storeFailure();
            throw e;
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
