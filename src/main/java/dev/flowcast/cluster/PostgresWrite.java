package dev.flowcast.cluster;

import dev.flowcast.cluster.EventStore.StoredBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link JdbcEventStore#write} on PostgreSQL as a single statement, so that it costs one round trip: the ring
 * slots' upsert and the topics' upsert are data-modifying CTEs fed by arrays ({@link RingRows}), run in autocommit
 * (the statement is its own transaction, so all of it lands or none).
 *
 * <p>An event overwrites the slot of the event {@code historySize} seqs before it, only forward ({@code WHERE seq <
 * EXCLUDED.seq}: a batch written again, or a late one, changes nothing). No row is ever deleted: the earlier schema
 * inserted every event and deleted the one that fell out of the history, which cost PostgreSQL about 8 times the CPU
 * of this update per write once autovacuum is counted (2–3 times without it), and left ~430 000 dead rows a minute
 * for autovacuum at 10 000 events/s (docs/benchmarks.md § Tenth pass).
 *
 * <p>Threading: one instance per call, built and used on the calling thread.
 */
final class PostgresWrite {

    static final String SQL = "WITH ring AS ("
            + "INSERT INTO flowcast_ring (topic, slot, seq, id, data, accepted_micros) "
            + "SELECT * FROM unnest(?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::bigint[]) "
            + "ON CONFLICT (topic, slot) DO UPDATE SET seq = EXCLUDED.seq, id = EXCLUDED.id, data = EXCLUDED.data, "
            + "accepted_micros = EXCLUDED.accepted_micros WHERE flowcast_ring.seq < EXCLUDED.seq), "
            + "up AS ("
            + "INSERT INTO flowcast_topics (topic, epoch, newest_seq) SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) "
            + "ON CONFLICT (topic) DO UPDATE SET newest_seq = GREATEST(flowcast_topics.newest_seq, EXCLUDED.newest_seq)) "
            + "SELECT 1";

    private final RingRows rows;

    PostgresWrite(List<StoredBatch> batches, int historySize) {
        this.rows = new RingRows(batches, historySize);
    }

    /** Sets the parameters of a statement prepared from {@link #SQL}. */
    void bind(Connection c, PreparedStatement s) throws SQLException {
        int n = rows.rows().size();
        List<String> topics = new ArrayList<>(n);
        List<Integer> slots = new ArrayList<>(n);
        List<Long> seqs = new ArrayList<>(n);
        List<String> ids = new ArrayList<>(n);
        List<String> data = new ArrayList<>(n);
        List<Long> acceptedMicros = new ArrayList<>(n);
        for (RingRows.Row row : rows.rows()) {
            topics.add(row.topic());
            slots.add(row.slot());
            seqs.add(row.event().seq());
            ids.add(row.event().id());
            data.add(row.event().data());
            acceptedMicros.add(row.event().acceptedMicros());
        }
        List<String> headTopics = new ArrayList<>(rows.heads().size());
        List<String> epochs = new ArrayList<>(rows.heads().size());
        List<Long> newest = new ArrayList<>(rows.heads().size());
        rows.heads().forEach((topic, head) -> {
            headTopics.add(topic);
            epochs.add(head.epoch());
            newest.add(head.newestSeq());
        });
        int i = 1;
        s.setArray(i++, c.createArrayOf("text", topics.toArray()));
        s.setArray(i++, c.createArrayOf("int4", slots.toArray()));
        s.setArray(i++, c.createArrayOf("bigint", seqs.toArray()));
        s.setArray(i++, c.createArrayOf("text", ids.toArray()));
        s.setArray(i++, c.createArrayOf("text", data.toArray()));
        s.setArray(i++, c.createArrayOf("bigint", acceptedMicros.toArray()));
        s.setArray(i++, c.createArrayOf("text", headTopics.toArray()));
        s.setArray(i++, c.createArrayOf("text", epochs.toArray()));
        s.setArray(i, c.createArrayOf("bigint", newest.toArray()));
    }
}
