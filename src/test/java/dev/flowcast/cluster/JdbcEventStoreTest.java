package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.flowcast.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC store on a real H2 file database, and {@code persistent} topic history across a whole-cluster restart
 * (a Hazelcast member shut down and a new one started on the same store): seq continues, history readable, epoch
 * unchanged. PostgreSQL (whose write is a different statement) is exercised by {@link JdbcEventStorePostgresTest}
 * and {@code PersistentRestartIT}.
 */
class JdbcEventStoreTest {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath();
    }

    @Test
    void writesAreIdempotent_loadsReturnTheNewestEvents_andTheClusterEpochIsKept() {
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 3)) {
            List<Event> events = List.of(new Event("a", "t", "1", 10, 1), new Event("b", "t", "2", 11, 2),
                    new Event("c", "t", "3", 12, 3), new Event("d", "t", "{\"x\":4}", 13, 4));
            store.write(List.of(new EventStore.StoredBatch("t", "ep0ch", events)));
            store.write(List.of(new EventStore.StoredBatch("t", "ep0ch", events.subList(3, 4)))); // a retry
            EventStore.StoredTopic loaded = store.load("t", 10).orElseThrow();
            assertThat(loaded.epoch()).isEqualTo("ep0ch");
            assertThat(loaded.newestSeq()).isEqualTo(4);
            assertThat(loaded.entries()).extracting(HistoryEntry::seq).containsExactly(2L, 3L, 4L); // history size 3
            assertThat(loaded.entries().get(2).data()).isEqualTo("{\"x\":4}");
            assertThat(store.load("never", 10)).isEmpty();
            assertThat(store.clusterEpoch("first")).isEqualTo("first");
            assertThat(store.clusterEpoch("second")).isEqualTo("first");
        }
    }

    @Test
    void eachWrite_prunesWhatFellOutOfTheHistory_soTheTableHoldsOnlyTheRetainedEvents() throws Exception {
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 4)) {
            long seq = 0;
            for (int batch = 0; batch < 10; batch++) {
                List<Event> events = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    seq++;
                    events.add(new Event("id-" + seq, "t", "{}", seq, seq));
                }
                store.write(List.of(new EventStore.StoredBatch("t", "ep0ch", events)));
            }
            try (var c = java.sql.DriverManager.getConnection(url(), "sa", "");
                 var rows = c.createStatement().executeQuery("SELECT seq FROM flowcast_ring ORDER BY seq")) {
                List<Long> kept = new java.util.ArrayList<>();
                while (rows.next()) {
                    kept.add(rows.getLong(1));
                }
                assertThat(kept).containsExactly(27L, 28L, 29L, 30L);
            }
        }
    }

    /** H2's MERGE keeps PostgreSQL's rules: a slot only moves forward, and the slots move with the history size. */
    @Test
    void aLateBatchKeepsTheNewerSlot_andAnotherHistorySizeReslotsTheRing_asOnPostgres() throws Exception {
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 4)) {
            store.write(List.of(new EventStore.StoredBatch("t", "ep0ch", events(1, 8))));
            store.write(List.of(new EventStore.StoredBatch("t", "ep0ch", events(2, 4)))); // late
            assertThat(storedSeqs()).containsExactly(5L, 6L, 7L, 8L);
        }
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 3)) {
            assertThat(storedSeqs()).containsExactly(6L, 7L, 8L);
            store.write(List.of(new EventStore.StoredBatch("t", "ep0ch", events(9, 10))));
            assertThat(store.load("t", 10).orElseThrow().entries()).extracting(HistoryEntry::seq)
                    .containsExactly(8L, 9L, 10L);
        }
    }

    private static List<Event> events(long from, long to) {
        List<Event> events = new java.util.ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            events.add(new Event("id-" + seq, "t", "{\"n\":" + seq + "}", seq, seq));
        }
        return events;
    }

    private List<Long> storedSeqs() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(url(), "sa", "");
             var rows = c.createStatement().executeQuery("SELECT seq FROM flowcast_ring ORDER BY seq")) {
            List<Long> kept = new java.util.ArrayList<>();
            while (rows.next()) {
                kept.add(rows.getLong(1));
            }
            return kept;
        }
    }

    @Test
    void newestSeq_neverGoesDown_andTheFirstEpochIsKept_asOnPostgres() {
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 10)) {
            List<Event> events = List.of(new Event("a", "t", "1", 10, 1), new Event("b", "t", "2", 11, 2),
                    new Event("c", "t", "3", 12, 3));
            store.write(List.of(new EventStore.StoredBatch("t", "first", events)));
            store.write(List.of(new EventStore.StoredBatch("t", "second", events.subList(0, 2)))); // older, late
            EventStore.StoredTopic loaded = store.load("t", 10).orElseThrow();
            assertThat(loaded.newestSeq()).isEqualTo(3);
            assertThat(loaded.epoch()).isEqualTo("first");
            assertThat(loaded.entries()).extracting(HistoryEntry::seq).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void anUnreachableStore_isRefusedAtOpen_sayingWhy_withoutItsPassword() {
        assertThatThrownBy(() -> JdbcEventStore.open("jdbc:postgresql://127.0.0.1:1/flowcast?password=hidden-pw",
                "flowcast", "secret-pw", 2, 10))
                .isInstanceOf(EventStore.StoreUnavailable.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/flowcast")
                .hasMessageContaining("cannot be reached")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hidden-pw", "secret-pw"));
    }

    @Test
    void afterAWholeClusterRestart_seqContinues_historyIsReadable_andTheEpochIsUnchanged() throws Exception {
        String topic = "public:kept";
        TopicPosition before;
        List<String> ids;
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 100)) {
            HazelcastInstance member = Hazelcast.newHazelcastInstance(
                    HazelcastConfigs.member("store-a-" + UUID.randomUUID(), 6150, List.of(), 0));
            try {
                TopicHistory history = new TopicHistory(member, 100, 300, store).start();
                String early = history.position(topic).epoch();
                var appended = history.append(Map.of(topic, TopicHistoryTest.unnumbered(topic, 5))).get(topic).appended();
                store.write(List.of(new EventStore.StoredBatch(topic, appended.epoch(), appended.events())));
                ids = appended.events().stream().map(Event::id).toList();
                before = history.position(topic);
                assertThat(before).isEqualTo(new TopicPosition(5, early));
            } finally {
                member.getLifecycleService().terminate();
            }
        }
        assertThat(Files.list(dir).count()).isPositive();
        try (JdbcEventStore store = JdbcEventStore.open(url(), "sa", "", 2, 100)) {
            HazelcastInstance member = Hazelcast.newHazelcastInstance(
                    HazelcastConfigs.member("store-b-" + UUID.randomUUID(), 6155, List.of(), 0));
            try {
                TopicHistory history = new TopicHistory(member, 100, 300, store).start();
                assertThat(history.position(topic)).isEqualTo(before);
                assertThat(history.read(topic, 1, 5)).extracting(Event::id).containsExactlyElementsOf(ids);
                var next = history.append(Map.of(topic, TopicHistoryTest.unnumbered(topic, 1))).get(topic).appended();
                assertThat(next.events()).extracting(Event::seq).containsExactly(6L);
                assertThat(next.epoch()).isEqualTo(before.epoch());
            } finally {
                member.getLifecycleService().terminate();
            }
        }
    }
}
