package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import dev.flowcast.event.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed form of a history entry: every field comes back as it went in, through a log and through Hazelcast. */
class HistoryEntryTest {

    private static final String AWKWARD = "{\"s\":\"é ✓ 𝄞 \\\"q\\\" \\u0000\"}";

    @Test
    void everyFieldComesBack_includingNonAsciiAndEmptyData() {
        HistoryEntry entry = new HistoryEntry(42, "id-1", AWKWARD, 1_700_000_000_123_456L);
        assertThat(entry.seq()).isEqualTo(42);
        assertThat(entry.id()).isEqualTo("id-1");
        assertThat(entry.data()).isEqualTo(AWKWARD);
        assertThat(entry.acceptedMicros()).isEqualTo(1_700_000_000_123_456L);

        HistoryEntry empty = new HistoryEntry(1, "", "", -5);
        assertThat(empty.id()).isEmpty();
        assertThat(empty.data()).isEmpty();
        assertThat(empty.acceptedMicros()).isEqualTo(-5);
    }

    @Test
    void anUnnumberedEntry_carriesTheEventWithSeqZero() {
        HistoryEntry unnumbered = HistoryEntry.unnumbered(Event.accepted("id-2", "t", AWKWARD, 7));
        assertThat(unnumbered.seq()).isZero();
        assertThat(HistoryEntry.acceptedMicrosOf(unnumbered.packed())).isEqualTo(7);
        assertThat(unnumbered.toEvent("t")).isEqualTo(new Event("id-2", "t", AWKWARD, 7, 0));
    }

    @Test
    void aLogNumbersEntries_andReadsThemBackInRangeAndTime() {
        TopicLog log = new TopicLog("e", 0);
        List<HistoryEntry> batch = List.of(new HistoryEntry(0, "a", "{}", 100), new HistoryEntry(0, "b", AWKWARD, 200),
                new HistoryEntry(0, "c", "[1]", 300));
        assertThat(log.append("batch-1", batch, 10, 1_000, false)).isEqualTo(1);
        assertThat(log.read(2, 3, 0)).extracting(HistoryEntry::id).containsExactly("b", "c");
        assertThat(log.read(1, 3, 250)).extracting(HistoryEntry::seq).containsExactly(3L);
        assertThat(log.read(1, 3, 0).get(1).data()).isEqualTo(AWKWARD);
    }

    @Test
    void hazelcastSerialization_roundTripsAnEntryAndALog() {
        InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();
        HistoryEntry entry = new HistoryEntry(3, "id-3", AWKWARD, 33);
        HistoryEntry copy = serialization.toObject(serialization.toData(entry));
        assertThat(copy.toEvent("t")).isEqualTo(entry.toEvent("t"));

        TopicLog log = new TopicLog("e", 0);
        log.append("batch-1", List.of(entry, new HistoryEntry(0, "id-4", "{}", 34)), 10, 1_000, false);
        TopicLog logCopy = serialization.toObject(serialization.toData(log));
        assertThat(logCopy.epoch()).isEqualTo("e");
        assertThat(logCopy.newestSeq()).isEqualTo(2);
        assertThat(logCopy.read(1, 2, 0)).extracting(e -> e.toEvent("t"))
                .containsExactly(new Event("id-3", "t", AWKWARD, 33, 1), new Event("id-4", "t", "{}", 34, 2));
        assertThat(logCopy.append("batch-1", List.of(entry), 10, 1_000, false)).as("the batch id survives too").isEqualTo(1);
    }
}
