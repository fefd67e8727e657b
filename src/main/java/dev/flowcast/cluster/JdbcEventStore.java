package dev.flowcast.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flowcast.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code persistent} store on JDBC: PostgreSQL (tested; shared by every member) or an H2 file (one node).
 *
 * <p>Three tables, created when missing ({@link RingSchema}): {@code flowcast_cluster} (the cluster epoch),
 * {@code flowcast_topics} (each topic's epoch, written once) and {@code flowcast_ring} (the last
 * {@code flowcast.history.size} events per topic, each in the slot {@code seq % history size}, which the event one
 * history later overwrites). Writes only move a slot forward, so a batch written twice is stored once. On
 * PostgreSQL a write is one statement, one round trip ({@link PostgresWrite}).
 *
 * <p>Threading: thread-safe; a small connection pool (HikariCP), one connection per call. A database that cannot
 * be reached within {@link #CONNECT_TIMEOUT_MS} fails the call with {@link StoreUnavailable}.
 */
public final class JdbcEventStore implements EventStore {

    static final long CONNECT_TIMEOUT_MS = 3_000;
    private static final int SCHEMA_ATTEMPTS = 3;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(JdbcEventStore.class.getName());

    private final HikariDataSource pool;
    private final boolean postgres;
    private final int historySize;

    private JdbcEventStore(HikariDataSource pool, boolean postgres, int historySize) {
        this.pool = pool;
        this.postgres = postgres;
        this.historySize = historySize;
    }

    /**
     * Connects and creates the tables when missing.
     *
     * @throws StoreUnavailable naming the URL (without credentials) and the driver's reason, when the store cannot
     *                          be reached or refuses the schema
     */
    public static JdbcEventStore open(String url, String user, String password, int poolSize, int historySize) {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        HikariConfig config = new HikariConfig();
        config.setPoolName("flowcast-store");
        config.setJdbcUrl(url);
        // Name the driver: in a child-first WAR, DriverManager's own discovery does not see the WAR's drivers.
        config.setDriverClassName(postgres ? "org.postgresql.Driver" : "org.h2.Driver");
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(Math.max(2, poolSize));
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setValidationTimeout(Math.min(CONNECT_TIMEOUT_MS, 1_000));
        config.setInitializationFailTimeout(CONNECT_TIMEOUT_MS); // refuse the start when the store is not there
        if (postgres) {
            config.addDataSourceProperty("connectTimeout", "3");
            config.addDataSourceProperty("socketTimeout", "10"); // a store that stops answering: 503, not a hang
            // Never a server-side prepared statement: PostgreSQL would switch the write (PostgresWrite) to its generic
            // plan after five executions, which cost the server 2-4x the CPU of the custom plan here
            // (docs/benchmarks.md § Durability). Unnamed statements are planned for their arrays, still one trip.
            config.addDataSourceProperty("prepareThreshold", "0");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailable("the store " + redacted(url) + " cannot be reached: " + rootMessage(e), e);
        }
        JdbcEventStore store = new JdbcEventStore(pool, postgres, historySize);
        try {
            store.createSchema();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return store;
    }

    /**
     * Creates the tables, trying again when another member raced us: PostgreSQL's {@code CREATE TABLE IF NOT EXISTS}
     * is not safe against a concurrent one (the loser fails with a duplicate key in {@code pg_type}), and the members
     * of a cluster start together. The second try finds the tables there.
     */
    private void createSchema() {
        for (int attempt = 1; ; attempt++) {
            try {
                createSchemaOnce();
                return;
            } catch (StoreUnavailable e) {
                if (attempt == SCHEMA_ATTEMPTS) {
                    throw e;
                }
                LOG.info(() -> "creating the store's tables raced another member; trying again");
            }
        }
    }

    private void createSchemaOnce() {
        try (Connection c = pool.getConnection()) {
            new RingSchema(postgres, historySize).prepare(c);
        } catch (SQLException e) {
            throw unavailable("could not create its tables", e);
        }
    }

    @Override
    public void write(List<StoredBatch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        try {
            if (postgres) {
                writeInOneStatement(batches);
            } else {
                writeInOneTransaction(batches);
            }
        } catch (SQLException e) {
            throw unavailable("refused a write", e);
        }
    }

    /**
     * PostgreSQL: one statement in autocommit, so one round trip, commit included ({@link PostgresWrite}). The
     * publisher's 202 waits for it. The connection stays in the pool's autocommit, so handing it back costs no reset.
     */
    private void writeInOneStatement(List<StoredBatch> batches) throws SQLException {
        PostgresWrite write = new PostgresWrite(batches, historySize);
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(PostgresWrite.SQL)) {
            write.bind(c, s);
            s.execute();
        }
    }

    /**
     * H2 (one node): a batch of each statement, then commit (H2 runs neither data-modifying CTEs nor
     * {@code ON CONFLICT DO UPDATE}); the same rows as on PostgreSQL ({@link RingRows}).
     */
    private void writeInOneTransaction(List<StoredBatch> batches) throws SQLException {
        RingRows write = new RingRows(batches, historySize);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement events = c.prepareStatement(
                         // as PostgreSQL's upsert: a slot only moves forward
                         "MERGE INTO flowcast_ring r USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS INT), "
                         + "CAST(? AS BIGINT), CAST(? AS VARCHAR(64)), CAST(? AS CHARACTER LARGE OBJECT), CAST(? AS BIGINT))) "
                         + "AS s(topic, slot, seq, id, data, accepted_micros) ON r.topic = s.topic AND r.slot = s.slot "
                         + "WHEN MATCHED AND r.seq < s.seq THEN UPDATE SET seq = s.seq, id = s.id, data = s.data, "
                         + "accepted_micros = s.accepted_micros "
                         + "WHEN NOT MATCHED THEN INSERT (topic, slot, seq, id, data, accepted_micros) "
                         + "VALUES (s.topic, s.slot, s.seq, s.id, s.data, s.accepted_micros)");
                 PreparedStatement topics = c.prepareStatement(
                         // as PostgreSQL's: a head is inserted once, with the first epoch, and never updated
                         "MERGE INTO flowcast_topics t USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(16)), "
                         + "CAST(? AS BIGINT))) AS s(topic, epoch, newest_seq) ON t.topic = s.topic "
                         + "WHEN NOT MATCHED THEN INSERT (topic, epoch, newest_seq) VALUES (s.topic, s.epoch, s.newest_seq)")) {
                for (RingRows.Row row : write.rows()) {
                    events.setString(1, row.topic());
                    events.setInt(2, row.slot());
                    events.setLong(3, row.event().seq());
                    events.setString(4, row.event().id());
                    events.setString(5, row.event().data());
                    events.setLong(6, row.event().acceptedMicros());
                    events.addBatch();
                }
                for (var head : write.heads().entrySet()) {
                    topics.setString(1, head.getKey());
                    topics.setString(2, head.getValue().epoch());
                    topics.setLong(3, head.getValue().newestSeq());
                    topics.addBatch();
                }
                events.executeBatch();
                topics.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    /**
     * A topic's epoch and newest seq. The head row keeps the newest seq of the topic's first write only (it is never
     * updated, see {@link PostgresWrite}); the ring's greatest seq is the newest ever written, because a slot only
     * moves forward and the newest event's slot holds it until a newer one comes. The head's own value still counts
     * for a store whose ring is empty for the topic (none written by this version).
     */
    private static final String NEWEST_SQL = "SELECT t.epoch, GREATEST(t.newest_seq, COALESCE((SELECT MAX(r.seq) "
            + "FROM flowcast_ring r WHERE r.topic = t.topic), 0)) FROM flowcast_topics t WHERE t.topic = ?";

    @Override
    public Optional<StoredTopic> load(String topic, int limit) {
        try (Connection c = pool.getConnection();
             PreparedStatement head = c.prepareStatement(NEWEST_SQL)) {
            head.setString(1, topic);
            String epoch;
            long newest;
            try (ResultSet rs = head.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                epoch = rs.getString(1);
                newest = rs.getLong(2);
            }
            List<HistoryEntry> entries = new ArrayList<>();
            try (PreparedStatement rows = c.prepareStatement("SELECT seq, id, data, accepted_micros FROM flowcast_ring "
                    + "WHERE topic = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
                rows.setString(1, topic);
                rows.setLong(2, newest - limit);
                rows.setLong(3, newest);
                try (ResultSet rs = rows.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
            }
            return Optional.of(new StoredTopic(epoch, newest, entries));
        } catch (SQLException e) {
            throw unavailable("refused a read", e);
        }
    }

    @Override
    public String clusterEpoch(String proposed) {
        try (Connection c = pool.getConnection()) {
            String existing = readClusterEpoch(c);
            if (existing != null) {
                return existing;
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO flowcast_cluster (k, v) VALUES ('epoch', ?)")) {
                insert.setString(1, proposed);
                insert.executeUpdate();
                return proposed;
            } catch (SQLException raced) {
                String other = readClusterEpoch(c); // another member stored one first
                if (other == null) {
                    throw raced;
                }
                return other;
            }
        } catch (SQLException e) {
            throw unavailable("refused the cluster epoch", e);
        }
    }

    private static String readClusterEpoch(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM flowcast_cluster WHERE k = 'epoch'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private StoreUnavailable unavailable(String what, SQLException e) {
        return new StoreUnavailable("the store " + redacted(pool.getJdbcUrl()) + " " + what + ": " + rootMessage(e), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    /** The URL without query or H2 settings, where a password may be written. */
    static String redacted(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return url.substring(0, cut);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
