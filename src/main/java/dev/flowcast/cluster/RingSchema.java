package dev.flowcast.cluster;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The store's tables, and how a store written by an earlier version or with another history size becomes the one
 * this member writes.
 *
 * <ul>
 *   <li>{@code flowcast_cluster (k, v)}: the cluster epoch ({@code k = 'epoch'}) and the ring size the events
 *       were slotted with ({@code 'ring_size'});</li>
 *   <li>{@code flowcast_topics (topic, epoch, newest_seq)}: written once, at a topic's first write, and never
 *       updated (see {@link PostgresWrite}), so its {@code newest_seq} is only a floor: the ring's greatest seq is the
 *       topic's newest;</li>
 *   <li>{@code flowcast_ring (topic, slot, seq, id, data, accepted_micros)}, primary key {@code (topic, slot)}: each
 *       topic's last {@code flowcast.history.size} events, event {@code seq} in slot {@code seq % history size},
 *       overwritten in place by the event one history later (never deleted, see {@link PostgresWrite}).</li>
 * </ul>
 *
 * <p>{@link #prepare} moves rows into the ring, keeping each topic's last {@code historySize} events, from
 * {@code flowcast_events} (the schema before the ring: one row per event, pruned by deletes), and from the ring
 * itself when its stored size differs from this member's {@code flowcast.history.size} (the slots move with the
 * size). Every member of a cluster must run with the same history size (its Hazelcast rings already must).
 *
 * <p>On PostgreSQL all of it is one transaction that first locks {@code flowcast_cluster}, so members that start
 * together migrate once: the others wait and find nothing left to do. H2 (one node) commits each DDL statement, so
 * every step is written to be run again after a crash in the middle.
 *
 * <p>Threading: used once, at open, on the calling thread.
 */
final class RingSchema {

    private static final String LEGACY_TABLE = "flowcast_events";
    private static final String RESIZE_TABLE = "flowcast_ring_resized";

    private final boolean postgres;
    private final int historySize;

    RingSchema(boolean postgres, int historySize) {
        this.postgres = postgres;
        this.historySize = historySize;
    }

    /** The ring slot of {@code seq}. */
    static int slotOf(long seq, int historySize) {
        return (int) (seq % historySize);
    }

    /** Creates what is missing and moves rows into the ring as described above; commits or changes nothing. */
    void prepare(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS flowcast_cluster (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS flowcast_topics (topic VARCHAR(200) PRIMARY KEY, "
                    + "epoch VARCHAR(16) NOT NULL, newest_seq BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS flowcast_ring (topic VARCHAR(200) NOT NULL, slot INT NOT NULL, "
                    + "seq BIGINT NOT NULL, id VARCHAR(64) NOT NULL, data " + (postgres ? "TEXT" : "CHARACTER LARGE OBJECT")
                    + " NOT NULL, accepted_micros BIGINT NOT NULL, PRIMARY KEY (topic, slot))");
            if (postgres) {
                s.execute("LOCK TABLE flowcast_cluster IN ACCESS EXCLUSIVE MODE");
            }
            Integer stored = storedRingSize(c);
            if (stored != null && stored != historySize && !exists(c, RESIZE_TABLE)) {
                s.execute("CREATE TABLE " + RESIZE_TABLE + " AS SELECT * FROM flowcast_ring");
            }
            if (exists(c, RESIZE_TABLE)) {
                s.execute("DELETE FROM flowcast_ring");
            }
            for (String source : new String[] {LEGACY_TABLE, RESIZE_TABLE}) {
                if (exists(c, source)) {
                    copyLastEvents(s, source);
                    s.execute("DROP TABLE " + source);
                }
            }
            if (stored == null || stored != historySize) {
                storeRingSize(c, stored == null);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Each topic's last {@code historySize} events of {@code source} into their slots (a slot already taken stays).
     * "Last" counts from the source's own newest seq per topic, not from {@code flowcast_topics}, whose seq is a floor.
     */
    private void copyLastEvents(Statement s, String source) throws SQLException {
        s.executeUpdate("INSERT INTO flowcast_ring (topic, slot, seq, id, data, accepted_micros) "
                + "SELECT e.topic, MOD(e.seq, " + historySize + "), e.seq, e.id, e.data, e.accepted_micros "
                + "FROM " + source + " e JOIN (SELECT topic, MAX(seq) AS newest FROM " + source + " GROUP BY topic) n "
                + "ON n.topic = e.topic "
                + "WHERE e.seq > n.newest - " + historySize + " AND NOT EXISTS (SELECT 1 FROM flowcast_ring r "
                + "WHERE r.topic = e.topic AND r.slot = MOD(e.seq, " + historySize + "))");
    }

    private static Integer storedRingSize(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM flowcast_cluster WHERE k = 'ring_size'")) {
            return rs.next() ? Integer.valueOf(rs.getString(1)) : null;
        }
    }

    private void storeRingSize(Connection c, boolean insert) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(insert
                ? "INSERT INTO flowcast_cluster (v, k) VALUES (?, 'ring_size')"
                : "UPDATE flowcast_cluster SET v = ? WHERE k = 'ring_size'")) {
            s.setString(1, Integer.toString(historySize));
            s.executeUpdate();
        }
    }

    /** Whether the table is in the connection's schema (PostgreSQL keeps names in lower case, H2 in upper). */
    private static boolean exists(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String escape = meta.getSearchStringEscape();
        for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
            String pattern = escape == null ? name : name.replace("_", escape + "_");
            try (ResultSet rs = meta.getTables(null, c.getSchema(), pattern, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
