package dev.flowcast.bench;

import com.zaxxer.hikari.HikariDataSource;
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
 * A baseline of {@link StoreWriteBenchmark}: {@code JdbcEventStore.write} on PostgreSQL as it was before the ring
 * slots (commit "store: events in ring slots") — one statement that inserts every event into {@code flowcast_events}
 * and deletes, by naming each (topic, seq), those that fell out of the history. Kept here only, to measure against.
 *
 * <p>Threading: one instance per call.
 */
final class PruningStoreWrite {

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

    PruningStoreWrite(List<StoredBatch> batches, int historySize) {
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

    /** Writes {@code batches} through a connection of {@code pool}, as the store did. */
    static void write(HikariDataSource pool, List<StoredBatch> batches, int historySize) throws SQLException {
        PruningStoreWrite write = new PruningStoreWrite(batches, historySize);
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(SQL)) {
            write.bind(c, s);
            s.execute();
        }
    }

    private void bind(Connection c, PreparedStatement s) throws SQLException {
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
