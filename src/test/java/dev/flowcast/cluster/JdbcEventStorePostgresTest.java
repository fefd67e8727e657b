package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.event.Event;
import dev.flowcast.it.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC store on a real, throw-away PostgreSQL (Debian's binaries, {@link PostgresServer}): its one-statement
 * write into ring slots ({@link PostgresWrite}) must keep exactly each topic's last events, and a store of the
 * earlier schema or of another history size must come through {@link RingSchema} whole. Each test starts from an
 * empty database; history size 4.
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
            s.execute("DROP TABLE IF EXISTS flowcast_events, flowcast_ring, flowcast_ring_resized, flowcast_topics, flowcast_cluster");
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

    @Test
    void aLateBatch_neverOverwritesTheNewerEventInItsSlot() throws SQLException {
        store.write(List.of(batch("t", "ep0ch", 1, 8))); // slots 0-3 hold 5-8
        store.write(List.of(batch("t", "ep0ch", 2, 4))); // written again late: 2-4 would take slots 2, 3, 0
        assertThat(seqs("t")).containsExactly(5L, 6L, 7L, 8L);
        assertThat(store.load("t", 10).orElseThrow().entries()).extracting(HistoryEntry::data)
                .containsExactly("{\"n\":5}", "{\"n\":6}", "{\"n\":7}", "{\"n\":8}");
    }

    /** A store written by the version before the ring (one row per event, pruned by deletes) is moved into it. */
    @Test
    void aStoreOfTheEarlierSchema_isMovedIntoTheRing_keepingEachTopicsLastEvents() throws SQLException {
        store.close();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE flowcast_ring, flowcast_topics, flowcast_cluster");
            s.execute("CREATE TABLE flowcast_cluster (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)");
            s.execute("CREATE TABLE flowcast_topics (topic VARCHAR(200) PRIMARY KEY, epoch VARCHAR(16) NOT NULL, "
                    + "newest_seq BIGINT NOT NULL)");
            s.execute("CREATE TABLE flowcast_events (topic VARCHAR(200) NOT NULL, seq BIGINT NOT NULL, id VARCHAR(64) "
                    + "NOT NULL, data TEXT NOT NULL, accepted_micros BIGINT NOT NULL, PRIMARY KEY (topic, seq))");
            s.execute("INSERT INTO flowcast_cluster VALUES ('epoch', 'cluster1')");
            s.execute("INSERT INTO flowcast_topics VALUES ('t', 'ep0ch', 9), ('u', 'ep1', 2)");
            s.execute("INSERT INTO flowcast_events SELECT 't', n, 'id-t-' || n, '{\"n\":' || n || '}', 1000000 + n "
                    + "FROM generate_series(3, 9) n"); // a prune that had not run yet: 3-5 are older than the history
            s.execute("INSERT INTO flowcast_events VALUES ('u', 1, 'id-u-1', '{}', 1), ('u', 2, 'id-u-2', '{}', 2)");
        }
        store = JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, HISTORY);
        assertThat(seqs("t")).containsExactly(6L, 7L, 8L, 9L);
        assertThat(seqs("u")).containsExactly(1L, 2L);
        HistoryEntry oldest = store.load("t", 10).orElseThrow().entries().get(0);
        assertThat(List.of(oldest.seq(), oldest.id(), oldest.data(), oldest.acceptedMicros()))
                .containsExactly(6L, "id-t-6", "{\"n\":6}", 1_000_006L);
        assertThat(store.clusterEpoch("other")).isEqualTo("cluster1");
        assertThat(tableExists("flowcast_events")).isFalse();
        store.write(List.of(batch("t", "ep0ch", 10, 11)));
        assertThat(seqs("t")).containsExactly(8L, 9L, 10L, 11L);
    }

    /** The slots move with {@code flowcast.history.size}: a restart with another size keeps the events it can. */
    @Test
    void aRestartWithAnotherHistorySize_reslotsTheRing_andWritesGoOnFromThere() throws SQLException {
        store.write(List.of(batch("t", "ep0ch", 1, 7), batch("u", "ep0ch", 1, 2)));
        store.close();
        store = JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, 6); // grown: 4-7 kept, room for 2 more
        assertThat(seqs("t")).containsExactly(4L, 5L, 6L, 7L);
        store.write(List.of(batch("t", "ep0ch", 8, 10)));
        assertThat(seqs("t")).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        store.close();
        store = JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, 3); // shrunk
        assertThat(seqs("t")).containsExactly(8L, 9L, 10L);
        assertThat(seqs("u")).containsExactly(1L, 2L);
        store.write(List.of(batch("t", "ep0ch", 11, 11)));
        assertThat(seqs("t")).containsExactly(9L, 10L, 11L);
        assertThat(store.load("t", 10).orElseThrow().newestSeq()).isEqualTo(11);
        assertThat(tableExists("flowcast_ring_resized")).isFalse();
    }

    /** Members start together: each opens the store at once, and the earlier schema is moved exactly once. */
    @Test
    void membersOpeningTheStoreTogether_moveTheEarlierSchemaOnce() throws Exception {
        aStoreOfTheEarlierSchema_isMovedIntoTheRing_keepingEachTopicsLastEvents(); // leaves the ring in place
        store.close();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE flowcast_events AS SELECT topic, seq, id, data, accepted_micros FROM flowcast_ring");
            s.execute("DELETE FROM flowcast_ring");
            s.execute("DELETE FROM flowcast_cluster WHERE k = 'ring_size'");
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<JdbcEventStore>> opening = new ArrayList<>();
            for (int member = 0; member < 4; member++) {
                opening.add(pool.submit(() -> JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, HISTORY)));
            }
            for (var open : opening) {
                open.get().close();
            }
        } finally {
            pool.shutdown();
        }
        store = JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, HISTORY);
        assertThat(seqs("t")).containsExactly(8L, 9L, 10L, 11L);
        assertThat(tableExists("flowcast_events")).isFalse();
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
        assertThat(seqs("t")).containsExactly(1L, 2L, 3L, 4L); // 5, 6 did not overwrite 1, 2
        assertThat(seqs("u")).isEmpty();
        assertThat(store.load("t", 10).orElseThrow().newestSeq()).isEqualTo(4);
        assertThat(store.load("u", 10)).isEmpty();
        store.write(call.subList(0, 1)); // the connection went back to the pool usable, in autocommit
        assertThat(seqs("t")).containsExactly(3L, 4L, 5L, 6L);
    }

    /**
     * Members publishing the same topics write the same rows at once, each call's topics in the order its events came
     * in. Rows locked in different orders deadlock: PostgreSQL then aborts one statement, and the member that
     * wrote it answered 503 and held the batch, so its next statement carried even more topics (found at 10 000
     * events/s through three members: no publish accepted for minutes). Rows are now written in one order.
     */
    @Test
    void membersWritingTheSameTopicsAtOnce_inTheirOwnOrders_neverDeadlock() throws Exception {
        int members = 3;
        int writes = 150;
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            topics.add("shared." + t);
        }
        List<JdbcEventStore> stores = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            stores.add(JdbcEventStore.open(server.jdbcUrl(), "postgres", null, 2, HISTORY));
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            int member = m;
            Thread thread = new Thread(() -> {
                Random order = new Random(member);
                try {
                    start.await();
                    for (int w = 0; w < writes; w++) {
                        List<String> shuffled = new ArrayList<>(topics);
                        Collections.shuffle(shuffled, order);
                        long seq = (long) w * members + member + 1;
                        List<StoredBatch> call = new ArrayList<>();
                        for (String topic : shuffled) {
                            call.add(new StoredBatch(topic, "ep0ch", List.of(event(topic, seq, "{}"))));
                        }
                        stores.get(member).write(call);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(120_000);
        }
        stores.forEach(JdbcEventStore::close);

        assertThat(failures).extracting(Throwable::getMessage).isEmpty();
        long newest = (long) writes * members;
        for (String topic : topics) {
            assertThat(store.load(topic, HISTORY).orElseThrow().newestSeq()).isEqualTo(newest);
            assertThat(seqs(topic)).containsExactlyElementsOf(range(newest - HISTORY + 1, newest));
        }
    }

    /**
     * A member's write must not wait for another member's write of the same topic to commit. It did while every write
     * updated the topic's head row ({@code newest_seq}): the row stays locked until the commit, so members publishing
     * the same topics queued behind each other's commits (docs/benchmarks.md § Thirteenth pass). The head is now only
     * inserted; different seqs go to different ring slots.
     */
    @Test
    void aWrite_neverWaitsForAnotherMembersUncommittedWrite_ofTheSameTopic() throws Exception {
        store.write(List.of(batch("t", "ep0ch", 1, 1))); // the topic's head is there
        try (Connection otherMember = connect()) {
            otherMember.setAutoCommit(false);
            try (PreparedStatement write = otherMember.prepareStatement(PostgresWrite.SQL)) {
                new PostgresWrite(List.of(batch("t", "ep0ch", 2, 2)), HISTORY).bind(otherMember, write);
                write.execute(); // written, not committed: whatever it locked stays locked
            }
            CompletableFuture<Void> ours = CompletableFuture.runAsync(() -> store.write(List.of(batch("t", "ep0ch", 3, 3))));
            // generous: the write takes milliseconds; blocked, it would wait for the commit below or fail at the
            // store's socket timeout (10 s)
            assertThat(ours).succeedsWithin(Duration.ofSeconds(30));
            otherMember.commit();
        }
        assertThat(seqs("t")).containsExactly(1L, 2L, 3L);
        EventStore.StoredTopic loaded = store.load("t", 10).orElseThrow();
        assertThat(loaded.newestSeq()).isEqualTo(3);
        assertThat(loaded.entries()).extracting(HistoryEntry::seq).containsExactly(1L, 2L, 3L);
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
             var query = c.prepareStatement("SELECT seq FROM flowcast_ring WHERE topic = ? ORDER BY seq")) {
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

    private static boolean tableExists(String table) throws SQLException {
        try (Connection c = connect(); var query = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, table);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), "postgres", "");
    }
}
