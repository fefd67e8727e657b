package dev.flowcast.cluster;

import dev.flowcast.cluster.EventStore.StoredBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * One {@link JdbcEventStore#write} on PostgreSQL as a single statement, so that it costs one round trip: the ring
 * slots' upsert and the topics' upsert are data-modifying CTEs fed by arrays ({@link RingRows}), run in autocommit
 * (the statement is its own transaction, so all of it lands or none).
 *
 * <p>A topic's head is only ever inserted ({@code ON CONFLICT DO NOTHING}), never updated: an update locks the
 * topic's row until the statement commits, so members publishing the same topics queued behind each other's commits
 * on those rows (docs/benchmarks.md § Thirteenth pass). The newest seq is read from the ring instead
 * ({@link JdbcEventStore#load}); ring rows of different seqs are different slots, which members never share in one
 * moment unless one runs a whole history ahead.
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
            + "ON CONFLICT (topic) DO NOTHING) "
            + "SELECT 1";

    private final RingRows rows;

    PostgresWrite(List<StoredBatch> batches, int historySize) {
        this.rows = new RingRows(batches, historySize);
    }

    /**
     * Sets the parameters of a statement prepared from {@link #SQL}. The arrays are {@code String[]}, {@code int[]}
     * and {@code long[]}, never {@code Object[]}: for those types the driver sends PostgreSQL's binary array format
     * (each string's UTF-8 bytes behind its length), where an {@code Object[]} is first written out as an escaped
     * array literal in a growing {@code StringBuilder}, then encoded, then parsed again by the server. That literal
     * was the largest single allocation site of a {@code persistent} member (docs/benchmarks.md § Eleventh pass).
     */
    void bind(Connection c, PreparedStatement s) throws SQLException {
        List<RingRows.Row> ring = rows.rows();
        int n = ring.size();
        String[] topics = new String[n];
        int[] slots = new int[n];
        long[] seqs = new long[n];
        String[] ids = new String[n];
        String[] data = new String[n];
        long[] acceptedMicros = new long[n];
        for (int r = 0; r < n; r++) {
            RingRows.Row row = ring.get(r);
            topics[r] = row.topic();
            slots[r] = row.slot();
            seqs[r] = row.event().seq();
            ids[r] = row.event().id();
            data[r] = row.event().data();
            acceptedMicros[r] = row.event().acceptedMicros();
        }
        int heads = rows.heads().size();
        String[] headTopics = new String[heads];
        String[] epochs = new String[heads];
        long[] newest = new long[heads];
        int h = 0;
        for (var head : rows.heads().entrySet()) {
            headTopics[h] = head.getKey();
            epochs[h] = head.getValue().epoch();
            newest[h++] = head.getValue().newestSeq();
        }
        PGConnection pg = c.unwrap(PGConnection.class); // its createArrayOf takes primitive arrays too
        int i = 1;
        s.setArray(i++, pg.createArrayOf("text", topics));
        s.setArray(i++, pg.createArrayOf("int4", slots));
        s.setArray(i++, pg.createArrayOf("int8", seqs));
        s.setArray(i++, pg.createArrayOf("text", ids));
        s.setArray(i++, pg.createArrayOf("text", data));
        s.setArray(i++, pg.createArrayOf("int8", acceptedMicros));
        s.setArray(i++, pg.createArrayOf("text", headTopics));
        s.setArray(i++, pg.createArrayOf("text", epochs));
        s.setArray(i, pg.createArrayOf("int8", newest));
    }
}
