package dev.flowcast.cluster;

import dev.flowcast.event.Event;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code persistent} durability writes numbered events before their {@code 202}, shared by every member, and
 * where a restarted cluster reads each topic's seq, epoch and history back from.
 *
 * <p>{@link JdbcEventStore} in the app (PostgreSQL, or H2 for one node). Implementations are thread-safe and block
 * for a database round trip; every failure is a {@link StoreUnavailable}.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Writes numbered batches in one transaction, idempotently (a batch written twice is stored once).
     *
     * @throws StoreUnavailable when the store cannot be reached or refuses the write
     */
    void write(List<StoredBatch> batches);

    /**
     * A topic as the store has it: epoch, newest seq and up to {@code limit} newest events; empty when it was never
     * published.
     */
    Optional<StoredTopic> load(String topic, int limit);

    /** The cluster epoch: the stored one, or {@code proposed} stored now when there is none yet. */
    String clusterEpoch(String proposed);

    @Override
    void close();

    /** One topic's numbered events and the epoch of its history. */
    record StoredBatch(String topic, String epoch, List<Event> events) {
    }

    /** A topic read back from the store. */
    record StoredTopic(String epoch, long newestSeq, List<HistoryEntry> entries) {
    }

    /** The store could not be reached or refused a statement: publishes answer 503, never lose silently. */
    final class StoreUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
