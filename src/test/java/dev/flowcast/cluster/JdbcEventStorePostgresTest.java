package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.event.Event;
import dev.flowcast.it.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store on a real, throw-away PostgreSQL (Debian's binaries, {@link PostgresServer}): its one-statement
 * write ({@link PostgresWrite}) must keep what the insert, upsert and prune did one after the other in a transaction.
 * Each test starts from empty tables; history size 4.
 */
class JdbcEventStorePostgresTest {

    private static final int HISTORY = 4;

    private static PostgresServer server;
    private JdbcEventStore store;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void emptyStore() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS flowcast_events, flowcast_topics, flowcast_cluster");
        }
        store = JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, HISTORY);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aWrite_loadsBack_withItsData_unchangedByTheArrayEncoding() {
        String awkward = "{\"s\":\"a,b\\\"c\\\\d {x} NULL \\u00e9 \u00e9 \u2603\"}";
        store.write(List.of(new StoredBatch("t", "ep0ch", List.of(event("t", 1, "{}"), event("t", 2, awkward),
                event("t", 3, "")))));
        EventStore.StoredTopic loaded = store.load("t", 10).orElseThrow();
        assertThat(loaded.epoch()).isEqualTo("ep0ch");
        assertThat(loaded.newestSeq()).isEqualTo(3);
        assertThat(loaded.entries()).extracting(HistoryEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(loaded.entries()).extracting(HistoryEntry::data).containsExactly("{}", awkward, "");
        assertThat(loaded.entries().get(1).id()).isEqualTo("id-t-2");
        assertThat(loaded.entries().get(1).acceptedMicros()).isEqualTo(1_000_002L);
        assertThat(store.load("never", 10)).isEmpty();
    }

    @Test
    void aBatchWrittenAgain_isStoredOnce_andKeepsTheFirstData() throws SQLException {
        StoredBatch batch = batch("t", "ep0ch", 1, 3);
        store.write(List.of(batch));
        store.write(List.of(batch)); // the sequencer's retry
        store.write(List.of(new StoredBatch("t", "ep0ch", List.of(event("t", 2, "{\"other\":1}")))));
        store.write(List.of(batch, batch)); // the same batch twice in one call
        assertThat(seqs("t")).containsExactly(1L, 2L, 3L);
        assertThat(store.load("t", 10).orElseThrow().entries().get(1).data()).isEqualTo("{\"n\":2}");
    }

    @Test
    void newestSeq_neverGoesDown_andTheFirstEpochIsKept() {
        store.write(List.of(batch("t", "first", 1, 3)));
        store.write(List.of(batch("t", "second", 1, 2))); // an older batch, late
        EventStore.StoredTopic loaded = store.load("t", 10).orElseThrow();
        assertThat(loaded.newestSeq()).isEqualTo(3);
        assertThat(loaded.epoch()).isEqualTo("first");
    }

    @Test
    void eachWrite_prunesWhatFellOutOfTheHistory_soExactlyTheLastEventsStay() throws SQLException {
        long seq = 0;
        for (int write = 0; write < 10; write++) {
            store.write(List.of(batch("t", "ep0ch", seq + 1, seq + 3)));
            seq += 3;
            assertThat(seqs("t")).containsExactlyElementsOf(range(Math.max(1, seq - HISTORY + 1), seq));
        }
        assertThat(store.load("t", 10).orElseThrow().entries()).extracting(HistoryEntry::seq)
                .containsExactly(27L, 28L, 29L, 30L);
    }

    @Test
    void aBatchLongerThanTheHistory_keepsOnlyItsLastEvents() throws SQLException {
        store.write(List.of(batch("t", "ep0ch", 1, 2)));
        store.write(List.of(batch("t", "ep0ch", 3, 12)));
        assertThat(seqs("t")).containsExactly(9L, 10L, 11L, 12L);
        assertThat(store.load("t", 10).orElseThrow().newestSeq()).isEqualTo(12);
    }

    @Test
    void aTopicTwiceInOneCall_likeHeldBatchesWrittenAgain_isFoldedIntoOneUpsert() throws SQLException {
        store.write(List.of(batch("t", "first", 1, 3), batch("t", "second", 4, 6), batch("t", "third", 7, 8)));
        EventStore.StoredTopic loaded = store.load("t", 10).orElseThrow();
        assertThat(loaded.newestSeq()).isEqualTo(8);
        assertThat(loaded.epoch()).isEqualTo("first");
        assertThat(seqs("t")).containsExactly(5L, 6L, 7L, 8L);
    }

    @Test
    void aWriteOfManyTopics_storesAndPrunesEachOnItsOwn() throws SQLException {
        List<String> topics = List.of("a", "b", "c", "public:d.e");
        for (int write = 0; write < 3; write++) {
            List<StoredBatch> batches = new ArrayList<>();
            for (int t = 0; t < topics.size(); t++) {
                int size = t + 1; // a: 1 a write, b: 2, ...
                batches.add(batch(topics.get(t), "ep-" + t, write * size + 1, (write + 1) * size));
            }
            store.write(batches);
        }
        assertThat(seqs("a")).containsExactly(1L, 2L, 3L);
        assertThat(seqs("b")).containsExactly(3L, 4L, 5L, 6L);
        assertThat(seqs("c")).containsExactly(6L, 7L, 8L, 9L);
        assertThat(seqs("public:d.e")).containsExactly(9L, 10L, 11L, 12L);
        for (int t = 0; t < topics.size(); t++) {
            EventStore.StoredTopic loaded = store.load(topics.get(t), 10).orElseThrow();
            assertThat(loaded.epoch()).isEqualTo("ep-" + t);
            assertThat(loaded.newestSeq()).isEqualTo(3L * (t + 1));
        }
    }

    /**
     * A write that carries many topics (a sequencer call takes every ready bus partition) must still prune by
     * primary-key probes: with one range per batch, PostgreSQL planned a sequential scan of the whole table from
     * about twenty topics on (22 ms at 100 000 rows, against 0.3 ms), and a node at 1 000 requests/s fell to a
     * third of that (docs/benchmarks.md § Ninth pass).
     */
    @Test
    void aWriteOfManyTopics_prunesByPrimaryKey_notByAScanOfTheWholeTable() throws SQLException {
        int history = 1000;
        List<StoredBatch> batches = new ArrayList<>();
        for (int t = 1; t <= 40; t++) { // each topic's next event pushes its oldest out of the history
            batches.add(batch("topic." + t, "ep", history + 1, history + 1));
        }
        PostgresWrite write = new PostgresWrite(batches, history);
        List<String> plan = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // rows as wide as real ones (32-hex ids, small JSON): the planner weighs pages, and narrow rows hid it
            s.execute("INSERT INTO flowcast_events SELECT 'topic.' || t, n, md5(t || '.' || n), "
                    + "'{\"at\":' || n || '}', 1796317864785000 + n "
                    + "FROM generate_series(1, 100) t, generate_series(1, " + history + ") n");
            s.execute("ANALYZE flowcast_events");
            try (var explain = c.prepareStatement("EXPLAIN " + PostgresWrite.SQL)) {
                write.bind(c, explain);
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.add(rows.getString(1));
                    }
                }
            }
        }
        assertThat(plan).as(String.join("\n", plan)).noneMatch(line -> line.contains("Seq Scan on flowcast_events"))
                .anyMatch(line -> line.contains("Index Scan using flowcast_events_pkey"));
    }

    /**
     * Honest failure of one part only: an epoch longer than {@code flowcast_topics.epoch} (16) fails the topics'
     * upsert alone; the same call's inserts and prune would succeed on their own, and must not land either.
     */
    @Test
    void aWriteThatFailsInOnePart_landsNothing() throws SQLException {
        store.write(List.of(batch("t", "ep0ch", 1, 4)));
        List<StoredBatch> call = List.of(batch("t", "ep0ch", 5, 6), batch("u", "x".repeat(17), 1, 2));
        assertThatThrownBy(() -> store.write(call))
                .isInstanceOf(EventStore.StoreUnavailable.class)
                .hasMessageContaining("refused a write");
        assertThat(seqs("t")).containsExactly(1L, 2L, 3L, 4L); // neither inserted 5, 6 nor pruned 1, 2
        assertThat(seqs("u")).isEmpty();
        assertThat(store.load("t", 10).orElseThrow().newestSeq()).isEqualTo(4);
        assertThat(store.load("u", 10)).isEmpty();
        store.write(call.subList(0, 1)); // the connection went back to the pool usable, in autocommit
        assertThat(seqs("t")).containsExactly(3L, 4L, 5L, 6L);
    }

    private static StoredBatch batch(String topic, String epoch, long from, long to) {
        List<Event> events = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            events.add(event(topic, seq, "{\"n\":" + seq + "}"));
        }
        return new StoredBatch(topic, epoch, events);
    }

    private static Event event(String topic, long seq, String data) {
        return new Event("id-" + topic + "-" + seq, topic, data, 1_000_000 + seq, seq);
    }

    private static List<Long> range(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }

    /** Every stored seq of a topic, straight from the table (load() reads only the newest {@code limit}). */
    private static List<Long> seqs(String topic) throws SQLException {
        try (Connection c = connect();
             var query = c.prepareStatement("SELECT seq FROM flowcast_events WHERE topic = ? ORDER BY seq")) {
            query.setString(1, topic);
            List<Long> seqs = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                }
            }
            return seqs;
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
    }
}
