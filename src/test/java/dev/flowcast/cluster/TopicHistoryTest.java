package dev.flowcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.flowcast.event.Clock;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Numbering, history and epochs on two real embedded Hazelcast members (on loopback, so most calls are remote). */
class TopicHistoryTest {

    private static final int HISTORY = 5;
    private static HazelcastInstance member;
    private static HazelcastInstance other;
    private static TopicHistory history;

    @BeforeAll
    static void startMembers() {
        String cluster = "history-test-" + UUID.randomUUID();
        member = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6100, List.of("127.0.0.1:6100"), 0));
        other = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(cluster, 6100, List.of("127.0.0.1:6100"), 0));
        history = new TopicHistory(member, HISTORY, 300, null).start();
    }

    @AfterAll
    static void stopMembers() {
        other.shutdown();
        member.shutdown();
    }

    static List<Event> unnumbered(String topic, int count) {
        List<Event> events = new ArrayList<>();
        long now = Clock.nowMicros();
        for (int i = 0; i < count; i++) {
            events.add(Event.accepted(UUID.randomUUID().toString(), topic, "{\"i\":" + i + "}", now + i));
        }
        return events;
    }

    static List<Event> append(TopicHistory history, String topic, List<Event> events) {
        TopicHistory.Outcome outcome = history.append(Map.of(topic, events)).get(topic);
        assertThat(outcome.failure()).isNull();
        return outcome.appended().events();
    }

    @Test
    void shouldNumberEachTopicFromOne_gaplessAcrossBatches() {
        String topic = "t." + UUID.randomUUID();
        assertThat(history.position(topic).newestSeq()).isZero();
        List<Event> first = append(history, topic, unnumbered(topic, 3));
        List<Event> second = append(history, topic, unnumbered(topic, 2));
        assertThat(first).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(second).extracting(Event::seq).containsExactly(4L, 5L);
        assertThat(history.position(topic).newestSeq()).isEqualTo(5);
        assertThat(history.position("other." + topic).newestSeq()).isZero();
    }

    @Test
    void severalTopicsInOneCall_areEachNumberedOnTheirOwn() {
        Map<String, List<Event>> batches = new LinkedHashMap<>();
        for (int t = 0; t < 5; t++) {
            String topic = "multi." + t + "." + UUID.randomUUID();
            batches.put(topic, unnumbered(topic, t + 1));
        }
        Map<String, TopicHistory.Outcome> outcomes = history.append(batches);
        assertThat(outcomes.keySet()).containsExactlyElementsOf(batches.keySet());
        outcomes.forEach((topic, outcome) -> assertThat(outcome.appended().events()).extracting(Event::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, batches.get(topic).size()).boxed().toList()));
    }

    @Test
    void manyTopicsOfOneBusPartition_shareAFewShards_yetEachIsNumberedAndReadOnItsOwn() {
        Map<String, List<Event>> batches = new LinkedHashMap<>();
        String prefix = "many." + UUID.randomUUID() + ".";
        for (int t = 0; batches.size() < 40; t++) {
            String topic = prefix + t;
            if (EventBus.partitionOf(topic) == 3) { // what one sequencer call carries
                batches.put(topic, unnumbered(topic, 1 + t % 3));
            }
        }
        assertThat(batches.keySet().stream().map(TopicHistory::shardOf).distinct())
                .as("one Hazelcast call per shard: at most this many for one call").hasSizeBetween(1,
                        TopicHistory.SHARDS_PER_BUS_PARTITION);

        Map<String, TopicHistory.Outcome> outcomes = history.append(batches);

        assertThat(outcomes.keySet()).containsExactlyElementsOf(batches.keySet());
        batches.forEach((topic, events) -> {
            long[] seqs = new long[events.size()];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = i + 1;
            }
            assertThat(outcomes.get(topic).appended().events()).extracting(Event::seq)
                    .containsExactly(java.util.Arrays.stream(seqs).boxed().toArray(Long[]::new));
            assertThat(history.read(topic, 1, 10)).extracting(Event::id)
                    .containsExactlyElementsOf(events.stream().map(Event::id).toList());
        });
    }

    @Test
    void aNewTopicBesideKnownOnesOfItsShard_getsItsLogInTheSameAppend_andTheKnownOnesAreNumberedOnce() {
        String prefix = "mixed." + UUID.randomUUID() + ".";
        String known = prefix + "known";
        String fresh = null;
        for (int t = 0; fresh == null; t++) {
            if (TopicHistory.shardOf(prefix + t).equals(TopicHistory.shardOf(known))) {
                fresh = prefix + t;
            }
        }
        append(history, known, unnumbered(known, 2));
        Map<String, List<Event>> batches = new LinkedHashMap<>();
        batches.put(known, unnumbered(known, 2));
        batches.put(fresh, unnumbered(fresh, 3));

        // the shard's first call numbers `known` and finds no log for `fresh`; a second call creates it
        Map<String, TopicHistory.Outcome> outcomes = history.append(batches);

        assertThat(outcomes.get(known).appended().events()).extracting(Event::seq).containsExactly(3L, 4L);
        assertThat(outcomes.get(fresh).appended().events()).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(outcomes.get(fresh).appended().epoch())
                .isEqualTo(TopicHistory.firstEpoch(history.clusterEpoch(), fresh));
        assertThat(history.read(known, 1, 10)).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(history.read(fresh, 1, 10)).extracting(Event::id)
                .containsExactlyElementsOf(batches.get(fresh).stream().map(Event::id).toList());
    }

    @Test
    void shouldReadBackRetainedEvents_andForgetTheOldestBeyondCapacity() {
        String topic = "t." + UUID.randomUUID();
        List<Event> appended = append(history, topic, unnumbered(topic, 8)); // capacity 5: seqs 4..8 retained
        List<Event> read = history.read(topic, 1, 8);
        assertThat(read).extracting(Event::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(read).extracting(Event::id).containsExactlyElementsOf(appended.subList(3, 8).stream().map(Event::id).toList());
        assertThat(history.read(topic, 6, 7)).extracting(Event::seq).containsExactly(6L, 7L);
        assertThat(history.read("never." + topic, 1, 10)).isEmpty();
    }

    @Test
    void theSameAppendTwice_asHazelcastRetriesIt_isStoredOnce_andAnswersTheSameSeqs() {
        String topic = "retry." + UUID.randomUUID();
        append(history, topic, unnumbered(topic, 2));
        List<HistoryEntry> entries = unnumbered(topic, 3).stream().map(HistoryEntry::unnumbered).toList();
        TopicLogOps.Append op = new TopicLogOps.Append("batch-1",
                Map.of(topic, new TopicLogOps.TopicBatch(entries, "e")), HISTORY, 300_000_000L, false);
        IMap<String, TopicLogShard> logs = member.getMap(HazelcastConfigs.TOPICS_MAP);
        LogAnswers first = logs.executeOnKey(TopicHistory.shardOf(topic), op);
        LogAnswers retried = logs.executeOnKey(TopicHistory.shardOf(topic), op);
        assertThat(first.of(topic).firstSeq()).isEqualTo(3);
        assertThat(retried.of(topic).firstSeq()).isEqualTo(3);
        assertThat(history.position(topic).newestSeq()).isEqualTo(5);
        assertThat(history.read(topic, 1, 10)).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    /**
     * A client node that was cut off sends a batch again long after (TopicHistory#resend): past the last
     * RECENT_BATCHES batch ids its first event is found in the history, so it is not numbered twice.
     */
    @Test
    void aBatchResentAfterManyOthers_isFoundInTheHistory_andAnswersItsSeqs_whileAPlainRetryThatLateAppendsAgain() {
        String topic = "resent." + UUID.randomUUID();
        List<HistoryEntry> entries = unnumbered(topic, 2).stream().map(HistoryEntry::unnumbered).toList();
        IMap<String, TopicLogShard> logs = member.getMap(HazelcastConfigs.TOPICS_MAP);
        String shard = TopicHistory.shardOf(topic);
        Map<String, TopicLogOps.TopicBatch> batch = Map.of(topic, new TopicLogOps.TopicBatch(entries, "e"));
        int capacity = TopicLog.RECENT_BATCHES + 10;
        assertThat(logs.executeOnKey(shard, new TopicLogOps.Append("held", batch, capacity, 300_000_000L, false))
                .of(topic).firstSeq()).isEqualTo(1);
        for (int i = 0; i < TopicLog.RECENT_BATCHES + 1; i++) { // other nodes' batches: "held" drops out of the ids
            List<HistoryEntry> other = unnumbered(topic, 1).stream().map(HistoryEntry::unnumbered).toList();
            logs.executeOnKey(shard, new TopicLogOps.Append("other-" + i,
                    Map.of(topic, new TopicLogOps.TopicBatch(other, "e")), capacity, 300_000_000L, false));
        }
        long newest = TopicLog.RECENT_BATCHES + 3;

        LogAnswers resent = logs.executeOnKey(shard, new TopicLogOps.Append("held", batch, capacity, 300_000_000L, true));
        assertThat(resent.of(topic).firstSeq()).isEqualTo(1);
        assertThat(history.position(topic).newestSeq()).as("not numbered again").isEqualTo(newest);

        LogAnswers retried = logs.executeOnKey(shard, new TopicLogOps.Append("held", batch, capacity, 300_000_000L, false));
        assertThat(retried.of(topic).firstSeq()).as("the batch-id window alone").isEqualTo(newest + 1);
    }

    @Test
    void subscribingToUnpublishedTopics_createsNoHazelcastStructure_andNoEntry() {
        history.position("warm-up." + UUID.randomUUID()); // proxies of the maps themselves exist once
        int objects = member.getDistributedObjects().size();
        int entries = member.getMap(HazelcastConfigs.TOPICS_MAP).size();
        for (int i = 0; i < 2_000; i++) {
            String topic = "public:churn." + UUID.randomUUID();
            history.position(topic);
            history.read(topic, 1, 10);
        }
        assertThat(member.getDistributedObjects().size()).isEqualTo(objects);
        assertThat(other.getDistributedObjects().size()).isLessThanOrEqualTo(objects);
        assertThat(member.getMap(HazelcastConfigs.TOPICS_MAP).size()).isEqualTo(entries);
    }

    @Test
    void theEpochGivenBeforeTheFirstPublish_isTheEpochAfterIt_onEveryMember() {
        String topic = "public:early." + UUID.randomUUID();
        TopicHistory elsewhere = new TopicHistory(other, HISTORY, 300, null).start();
        String before = history.position(topic).epoch();
        assertThat(elsewhere.position(topic).epoch()).isEqualTo(before);
        append(elsewhere, topic, unnumbered(topic, 1));
        assertThat(history.position(topic)).isEqualTo(new TopicPosition(1, before));
        assertThat(elsewhere.clusterEpoch()).isEqualTo(history.clusterEpoch());
        assertThat(history.position("public:other." + UUID.randomUUID()).epoch()).isNotEqualTo(before);
    }
}
