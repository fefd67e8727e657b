package dev.flowcast.cluster;

import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link JdbcEventStore#write} on PostgreSQL as a single statement, so that it costs one round trip: the events'
 * insert, the topics' upsert and the prune are data-modifying CTEs fed by arrays, run in autocommit (the statement is
 * its own transaction, so all of it lands or none).
 *
 * <p>Same outcome as inserting, upserting and pruning one after the other in one transaction, although every CTE
 * sees the snapshot taken before the statement:
 * <ul>
 *   <li>the prune cannot see this statement's inserts, so an event that its own call prunes at once (a batch longer
 *       than the history) is left out of the insert instead;</li>
 *   <li>{@code ON CONFLICT DO UPDATE} may touch a row only once per statement, so a topic that comes twice in one
 *       call (the sequencer's held batches, written again after the store came back) is folded first: the first
 *       batch's epoch (the one the row would keep on conflict) and the greatest newest seq;</li>
 *   <li>the prune names each row it deletes, (topic, seq) for the seqs that each batch pushes out of the history
 *       (as many as the batch has events, at most): one primary-key probe per row. Not {@code seq <= hi}, which
 *       walks every dead index entry of the topic's earlier deletes (until a vacuum) and makes each write slower
 *       than the last; and not one range per batch ({@code seq > lo AND seq <= hi}) either: PostgreSQL estimates
 *       a hundred rows per range, and from about twenty ranges in one statement (a call carrying many topics)
 *       plans a sequential scan of the whole table, 22 ms at 100 000 rows against 0.3 ms for the probes
 *       (docs/benchmarks.md § Ninth pass). Named rows are estimated at one each: still probes at 500 rows
 *       (2.6 ms), more than one call carries ({@code Ingest}'s batch size). A row named twice is deleted once.</li>
 * </ul>
 *
 * <p>Threading: one instance per call, built and used on the calling thread.
 */
final class PostgresWrite {

    static final String SQL = "WITH ins AS ("
            + "INSERT INTO flowcast_events (topic, seq, id, data, accepted_micros) "
            + "SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[]) ON CONFLICT DO NOTHING), "
            + "up AS ("
            + "INSERT INTO flowcast_topics (topic, epoch, newest_seq) SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) "
            + "ON CONFLICT (topic) DO UPDATE SET newest_seq = GREATEST(flowcast_topics.newest_seq, EXCLUDED.newest_seq)), "
            + "del AS ("
            + "DELETE FROM flowcast_events e USING unnest(?::text[], ?::bigint[]) AS p(topic, seq) "
            + "WHERE e.topic = p.topic AND e.seq = p.seq) "
            + "SELECT 1";

    private final List<String> eventTopics = new ArrayList<>();
    private final List<Long> seqs = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<String> data = new ArrayList<>();
    private final List<Long> acceptedMicros = new ArrayList<>();
    private final Map<String, Head> heads = new LinkedHashMap<>();
    private final List<String> pruneTopics = new ArrayList<>();
    private final List<Long> pruneSeqs = new ArrayList<>();

    /** A topic's row in {@code flowcast_topics} as this call writes it. */
    private record Head(String epoch, long newestSeq) {
    }

    PostgresWrite(List<StoredBatch> batches, int historySize) {
        Map<String, List<long[]>> prunedByTopic = new HashMap<>();
        for (StoredBatch batch : batches) {
            long newest = 0;
            long oldest = Long.MAX_VALUE;
            for (Event event : batch.events()) {
                newest = Math.max(newest, event.seq());
                oldest = Math.min(oldest, event.seq());
            }
            heads.merge(batch.topic(), new Head(batch.epoch(), newest),
                    (first, next) -> new Head(first.epoch(), Math.max(first.newestSeq(), next.newestSeq())));
            if (newest > historySize) {
                long above = Math.max(0, oldest - 1 - historySize);
                long upTo = newest - historySize;
                for (long seq = above + 1; seq <= upTo; seq++) { // as many as the batch has events, at most
                    pruneTopics.add(batch.topic());
                    pruneSeqs.add(seq);
                }
                prunedByTopic.computeIfAbsent(batch.topic(), t -> new ArrayList<>()).add(new long[] {above, upTo});
            }
        }
        for (StoredBatch batch : batches) {
            List<long[]> pruned = prunedByTopic.getOrDefault(batch.topic(), List.of());
            for (Event event : batch.events()) {
                if (!within(pruned, event.seq())) {
                    eventTopics.add(batch.topic());
                    seqs.add(event.seq());
                    ids.add(event.id());
                    data.add(event.data());
                    acceptedMicros.add(event.acceptedMicros());
                }
            }
        }
    }

    private static boolean within(List<long[]> ranges, long seq) {
        for (long[] range : ranges) {
            if (seq > range[0] && seq <= range[1]) {
                return true;
            }
        }
        return false;
    }

    /** Sets the parameters of a statement prepared from {@link #SQL}. */
    void bind(Connection c, PreparedStatement s) throws SQLException {
        int i = 1;
        s.setArray(i++, c.createArrayOf("text", eventTopics.toArray()));
        s.setArray(i++, c.createArrayOf("bigint", seqs.toArray()));
        s.setArray(i++, c.createArrayOf("text", ids.toArray()));
        s.setArray(i++, c.createArrayOf("text", data.toArray()));
        s.setArray(i++, c.createArrayOf("bigint", acceptedMicros.toArray()));
        List<String> topics = new ArrayList<>(heads.size());
        List<String> epochs = new ArrayList<>(heads.size());
        List<Long> newest = new ArrayList<>(heads.size());
        heads.forEach((topic, head) -> {
            topics.add(topic);
            epochs.add(head.epoch());
            newest.add(head.newestSeq());
        });
        s.setArray(i++, c.createArrayOf("text", topics.toArray()));
        s.setArray(i++, c.createArrayOf("text", epochs.toArray()));
        s.setArray(i++, c.createArrayOf("bigint", newest.toArray()));
        s.setArray(i++, c.createArrayOf("text", pruneTopics.toArray()));
        s.setArray(i, c.createArrayOf("bigint", pruneSeqs.toArray()));
    }
}
