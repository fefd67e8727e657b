package dev.flowcast.cluster;

import dev.flowcast.cluster.EventStore.StoredBatch;
import dev.flowcast.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@link JdbcEventStore#write} as the rows it leaves in the store: each event in its topic's ring slot
 * ({@code seq % historySize}, see {@link RingSchema}) and each topic's head ({@code flowcast_topics}).
 *
 * <p>Folded so that one statement (PostgreSQL's {@code ON CONFLICT DO UPDATE}, H2's {@code MERGE}) touches each row
 * once: of the events that fall in one slot (a batch longer than the history, or the sequencer's held batches written
 * again after the store came back) only the newest is kept, which is the one the slot would hold after writing them
 * one by one; a topic that comes in several batches gets one head, with the first batch's epoch (the one the row
 * keeps on conflict) and the greatest newest seq.
 *
 * <p>Sorted: heads by topic, rows by topic then slot, so every write locks the rows it shares with another in the same
 * order. Members publishing the same topics write the same rows at once, each call's topics in the order its events
 * came in; in those orders two statements deadlocked (PostgreSQL aborts one: its publishers got 503, and the member
 * held the batch and wrote it again with more topics next time, which deadlocked again: at 10 000 events/s
 * published through three members, no publish was accepted for minutes; docs/benchmarks.md § Twelfth pass).
 *
 * <p>Threading: built and read on the calling thread.
 */
final class RingRows {

    /** A topic's row in {@code flowcast_topics} as this call would insert it (a head already there stays). */
    record Head(String epoch, long newestSeq) {
    }

    /** An event with the ring slot it goes to. */
    record Row(String topic, int slot, Event event) {
    }

    private final Map<String, Head> heads = new TreeMap<>();
    private final List<Row> rows;

    RingRows(List<StoredBatch> batches, int historySize) {
        Map<String, Map<Integer, Event>> slots = new TreeMap<>();
        for (StoredBatch batch : batches) {
            Map<Integer, Event> topicSlots = slots.computeIfAbsent(batch.topic(), t -> new TreeMap<>());
            long newest = 0;
            for (Event event : batch.events()) {
                newest = Math.max(newest, event.seq());
                topicSlots.merge(RingSchema.slotOf(event.seq(), historySize), event,
                        (kept, next) -> next.seq() > kept.seq() ? next : kept);
            }
            heads.merge(batch.topic(), new Head(batch.epoch(), newest),
                    (first, next) -> new Head(first.epoch(), Math.max(first.newestSeq(), next.newestSeq())));
        }
        rows = new ArrayList<>();
        slots.forEach((topic, topicSlots) -> topicSlots.forEach((slot, event) -> rows.add(new Row(topic, slot, event))));
    }

    /** Every topic of the call once, in topic order. */
    Map<String, Head> heads() {
        return heads;
    }

    /** At most one event per (topic, slot), in (topic, slot) order. */
    List<Row> rows() {
        return rows;
    }
}
