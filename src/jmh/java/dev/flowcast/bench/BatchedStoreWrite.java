package dev.flowcast.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The baseline of {@link StoreWriteBenchmark}: {@code JdbcEventStore.write} on PostgreSQL as it was before commit
 * "store write in one round trip" — three {@code executeBatch} (insert, topics' upsert, bounded prune) and a commit
 * in one transaction, four round trips. Kept here only, to measure against.
 *
 * <p>Threading: thread-safe, one pooled connection per call (as the store).
 */
final class BatchedStoreWrite {

    private final HikariDataSource pool;
    private final int historySize;

    BatchedStoreWrite(HikariDataSource pool, int historySize) {
        this.pool = pool;
        this.historySize = historySize;
    }

    void write(List<StoredBatch> batches) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement events = c.prepareStatement("INSERT INTO flowcast_events "
                    + "(topic, seq, id, data, accepted_micros) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
                 PreparedStatement topics = c.prepareStatement("INSERT INTO flowcast_topics (topic, epoch, newest_seq) "
                         + "VALUES (?, ?, ?) ON CONFLICT (topic) DO UPDATE "
                         + "SET newest_seq = GREATEST(flowcast_topics.newest_seq, EXCLUDED.newest_seq)");
                 PreparedStatement prune = c.prepareStatement(
                         "DELETE FROM flowcast_events WHERE topic = ? AND seq > ? AND seq <= ?")) {
                for (StoredBatch batch : batches) {
                    long newest = 0;
                    long oldest = Long.MAX_VALUE;
                    for (Event event : batch.events()) {
                        events.setString(1, batch.topic());
                        events.setLong(2, event.seq());
                        events.setString(3, event.id());
                        events.setString(4, event.data());
                        events.setLong(5, event.acceptedMicros());
                        events.addBatch();
                        newest = Math.max(newest, event.seq());
                        oldest = Math.min(oldest, event.seq());
                    }
                    topics.setString(1, batch.topic());
                    topics.setString(2, batch.epoch());
                    topics.setLong(3, newest);
                    topics.addBatch();
                    if (newest > historySize) {
                        prune.setString(1, batch.topic());
                        prune.setLong(2, Math.max(0, oldest - 1 - historySize));
                        prune.setLong(3, newest - historySize);
                        prune.addBatch();
                    }
                }
                events.executeBatch();
                topics.executeBatch();
                prune.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
